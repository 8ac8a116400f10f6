/**
 * The numbers the notebooks' conclusions are written from: every sentence a notebook prints is built from
 * these, never typed in.
 */
import { acrossSeeds, efficiencyPerSeed, meanPerSync } from '../analysis/charts/aggregate.ts'
import { groupBy, type Spread } from '../core/stats.ts'
import type { ResultRow } from '../core/result-row.ts'

export interface Config {
  strategy: string
  workload: string
  block_size: number
  bytes: Spread
  /** Bytes sent ÷ oracle, over seeds; null without an oracle. */
  ratio: Spread | null
  /** CPU of both halves per sync. */
  cpu: Spread
  syncs: number
  wrong: number
}

/** One entry per strategy × workload × block size. */
export function configs(rows: readonly ResultRow[]): Config[] {
  const out: Config[] = []
  for (const g of groupBy(rows, ['strategy', 'workload', 'block_size'])) {
    const bytes = acrossSeeds(g.rows, meanPerSync((r) => r.bytes_total))
    const cpu = acrossSeeds(g.rows, meanPerSync((r) => r.sender_cpu_ms + r.receiver_cpu_ms))
    if (!bytes || !cpu) continue
    out.push({ ...g.key, bytes, cpu, ratio: acrossSeeds(g.rows, efficiencyPerSeed), syncs: g.rows.length, wrong: g.rows.filter((r) => !r.correct).length })
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
