/**
 * An exact stratified permutation rank test (van Elteren's form of Mann–Whitney): does side B tend to be
 * larger (or smaller) than side A, comparing values only with values of the same stratum?
 *
 * Within each stratum the values are ranked together (ties get midranks) and the statistic is the sum of
 * B's ranks over all strata. Under the null hypothesis (within a stratum, A's and B's values are
 * exchangeable) every split of a stratum's values into nA and nB is equally likely, so the statistic's
 * distribution is known exactly: per stratum by counting subsets (a small dynamic programme), across strata
 * by convolution. No normal approximation and no resampling, so the p-value is exact for any sample size
 * and the test never rejects more often than its level.
 */

/** The values of one stratum (one seed, say): side A's and side B's. */
export interface Stratum {
  a: readonly number[]
  b: readonly number[]
}

export interface RankTestResult {
  /** P(statistic ≥ observed) under the null: small when B is larger. */
  pGreater: number
  /** P(statistic ≤ observed) under the null: small when B is smaller. */
  pLess: number
  /** The smallest one-sided p-value these stratum sizes could ever give (no ties). */
  bestP: number
}

/** The test. Strata with no value on one side carry no information and are left out. */
export function stratifiedRankTest(strata: readonly Stratum[]): RankTestResult {
  let dist: Float64Array = new Float64Array([1]) // distribution of the doubled statistic so far: index = Σ 2·rank
  let observed = 0
  const informative = strata.filter((s) => s.a.length > 0 && s.b.length > 0)
  for (const s of informative) {
    const doubled = doubledMidranks([...s.a, ...s.b])
    for (let i = s.a.length; i < doubled.length; i++) observed += doubled[i]!
    dist = convolve(dist, subsetSumDistribution(doubled, s.b.length))
  }
  let pGreater = 0
  let pLess = 0
  for (let v = 0; v < dist.length; v++) {
    if (v >= observed) pGreater += dist[v]!
    if (v <= observed) pLess += dist[v]!
  }
  return { pGreater: Math.min(1, pGreater), pLess: Math.min(1, pLess), bestP: bestAttainableP(informative.map((s) => ({ nA: s.a.length, nB: s.b.length }))) }
}

/** The smallest one-sided p-value strata of these sizes can give: 1 / Π C(nA + nB, nB). */
export function bestAttainableP(sizes: readonly { nA: number; nB: number }[]): number {
  let p = 1
  for (const { nA, nB } of sizes) if (nA > 0 && nB > 0) p /= binomial(nA + nB, nB)
  return p
}

/** C(n, k) as a float (exact up to 2^53, then close). */
export function binomial(n: number, k: number): number {
  if (k < 0 || k > n) return 0
  let c = 1
  for (let i = 1; i <= Math.min(k, n - k); i++) c = (c * (n - i + 1)) / i
  return Math.round(c)
}

/** Midranks (1-based, ties share the mean of their ranks) times two, so every one is an integer. */
function doubledMidranks(values: readonly number[]): number[] {
  const order = values.map((v, i) => [v, i] as const).sort((x, y) => x[0] - y[0])
  const out = new Array<number>(values.length)
  let i = 0
  while (i < order.length) {
    let j = i
    while (j + 1 < order.length && order[j + 1]![0] === order[i]![0]) j++
    for (let k = i; k <= j; k++) out[order[k]![1]] = i + 1 + j + 1 // 2 × the mean of ranks i+1..j+1
    i = j + 1
  }
  return out
}

/** The probability of each sum of a uniformly random k-subset of the (integer) weights. */
function subsetSumDistribution(weights: readonly number[], k: number): Float64Array {
  const total = weights.reduce((s, w) => s + w, 0)
  // ways[j][s]: number of j-subsets of the weights seen so far with sum s (floats: counts can pass 2^53).
  const ways = Array.from({ length: k + 1 }, () => new Float64Array(total + 1))
  ways[0]![0] = 1
  let seen = 0
  for (const w of weights) {
    seen++
    for (let j = Math.min(seen, k); j >= 1; j--) {
      const to = ways[j]!
      const from = ways[j - 1]!
      for (let s = total; s >= w; s--) to[s]! += from[s - w]!
    }
  }
  const all = ways[k]!
  const n = all.reduce((s, c) => s + c, 0)
  return all.map((c) => c / n)
}

function convolve(x: Float64Array, y: Float64Array): Float64Array {
  const out = new Float64Array(x.length + y.length - 1)
  for (let i = 0; i < x.length; i++) {
    if (x[i] === 0) continue
    for (let j = 0; j < y.length; j++) out[i + j]! += x[i]! * y[j]!
  }
  return out
}
