/**
 * The tune's chart: estimated time against block size (a panel per profile, a line per strategy, each
 * size's interval as a bar, the indistinguishable sizes filled, the best a diamond), and under it the best
 * size's estimate taken apart (transfer down, transfer up, latency, CPU per side) as a stacked bar.
 */
import type { TopLevelSpec } from 'vega-lite'
import { strategyScale } from '../analysis/charts/palette.ts'
import { bytesExpr } from '../analysis/charts/format.ts'
import { columnsFor } from '../analysis/charts/panels.ts'
import type { SyncBreakdown } from '../core/network-profile.ts'
import type { TuneResult } from './tune.ts'

/** The parts, their labels and colours (blues for the wire, grey for latency, greens for CPU; no red, which means a wrong replica). */
const PARTS: [keyof SyncBreakdown, string, string][] = [
  ['transferDownMs', 'transfer down', '#2b6a99'],
  ['transferUpMs', 'transfer up', '#8fbbd9'],
  ['latencyMs', 'latency × flights', '#9a9a9a'],
  ['senderCpuMs', 'CPU sender', '#3a8a3a'],
  ['receiverCpuMs', 'CPU receiver', '#9fd39a'],
]

/** The chart; `subtitle` says what the figures are (the aggregation) and how the interval and set are made. */
export function tuneChart(results: readonly TuneResult[], subtitle: string[]): TopLevelSpec {
  const values = results.flatMap((r) =>
    r.evaluated.map((e) => ({ strategy: r.strategy, profile: r.profile, blockSize: e.blockSize, ms: e.cost, lo: e.lo, hi: e.hi, best: e.blockSize === r.best.blockSize, indistinguishable: e.indistinguishable })),
  )
  const parts = results.flatMap((r) => PARTS.map(([k, part]) => ({ size: `${r.strategy} · ${r.profile} · ${r.best.blockSize} B`, part, ms: r.best.breakdown[k] })))
  const pipelined = results.some((r) => r.model === 'pipelined')
  const sizes = [...new Set(values.map((v) => v.blockSize))].sort((a, b) => a - b)
  // Ticks at the sizes tried, in KiB/MiB (the one byte formatter), not raw byte counts.
  const x = { field: 'blockSize', type: 'quantitative', scale: { type: 'log', base: 2 }, title: 'block size (log scale)', axis: { values: sizes, labelExpr: bytesExpr('datum.value'), labelOverlap: true } } as const
  const profiles = [...new Set(results.map((r) => r.profile))]
  const y = { field: 'ms', type: 'quantitative', scale: { type: 'log' }, title: 'estimated time per sync (ms)' } as const
  const color = { field: 'strategy', type: 'nominal', title: 'strategy', scale: strategyScale([...new Set(results.map((r) => r.strategy))]) } as const
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: 'Estimated time to sync against block size', subtitle },
    resolve: { scale: { color: 'independent' } },
    vconcat: [
      {
        data: { values },
        // Wrapped by count (no 1-row strip), profiles in the order given.
        facet: { field: 'profile', type: 'nominal', title: 'network profile', sort: profiles },
        columns: columnsFor(profiles.length),
        resolve: { scale: { y: 'independent' } },
        spec: {
          width: 260,
          height: 200,
          layer: [
            { mark: { type: 'line', tooltip: true }, encoding: { x, y, color } },
            // Each size's interval: order-statistic bounds of the median over the units.
            { mark: { type: 'rule' }, encoding: { x, y: { ...y, field: 'lo' }, y2: { field: 'hi' }, color } },
            // Filled: indistinguishable from the best; hollow: distinguishably slower.
            { transform: [{ filter: 'datum.indistinguishable' }], mark: { type: 'point', filled: true, tooltip: true }, encoding: { x, y, color } },
            { transform: [{ filter: '!datum.indistinguishable' }], mark: { type: 'point', filled: false, tooltip: true }, encoding: { x, y, color } },
            { transform: [{ filter: 'datum.best' }], mark: { type: 'point', shape: 'diamond', size: 140, filled: true, tooltip: true }, encoding: { x, y, color } },
          ],
        },
      },
      {
        title: pipelined ? 'the best size per profile: each part\'s share (pipelined: parts overlap; time = latency + the largest)' : 'the best size per profile: each part\'s share of the estimate',
        data: { values: parts },
        width: 560,
        mark: { type: 'bar', tooltip: true },
        encoding: {
          y: { field: 'size', type: 'nominal', title: null, sort: null, axis: { labelLimit: 400 } },
          x: { field: 'ms', type: 'quantitative', stack: 'normalize', title: 'share of estimated time per sync', axis: { format: '%' } },
          color: { field: 'part', type: 'nominal', title: 'part', scale: { domain: PARTS.map((p) => p[1]), range: PARTS.map((p) => p[2]) } },
        },
      },
    ],
  }
}
