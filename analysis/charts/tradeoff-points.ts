/**
 * The points of the bytes-against-CPU trade-off: one per series (a strategy with the options and channel
 * compression that set it apart from the other rows of that strategy), block size and workload, its bytes
 * (both directions) and CPU (sender + receiver) per sync by the one aggregation, and whether it lies on the
 * workload's Pareto front. The chart and bench/pareto.ts's table read the same points.
 */
import type { ResultRow } from '../../core/result-row.ts'
import { cellFigure } from '../../core/aggregation.ts'
import { groupBy } from '../../core/stats.ts'
import { blockText } from '../cell-figures.ts'
import { paretoFront } from './pareto.ts'
import { bytes, formatMs, formatSpread } from './format.ts'

export interface TradeoffPoint {
  series: string
  strategy: string
  workload: string
  block_size: number | null
  block: string
  /** "rsync-rolling +zstd:19 · 512 B" (no block for a strategy that ignores it): the point's direct label. */
  label: string
  bytes: number
  bytes_min: number
  bytes_max: number
  bytes_down: number
  bytes_up: number
  cpu: number
  cpu_min: number
  cpu_max: number
  sender_cpu: number
  receiver_cpu: number
  /** Bytes ÷ the local-delta floor (null without a floor). */
  vs_local: number | null
  wrong: number
  sent: string
  cpu_text: string
  pareto: boolean
  pareto_text: string
}

/** The keys of one strategy's options that differ between its rows, block size aside. */
function differingKeys(rows: readonly ResultRow[]): Map<string, string[]> {
  const seen = new Map<string, Map<string, Record<string, unknown>>>()
  for (const r of rows) {
    const sets = seen.get(r.strategy) ?? new Map<string, Record<string, unknown>>()
    seen.set(r.strategy, sets)
    if (!sets.has(r.strategy_options)) sets.set(r.strategy_options, JSON.parse(r.strategy_options) as Record<string, unknown>)
  }
  const out = new Map<string, string[]>()
  for (const [strategy, sets] of seen) {
    const all = [...sets.values()]
    const keys = Object.keys(all[0]!).filter((k) => k !== 'blockSize' && all.some((o) => JSON.stringify(o[k]) !== JSON.stringify(all[0]![k])))
    out.set(strategy, keys)
  }
  return out
}

/**
 * Names each row's series: the strategy, then its differing options as key=value, then the channel's
 * compression when the rows do not all share one ("rsync compress=zstd compressLevel=22", "rsync-rolling +zstd:19").
 */
export function tradeoffSeries(rows: readonly ResultRow[]): (r: ResultRow) => string {
  const keys = differingKeys(rows)
  const channels = new Set(rows.map((r) => r.compression))
  return (r) => {
    const opts = JSON.parse(r.strategy_options) as Record<string, unknown>
    // A value of 'default' or 'none' is the strategy's plain form: left out, so the label stays short.
    const shown = keys.get(r.strategy)!.filter((k) => opts[k] !== 'default' && opts[k] !== 'none')
    const parts = [r.strategy, ...shown.map((k) => `${k}=${String(opts[k])}`)]
    if (channels.size > 1 && r.compression !== 'none') parts.push(`+${r.compression}`)
    return parts.join(' ')
  }
}

/** The points of every workload, each marked on or off its workload's Pareto front. */
export function tradeoffPoints(rows: readonly ResultRow[]): TradeoffPoint[] {
  const seriesOf = tradeoffSeries(rows)
  return groupBy(rows, ['workload']).flatMap((w) => workloadPoints(w.key.workload, w.rows, seriesOf))
}

function workloadPoints(workload: string, rows: readonly ResultRow[], seriesOf: (r: ResultRow) => string): TradeoffPoint[] {
  const points: TradeoffPoint[] = []
  const cells = groupBy(rows.map((r) => ({ ...r, series: seriesOf(r), block: r.uses_block_size ? r.block_size : null })), ['series', 'block'])
  for (const { key, rows: cell } of cells) {
    const figure = (f: (r: ResultRow) => number | null) => cellFigure(cell, f)
    const b = figure((r) => r.bytes_total)
    const c = figure((r) => r.sender_cpu_ms + r.receiver_cpu_ms)
    if (!b || !c || b.min <= 0 || c.min <= 0) continue
    const block = blockText(key.block)
    points.push({
      series: key.series,
      strategy: cell[0]!.strategy,
      workload,
      block_size: key.block,
      block,
      label: key.block === null ? key.series : `${key.series} · ${block}`,
      bytes: b.median,
      bytes_min: b.min,
      bytes_max: b.max,
      bytes_down: figure((r) => r.bytes_down)!.median,
      bytes_up: figure((r) => r.bytes_up)!.median,
      cpu: c.median,
      cpu_min: c.min,
      cpu_max: c.max,
      sender_cpu: figure((r) => r.sender_cpu_ms)!.median,
      receiver_cpu: figure((r) => r.receiver_cpu_ms)!.median,
      vs_local: figure((r) => r.vs_local)?.median ?? null,
      wrong: cell.filter((r) => !r.correct).length,
      sent: formatSpread(b, bytes),
      cpu_text: formatSpread(c, formatMs),
      pareto: false,
      pareto_text: 'no',
    })
  }
  const front = paretoFront(points.map((p) => ({ x: p.cpu, y: p.bytes })))
  for (const i of front) Object.assign(points[i]!, { pareto: true, pareto_text: 'yes' })
  return points
}
