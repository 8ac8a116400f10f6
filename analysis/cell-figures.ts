/**
 * A run's cells and their figures, folded by the one aggregation (core/aggregation.ts): the terminal table,
 * the report's table and the notebooks all print from these lines, so they cannot fold differently.
 * A cell is a strategy on a workload at a block size; a strategy that ignores the block size
 * (uses_block_size false) has one cell per workload, its block shown as "any".
 */
import { acrossSeeds, cellFigure, localRatioPerSeed, oracleRatioPerSeed } from '../core/aggregation.ts'
import type { ResultRow } from '../core/result-row.ts'
import type { Spread } from '../core/stats.ts'
import { blockLabel } from './charts/format.ts'
import { keptStateBytes, STATE_KINDS } from './kept-state.ts'

/** What the block column says for a strategy that ignores the block size. */
export const ANY_BLOCK = 'any'

export interface Cell {
  strategy: string
  workload: string
  /** null: the strategy ignores the block size, and these rows stand for every block size of the sweep. */
  blockSize: number | null
  rows: ResultRow[]
}

/** The cell's block size in words: "4 KiB", or "any" for a strategy that ignores it. */
export function blockText(blockSize: number | null): string {
  return blockSize === null ? ANY_BLOCK : blockLabel(blockSize)
}

/** The rows' cells, in order of first appearance. */
export function cellsOf(rows: readonly ResultRow[]): Cell[] {
  const cells = new Map<string, Cell>()
  for (const r of rows) {
    const blockSize = r.uses_block_size ? r.block_size : null
    const id = JSON.stringify([r.strategy, r.workload, blockSize])
    let c = cells.get(id)
    if (!c) cells.set(id, (c = { strategy: r.strategy, workload: r.workload, blockSize, rows: [] }))
    c.rows.push(r)
  }
  return [...cells.values()]
}

export interface CellFigures {
  strategy: string
  workload: string
  blockSize: number | null
  syncs: number
  wrong: number
  seeds: number
  /** Per sync, both directions and each. */
  bytesTotal: Spread | null
  bytesDown: Spread | null
  bytesUp: Spread | null
  roundTrips: Spread | null
  senderCpuMs: Spread | null
  receiverCpuMs: Spread | null
  estMs: Spread | null
  estProfile: string
  /** Σ bytes ÷ Σ oracle and ÷ Σ local floor per seed; null where the yardstick is missing. */
  vsOracle: Spread | null
  vsLocal: Spread | null
  /** Tracking costs per sync; null without a tracker. */
  trackerMs: Spread | null
  trackerDeviceBytes: Spread | null
  /** Every byte kept between syncs (tracker + sender + receiver), and each kind of it. */
  keptState: Spread | null
  stateByKind: Record<(typeof STATE_KINDS)[number]['kind'], Spread | null>
  /** With a fault: events injected over the cell; syncs self-verification detected and repaired (counts, not folded). */
  faultsInjected: number | null
  selfDetected: number | null
  selfRepaired: number | null
}

/** The figures of one cell. */
export function cellFigures(c: Cell): CellFigures {
  const g = c.rows
  const r0 = g[0]!
  const per = (f: (r: ResultRow) => number | null) => cellFigure(g, f)
  const stateByKind = Object.fromEntries(STATE_KINDS.map((k) => [k.kind, per(k.value)])) as CellFigures['stateByKind']
  return {
    strategy: c.strategy,
    workload: c.workload,
    blockSize: c.blockSize,
    syncs: g.length,
    wrong: g.filter((r) => !r.correct).length,
    seeds: new Set(g.map((r) => r.seed)).size,
    bytesTotal: per((r) => r.bytes_total),
    bytesDown: per((r) => r.bytes_down),
    bytesUp: per((r) => r.bytes_up),
    roundTrips: per((r) => r.round_trips),
    senderCpuMs: per((r) => r.sender_cpu_ms),
    receiverCpuMs: per((r) => r.receiver_cpu_ms),
    estMs: per((r) => r.est_sync_ms),
    estProfile: r0.est_profile,
    vsOracle: acrossSeeds(g, oracleRatioPerSeed),
    vsLocal: acrossSeeds(g, localRatioPerSeed),
    trackerMs: per((r) => r.tracker_ms),
    trackerDeviceBytes: per((r) => r.tracker_device_bytes),
    keptState: per(keptStateBytes),
    stateByKind,
    faultsInjected: r0.faults_injected === null ? null : g.reduce((a, r) => a + (r.faults_injected ?? 0), 0),
    selfDetected: r0.self_detected === null ? null : g.filter((r) => r.self_detected).length,
    selfRepaired: r0.self_repaired === null ? null : g.filter((r) => r.self_repaired).length,
  }
}

/** Every cell's figures, in order of first appearance. */
export function runFigures(rows: readonly ResultRow[]): CellFigures[] {
  return cellsOf(rows).map(cellFigures)
}

/** A figure as both tables print it: the median, and the min–max over seeds when it differs at the precision printed. */
export interface FigureText {
  value: string
  range: string | null
}

/** The text of a figure ('-' where there is none). */
export function figureText(s: Spread | null, f: (n: number) => string): FigureText {
  if (!s) return { value: '-', range: null }
  const lo = f(s.min)
  const hi = f(s.max)
  return { value: f(s.median), range: lo === hi ? null : `${lo} – ${hi}` }
}

/** Round trips as both tables print them: up to two decimals. */
export const roundTripsText = (n: number): string => String(Number(n.toFixed(2)))
