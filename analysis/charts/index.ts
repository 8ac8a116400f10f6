/** The charts of a run, in the order a report shows them: one file per chart builder, one line each here. */
import type { Manifest } from '../../core/run-files.ts'
import type { ResultRow } from '../../core/result-row.ts'
import { bytesVsBlockSize } from './bytes-vs-block-size.ts'
import { chartContext, type ChartBuilder, type ChartContext, type ChartOutcome } from './chart.ts'
import { correctness } from './correctness.ts'
import { cpuVsBlockSize } from './cpu-vs-block-size.ts'
import { efficiencyHeatmap } from './efficiency-heatmap.ts'
import { faults } from './faults.ts'
import { frameKinds } from './frame-kinds.ts'
import { trackingState } from './tracking-state.ts'
import { trackingTime } from './tracking-time.ts'
import { tradeoff } from './tradeoff-bytes-vs-cpu.ts'

export const CHARTS: readonly ChartBuilder[] = [
  correctness,
  bytesVsBlockSize,
  efficiencyHeatmap,
  cpuVsBlockSize,
  tradeoff,
  frameKinds,
  trackingTime,
  trackingState,
  faults,
]

export interface BuiltChart {
  builder: ChartBuilder
  outcome: ChartOutcome
}

/** Builds every chart over the rows (the manifest, when there is one, names the volume and epochs). */
export function buildCharts(rows: readonly ResultRow[], manifest?: Pick<Manifest, 'config'>): { ctx: ChartContext; charts: BuiltChart[] } {
  const ctx = chartContext(rows, manifest?.config)
  return { ctx, charts: CHARTS.map((builder) => ({ builder, outcome: rows.length ? builder.build(rows, ctx) : { absent: 'the run has no rows' } })) }
}
