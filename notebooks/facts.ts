/**
 * The numbers the notebooks' conclusions are written from: every sentence a notebook prints is built from
 * these, never typed in.
 */
import { cellFigure } from '../core/aggregation.ts'
import type { Spread } from '../core/stats.ts'
import type { ResultRow } from '../core/result-row.ts'
import { cellsOf, cellFigures } from '../analysis/cell-figures.ts'

export interface Config {
  strategy: string
  workload: string
  /** null: the strategy ignores the block size (one run per workload and seed). */
  block_size: number | null
  bytes: Spread
  /** Bytes sent ÷ oracle, over seeds; null without an oracle. */
  ratio: Spread | null
  /** CPU of both halves per sync. */
  cpu: Spread
  syncs: number
  wrong: number
}

/** One entry per cell (strategy × workload × block size), its figures folded by the one aggregation. */
export function configs(rows: readonly ResultRow[]): Config[] {
  const out: Config[] = []
  for (const c of cellsOf(rows)) {
    const f = cellFigures(c)
    const cpu = cellFigure(c.rows, (r) => r.sender_cpu_ms + r.receiver_cpu_ms)
    if (!f.bytesTotal || !cpu) continue
    out.push({ strategy: c.strategy, workload: c.workload, block_size: c.blockSize, bytes: f.bytesTotal, cpu, ratio: f.vsOracle, syncs: f.syncs, wrong: f.wrong })
  }
  return out
}

/** Each strategy at its best block size (fewest bytes) on one workload, best first. */
export function bestPerStrategy(all: readonly Config[], workload: string): Config[] {
  const best = new Map<string, Config>()
  for (const c of all) {
    if (c.workload !== workload) continue
    const b = best.get(c.strategy)
    if (!b || c.bytes.median < b.bytes.median) best.set(c.strategy, c)
  }
  return [...best.values()].sort((a, b) => a.bytes.median - b.bytes.median)
}

/** True when two spreads over seeds overlap: the run does not separate them. */
export function overlaps(a: Spread, b: Spread): boolean {
  return a.min <= b.max && b.min <= a.max
}

export function geomean(xs: readonly number[]): number {
  return Math.exp(xs.reduce((s, x) => s + Math.log(x), 0) / xs.length)
}
