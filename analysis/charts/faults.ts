/**
 * What tracking faults cost: for each injected fault and strategy, the share of syncs that ended with a wrong
 * replica (caught by the harness's byte-for-byte check), beside the share detected where the run records it.
 * Drawn only for runs with fault columns (see fault-columns.ts).
 */
import type { TopLevelSpec } from 'vega-lite'
import type { ResultRow } from '../../core/result-row.ts'
import { chartConfig, strategyColour, VEGA_LITE_SCHEMA, type ChartBuilder } from './chart.ts'
import { detected, faultOf, findFaultColumns, seriesLabeller } from './fault-columns.ts'

export interface FaultCell {
  strategy: string
  series: string
  fault: string
  syncs: number
  wrong: number
  /** Per detection column: how many of the syncs it flagged. */
  detected: Record<string, number>
}

/** Syncs with a fault injected, grouped by series (strategy + differing options) and fault. */
export function faultCells(rows: readonly ResultRow[]): FaultCell[] | null {
  const cols = findFaultColumns(rows)
  if (!cols) return null
  const cells = new Map<string, FaultCell>()
  const seriesLabel = seriesLabeller(rows)
  for (const r of rows) {
    const fault = faultOf(r, cols.kind)
    if (fault === null) continue
    const series = seriesLabel(r)
    const key = JSON.stringify([series, fault])
    let c = cells.get(key)
    if (!c) {
      c = { strategy: r.strategy, series, fault, syncs: 0, wrong: 0, detected: {} }
      cells.set(key, c)
    }
    c.syncs++
    if (!r.correct) c.wrong++
    for (const d of cols.detection) if (detected(r, d)) c.detected[d] = (c.detected[d] ?? 0) + 1
  }
  return [...cells.values()]
}

export const faults: ChartBuilder = {
  id: 'faults',
  title: 'Tracking faults: how often a replica ended wrong',
  about: 'For each injected fault, the share of syncs whose replica came out wrong (the harness compares every replica byte for byte), per strategy.',
  build(rows, ctx) {
    const cells = faultCells(rows)
    if (!cells || cells.length === 0) return { absent: 'this run has no fault rows (no fault column holds an injected fault)' }
    const points = cells.map((c) => ({
      ...c,
      share: c.wrong / c.syncs,
      label: `${c.wrong} of ${c.syncs} wrong`,
      detected_text: Object.keys(c.detected).length ? Object.entries(c.detected).map(([k, n]) => `${k}: ${n} of ${c.syncs}`).join('; ') : 'not recorded',
    }))
    const strategies = ctx.strategies.filter((s) => cells.some((c) => c.strategy === s))
    const y = { field: 'fault', type: 'nominal' as const, title: 'Injected fault', sort: [...new Set(cells.map((c) => c.fault))] }
    const spec: TopLevelSpec = {
      $schema: VEGA_LITE_SCHEMA,
      title: { text: this.title, subtitle: ['Share of syncs with that fault injected whose replica was not byte-exact afterwards.', `Bars in the strategy's colour; the count is written beside each bar. ${ctx.runLine}.`] },
      config: chartConfig(),
      data: { values: points },
      width: 420,
      height: { step: 22 * Math.max(1, new Set(cells.map((c) => c.series)).size) },
      encoding: { y, yOffset: { field: 'series', type: 'nominal', sort: [...new Set(cells.map((c) => c.series))] } },
      layer: [
        {
          mark: { type: 'bar' },
          encoding: {
            x: { field: 'share', type: 'quantitative', scale: { domain: [0, 1] }, axis: { format: '.0%', title: 'Syncs that ended with a wrong replica (%)' } },
            color: { ...strategyColour({ ...ctx, strategies }), field: 'strategy' },
            tooltip: [
              { field: 'series', title: 'Strategy' },
              { field: 'fault', title: 'Fault' },
              { field: 'label', title: 'Wrong replicas' },
              { field: 'detected_text', title: 'Detected' },
            ],
          },
        },
        {
          mark: { type: 'text', align: 'left', dx: 4, fontSize: 10 },
          encoding: { x: { field: 'share', type: 'quantitative' }, text: { field: 'label' } },
        },
      ],
    }
    return { spec }
  },
}
