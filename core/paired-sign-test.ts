/**
 * How sure a tuning is: an interval for each block size's cost and the rule that says which sizes cannot be
 * told apart from the best. Both are distribution-free and use only the independent units the tune measured
 * (one unit = one seed × one repeat: its mean estimated ms per sync over its epochs).
 *
 * - Interval: order-statistic bounds for the median unit cost, [x(k), x(n+1−k)], with the largest k whose
 *   exact coverage 1 − 2·P(Bin(n, ½) ≤ k−1) reaches 95%; below 6 units no k does, so it is [min, max] with
 *   the coverage it has (3 units: 75%), and the output says so.
 * - Indistinguishable: a paired sign test against the best, unit by unit (the same seeds and repeats run at
 *   every size, so the workload's own variation cancels). A size is worse than the best when the lower
 *   bound of its paired differences, d(k), is above 0: it was slower than the best in more than n−k units.
 *   When a size truly costs the same as the best, that happens with probability P(Bin(n, ½) ≤ k−1)
 *   = (1 − coverage) / 2, the false-alarm rate per size (3 units: 12.5%; 6 units: 1.6%).
 */
import { median } from './stats.ts'

/** Which order statistics bound a median of n units, and how often such bounds cover it. */
export interface OrderBounds {
  /** Bounds are the k-th smallest and k-th largest unit (1-based); 0 when there are no units. */
  k: number
  /** Exact coverage of [x(k), x(n+1−k)] for a continuous distribution's median. */
  coverage: number
}

/** P(Bin(n, ½) ≤ j). */
function binomialHalfCdf(n: number, j: number): number {
  let term = 0.5 ** n // C(n, 0) / 2^n
  let sum = 0
  for (let i = 0; i <= j; i++) {
    sum += term
    term = (term * (n - i)) / (i + 1)
  }
  return sum
}

/** The order statistics that bound a median of n units at `target` coverage, or [min, max] when n is too small for it. */
export function orderBounds(n: number, target = 0.95): OrderBounds {
  if (n < 1) return { k: 0, coverage: 0 }
  let k = 1
  while (k + 1 <= (n + 1) / 2 && 1 - 2 * binomialHalfCdf(n, k) >= target) k++
  return { k, coverage: 1 - 2 * binomialHalfCdf(n, k - 1) }
}

/** The false-alarm rate of the paired rule with n units: the chance a size that costs the same as the best is called worse. */
export function falseAlarmRate(n: number, target = 0.95): number {
  const b = orderBounds(n, target)
  return b.k === 0 ? 0 : (1 - b.coverage) / 2
}

/** Bounds for the median of some unit costs (NaN for none). */
export function medianBounds(xs: readonly number[], target = 0.95): { lo: number; hi: number; coverage: number } {
  const b = orderBounds(xs.length, target)
  if (b.k === 0) return { lo: NaN, hi: NaN, coverage: 0 }
  const s = [...xs].sort((a, c) => a - c)
  return { lo: s[b.k - 1]!, hi: s[s.length - b.k]!, coverage: b.coverage }
}

/** Unit costs keyed by unit (seed and repeat), so two block sizes pair up. */
export type UnitCosts = ReadonlyMap<string, number>

/**
 * Whether `size` is distinguishably worse than `best` by the paired sign test above. Only units both
 * measured pair up; with none, nothing can be told apart (false).
 */
export function worseThanBest(size: UnitCosts, best: UnitCosts, target = 0.95): boolean {
  const diffs: number[] = []
  for (const [unit, cost] of size) {
    const b = best.get(unit)
    if (b !== undefined) diffs.push(cost - b)
  }
  const { k } = orderBounds(diffs.length, target)
  if (k === 0) return false
  diffs.sort((a, c) => a - c)
  return diffs[k - 1]! > 0
}

/** How the interval and the rule are made, in one line for the tune's output. */
export function verdictSentence(units: number, target = 0.95): string {
  const b = orderBounds(units, target)
  const rate = (falseAlarmRate(units, target) * 100).toFixed(1)
  return `interval: order-statistic bounds of the median over ${units} unit${units === 1 ? '' : 's'} (seed × repeat), ${(b.coverage * 100).toFixed(1)}% coverage; indistinguishable: a paired sign test against the best per unit, ${rate}% false-alarm rate per size${units < 6 ? ` (more seeds or repeats tighten it: 6 units give 96.9% and 1.6%)` : ''}`
}

/** How much more `other` costs than `best`, unit by unit: the median paired difference and its order-statistic bounds. */
export interface PairedMargin {
  /** Median of other − best over the units both measured (NaN with none). */
  median: number
  lo: number
  hi: number
  coverage: number
  /** Units that paired up. */
  units: number
  /** The interval reaches 0 or below: the two cannot be told apart (the same rule as worseThanBest). */
  indistinguishable: boolean
}

/** The paired margin of `other` over `best` (the report's runner-up against its winner). */
export function pairedMargin(other: UnitCosts, best: UnitCosts, target = 0.95): PairedMargin {
  const diffs: number[] = []
  for (const [unit, cost] of other) {
    const b = best.get(unit)
    if (b !== undefined) diffs.push(cost - b)
  }
  const bounds = medianBounds(diffs, target)
  return { median: median(diffs), lo: bounds.lo, hi: bounds.hi, coverage: bounds.coverage, units: diffs.length, indistinguishable: !(bounds.lo > 0) }
}
