/**
 * The report's summary table: one line per cell (workload, strategy, block size), from the same cell figures
 * as the terminal table (analysis/cell-figures.ts, folded by core/aggregation.ts), each a median over seeds
 * with its min–max beside it, in the run's order.
 */
import { blockText, figureText, roundTripsText, runFigures, type FigureText } from '../cell-figures.ts'
import type { ChartContext } from '../charts/chart.ts'
import { bytes, formatMs, formatRatio } from '../charts/format.ts'
import { STATE_KINDS } from '../kept-state.ts'
import type { ResultRow } from '../../core/result-row.ts'
import type { Spread } from '../../core/stats.ts'

/** A median, and the min–max over seeds when it shows a difference at the precision printed; `sort` is the median itself (the page sorts on it). */
export type SummaryCell = FigureText & { sort: number | null }

function cell(s: Spread | null, f: (n: number) => string): SummaryCell {
  return { ...figureText(s, f), sort: s?.median ?? null }
}

export interface SummaryLine {
  workload: string
  strategy: string
  /** "4 KiB", or "any" for a strategy that ignores the block size. */
  block: string
  /** The block size in bytes (null for "any"): what the block column sorts on. */
  blockSize: number | null
  sent: SummaryCell
  down: SummaryCell
  up: SummaryCell
  vsOracle: SummaryCell
  vsLocal: SummaryCell
  roundTrips: SummaryCell
  senderCpu: SummaryCell
  receiverCpu: SummaryCell
  est: SummaryCell
  /** The network profile of est_sync_ms. */
  estProfile: string
  /** Every byte kept between syncs, and its split by kind ("tracker 0 B · sender 64 KiB · receiver 20 B"). */
  keptState: SummaryCell
  stateSplit: string
  syncs: number
  wrong: number
}

export function summaryLines(rows: readonly ResultRow[], ctx: ChartContext): SummaryLine[] {
  const rank = (list: readonly string[], v: string) => list.indexOf(v)
  const figures = runFigures(rows).sort(
    (a, b) => rank(ctx.workloads, a.workload) - rank(ctx.workloads, b.workload) || rank(ctx.strategies, a.strategy) - rank(ctx.strategies, b.strategy) || (a.blockSize ?? 0) - (b.blockSize ?? 0),
  )
  return figures.map((f) => ({
    workload: f.workload,
    strategy: f.strategy,
    block: blockText(f.blockSize),
    blockSize: f.blockSize,
    sent: cell(f.bytesTotal, bytes),
    down: cell(f.bytesDown, bytes),
    up: cell(f.bytesUp, bytes),
    vsOracle: cell(f.vsOracle, formatRatio),
    vsLocal: cell(f.vsLocal, formatRatio),
    roundTrips: cell(f.roundTrips, roundTripsText),
    senderCpu: cell(f.senderCpuMs, formatMs),
    receiverCpu: cell(f.receiverCpuMs, formatMs),
    est: cell(f.estMs, formatMs),
    estProfile: f.estProfile,
    keptState: cell(f.keptState, bytes),
    stateSplit: STATE_KINDS.map((k) => `${k.kind} ${figureText(f.stateByKind[k.kind], bytes).value}`).join(' · '),
    syncs: f.syncs,
    wrong: f.wrong,
  }))
}
