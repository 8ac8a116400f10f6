/**
 * The report's answer: per workload and network profile, which strategy and block size syncs fastest by
 * estimated time to sync, the runner-up (the best cell of any other strategy) and by how much, how sure
 * that is, the winner's floor (× local) and the block size to use.
 *
 * Every figure is the one aggregation's (core/aggregation.ts): per seed the mean per sync over its epochs,
 * then the median over seeds. Each row's time is estimated again on each profile from its bytes, flights
 * and CPU (core/network-profile.ts, with the run's cost model), as tune does, so one run answers for every
 * profile. The margin and "indistinguishable" are tune's statistics (core/paired-sign-test.ts): paired
 * differences per unit (seed × repeat), order-statistic bounds of their median; a cell that left a wrong
 * replica cannot win.
 */
import { acrossSeeds, localRatioPerSeed, meanPerSync } from '../../core/aggregation.ts'
import { estimateSyncMs, parseCostModel, parseProfile, PROFILES, type NetworkProfile } from '../../core/network-profile.ts'
import { orderBounds, pairedMargin, worseThanBest, type PairedMargin, type UnitCosts } from '../../core/paired-sign-test.ts'
import type { ResultRow } from '../../core/result-row.ts'
import { groupBy } from '../../core/stats.ts'
import { cellsOf, type Cell } from '../cell-figures.ts'

/** A block device's page: the recommended block size is a multiple of it when one such size is as good as the best. */
export const DEFAULT_ALIGN = 4096

/** One cell (strategy at a block size on a workload) costed on one profile. */
export interface CostedCell {
  strategy: string
  /** null: the strategy ignores the block size. */
  blockSize: number | null
  /** The cell figure of est_sync_ms on the profile, ms. */
  ms: number
  /** Each unit's (seed/repeat) mean estimated ms per sync: what the paired tests compare. */
  units: UnitCosts
  /** × local (median over seeds), null without a floor. */
  vsLocal: number | null
}

export interface BlockAdvice {
  /** The block size to use, or null when the strategy ignores it. */
  blockSize: number | null
  /** The sizes measured that cannot be told apart from the strategy's best on this profile, ascending. */
  indistinguishable: number[]
  /** The alignment asked for, and whether the advice meets it (false: no indistinguishable size is a multiple). */
  align: number
  aligned: boolean
}

export interface Decision {
  workload: string
  profile: string
  winner: CostedCell
  runnerUp: CostedCell | null
  /** How much slower the runner-up is, paired per unit; null without a runner-up. */
  margin: PairedMargin | null
  /** Units (seed × repeat) behind the winner's figure, and the coverage its bounds have. */
  units: number
  coverage: number
  advice: BlockAdvice
  /** Strategies left out of the choice because a cell of theirs left a wrong replica. */
  excluded: string[]
}

/** The profiles the report answers for: the run's own first, then the other built-in ones. */
export function reportProfiles(runProfile: string | undefined): NetworkProfile[] {
  let own = PROFILES.wan!
  // A row names a custom profile without its figures (sat, not sat:20M/2M/600ms): then the built-in ones only.
  try {
    if (runProfile) own = parseProfile(runProfile)
  } catch {
    own = PROFILES.wan!
  }
  return [own, ...Object.values(PROFILES).filter((p) => p.name !== own.name)]
}

/** A cell's rows costed on a profile: the aggregation's figure and the per-unit costs. */
export function costCell(c: Cell, p: NetworkProfile): CostedCell {
  // The tracker's time (writes, snapshots) is the sender's, as in the rows' est_sync_ms.
  const est = (r: ResultRow) => estimateSyncMs({ bytesDown: r.bytes_down, bytesUp: r.bytes_up, flights: r.flights, senderCpuMs: r.sender_cpu_ms + (r.tracker_ms ?? 0), receiverCpuMs: r.receiver_cpu_ms }, p, parseCostModel(r.est_model))
  const units = new Map<string, number>()
  for (const g of groupBy(c.rows, ['seed', 'repeat'])) {
    const v = meanPerSync(est)(g.rows)
    if (v !== null) units.set(`${g.key.seed}/${g.key.repeat}`, v)
  }
  return { strategy: c.strategy, blockSize: c.blockSize, ms: acrossSeeds(c.rows, meanPerSync(est))?.median ?? NaN, units, vsLocal: acrossSeeds(c.rows, localRatioPerSeed)?.median ?? null }
}

/** Among the strategy's sizes as good as its best, the cheapest multiple of `align`; the best itself when none is. */
export function adviseBlock(cells: readonly CostedCell[], best: CostedCell, align: number): BlockAdvice {
  if (best.blockSize === null) return { blockSize: null, indistinguishable: [], align, aligned: true }
  const same = cells.filter((c) => c.strategy === best.strategy && c.blockSize !== null)
  const asGood = same.filter((c) => c === best || !worseThanBest(c.units, best.units))
  const indistinguishable = asGood.map((c) => c.blockSize!).sort((a, b) => a - b)
  const aligned = asGood.filter((c) => c.blockSize! % align === 0).sort((a, b) => a.ms - b.ms)[0]
  return { blockSize: (aligned ?? best).blockSize, indistinguishable, align, aligned: aligned !== undefined }
}

/** The decision for one workload's cells on one profile; null when every cell left a wrong replica or has no time. */
export function decideWorkload(workload: string, cells: readonly Cell[], p: NetworkProfile, align = DEFAULT_ALIGN): Decision | null {
  const excluded = [...new Set(cells.filter((c) => c.rows.some((r) => !r.correct)).map((c) => c.strategy))]
  const costed = cells.filter((c) => !excluded.includes(c.strategy)).map((c) => costCell(c, p)).filter((c) => Number.isFinite(c.ms))
  if (costed.length === 0) return null
  // Ties keep the run's order (a stable sort), so the answer does not depend on anything but the numbers and the order given.
  const ranked = [...costed].sort((a, b) => a.ms - b.ms)
  const winner = ranked[0]!
  const runnerUp = ranked.find((c) => c.strategy !== winner.strategy) ?? null
  return {
    workload,
    profile: p.name,
    winner,
    runnerUp,
    margin: runnerUp ? pairedMargin(runnerUp.units, winner.units) : null,
    units: winner.units.size,
    coverage: orderBounds(winner.units.size).coverage,
    advice: adviseBlock(costed, winner, align),
    excluded,
  }
}

/** Every workload's decision on every profile, workloads in the order given. */
export function decide(rows: readonly ResultRow[], profiles: readonly NetworkProfile[], workloads: readonly string[], align = DEFAULT_ALIGN): Decision[] {
  const cells = cellsOf(rows)
  const out: Decision[] = []
  for (const p of profiles) {
    for (const w of workloads) {
      const d = decideWorkload(w, cells.filter((c) => c.workload === w), p, align)
      if (d) out.push(d)
    }
  }
  return out
}
