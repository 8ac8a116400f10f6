/**
 * The CPU verdict of a comparison: a test whose false-alarm rate is known, over the units that are close
 * to independent.
 *
 * - The unit is one run of a cell's seed (a seed × repeat): its mean CPU per sync over its epochs, as the
 *   one aggregation defines it. Epochs are not units: they share one run's machine state, so treating them
 *   as independent is what made two runs of the same config "differ" by +150%.
 * - Per cell, an exact stratified rank test (core/rank-test.ts), strata = paired seeds, so a seed's own
 *   level never counts as a difference. It asks whether B is slower than A by more than the minimum effect
 *   (B's values are divided by 1 + minEffect before ranking), and likewise faster.
 * - Across cells, Holm's procedure (core/holm.ts) keeps the chance of any false call in the whole
 *   comparison at alpha, whatever the number of cells.
 * - Two runs minutes apart can differ by a machine-wide factor (another job, the clock) that no test
 *   within a cell can see, since every unit of a run shares it. Given the comparison's overall factor, a
 *   cell is called only when it moved beyond it as well as beyond the minimum effect.
 * - A cell whose sample sizes could never reach alpha (even with every B value above every A value) gets
 *   no CPU verdict and the advice says how many repeats would do.
 */
import type { ResultRow } from '../core/result-row.ts'
import { groupBy } from '../core/stats.ts'
import { bestAttainableP, stratifiedRankTest, type Stratum } from '../core/rank-test.ts'
import { holm } from '../core/holm.ts'
import type { CellPair } from './compare-pairs.ts'

export interface CpuTestOptions {
  /** Family-wise false-alarm rate of the whole comparison (either direction). */
  alpha: number
  /** Relative change below which no CPU change is called (0.1 = 10%). */
  minEffect: number
  /**
   * B/A over the whole comparison (the median over cells) when it is a machine-wide factor worth allowing
   * for: a cell is then called only when it moved beyond both the minimum effect and this factor.
   */
  machineFactor?: number
}

export type CpuCall = 'worse' | 'better' | 'same' | 'too few samples'

export interface CpuTest {
  /** Units (seed × repeat runs) on each side, and the strata (paired seeds; 1 when seeds are not paired). */
  unitsA: number
  unitsB: number
  strata: number
  /** The smallest two-sided p-value these sample sizes could give. */
  bestP: number
  /** Two-sided p-value of a change beyond the minimum effect (null when the cell was not tested). */
  p: number | null
  /** p adjusted by Holm over the tested cells: the call is made when it is ≤ alpha. */
  pAdjusted: number | null
  call: CpuCall
}

export interface CpuFamily {
  tests: CpuTest[]
  /** Cells tested (those whose sample sizes can reach alpha). */
  tested: number
  /** Set when some cell had too few samples: what to run instead. */
  advice: string | null
}

const cpuOf = (r: ResultRow) => r.sender_cpu_ms + r.receiver_cpu_ms

/** A side's units: per seed × repeat, the mean CPU per sync over the epochs. */
function units(rows: readonly ResultRow[]): Map<string, number[]> {
  const bySeed = new Map<string, number[]>()
  for (const g of groupBy(rows, ['seed', 'repeat'])) {
    const v = g.rows.reduce((s, r) => s + cpuOf(r), 0) / g.rows.length
    const list = bySeed.get(g.key.seed) ?? []
    list.push(v)
    bySeed.set(g.key.seed, list)
  }
  return bySeed
}

/** The strata of a pair: one per paired seed, or all units of each side in one. */
export function cpuStrata(pair: CellPair): Stratum[] {
  const ua = units(pair.a)
  const ub = units(pair.b)
  if (!pair.seedsPaired) return [{ a: [...ua.values()].flat(), b: [...ub.values()].flat() }]
  return [...ua.keys()].filter((s) => ub.has(s)).map((s) => ({ a: ua.get(s)!, b: ub.get(s)! }))
}

/**
 * Two-sided p of "B is slower than A × up, or faster than A × down" (up ≥ 1 ≥ down: the margins), from two
 * one-sided tests on B's values divided by the margin.
 */
export function marginTest(strata: readonly Stratum[], up: number, down: number): { p: number; direction: 'worse' | 'better'; bestP: number } {
  const scaled = (f: number) => strata.map((s) => ({ a: s.a, b: s.b.map((x) => x * f) }))
  const worse = stratifiedRankTest(scaled(1 / up)).pGreater
  const better = stratifiedRankTest(scaled(1 / down)).pLess
  const bestP = Math.min(1, 2 * bestAttainableP(strata.map((s) => ({ nA: s.a.length, nB: s.b.length }))))
  return { p: Math.min(1, 2 * Math.min(worse, better)), direction: worse <= better ? 'worse' : 'better', bestP }
}

/** The CPU calls of every pair of a comparison, Holm-adjusted together. */
export function cpuFamily(pairs: readonly CellPair[], opts: CpuTestOptions): CpuFamily {
  const f = opts.machineFactor ?? 1
  const up = Math.max(1 + opts.minEffect, f)
  const down = Math.min(1 / (1 + opts.minEffect), f)
  const raw = pairs.map((pair) => {
    const strata = cpuStrata(pair)
    const t = marginTest(strata, up, down)
    return { strata, ...t, eligible: t.bestP <= opts.alpha }
  })
  const eligible = raw.filter((r) => r.eligible)
  const adj = holm(eligible.map((r) => r.p), opts.alpha)
  let k = 0
  const tests: CpuTest[] = raw.map((r) => {
    const unitsA = r.strata.reduce((s, x) => s + x.a.length, 0)
    const unitsB = r.strata.reduce((s, x) => s + x.b.length, 0)
    const base = { unitsA, unitsB, strata: r.strata.length, bestP: r.bestP }
    if (!r.eligible) return { ...base, p: null, pAdjusted: null, call: 'too few samples' as const }
    const i = k++
    return { ...base, p: r.p, pAdjusted: adj.adjusted[i]!, call: adj.rejected[i] ? r.direction : ('same' as const) }
  })
  const few = tests.filter((t) => t.call === 'too few samples')
  return { tests, tested: eligible.length, advice: few.length ? adviceFor(few, pairs.length, opts.alpha) : null }
}

/** "too few samples …; use --repeat ≥ R …": the repeats that would let one cell reach alpha / cells. */
function adviceFor(few: readonly CpuTest[], cells: number, alpha: number): string {
  const t = few[0]!
  const perSide = `${t.strata} seed${t.strata > 1 ? 's' : ''} × ${Math.max(1, Math.round(t.unitsA / t.strata))} repeat(s)`
  const repeats = repeatsNeeded(t.strata, cells, alpha)
  return `too few samples for a CPU verdict in ${few.length} of ${cells} cell(s): n=${t.unitsA} vs ${t.unitsB} runs (${perSide}); use --repeat ≥ ${repeats} on both runs (with ${t.strata} paired seed${t.strata > 1 ? 's' : ''}) or more seeds`
}

/** Smallest repeat count r (both sides) with which `strata` paired seeds can reach alpha / cells. */
export function repeatsNeeded(strata: number, cells: number, alpha: number): number {
  for (let r = 1; r < 100; r++) if (2 * bestAttainableP(Array.from({ length: strata }, () => ({ nA: r, nB: r }))) <= alpha / Math.max(1, cells)) return r
  return 100
}
