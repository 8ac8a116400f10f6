import { describe, expect, it } from 'vitest'
import { bestAttainableP, binomial, stratifiedRankTest, type Stratum } from '../core/rank-test.ts'
import { holm } from '../core/holm.ts'
import { cpuFamily, repeatsNeeded } from '../analysis/compare-cpu.ts'
import type { CellPair } from '../analysis/compare-pairs.ts'
import type { ResultRow } from '../core/result-row.ts'
import { Rng } from '../core/seeded-random.ts'

/** The p-value by brute force: every relabelling of every stratum, the statistic recomputed from scratch. */
function bruteForce(strata: Stratum[]): { pGreater: number; pLess: number } {
  const rankSum = (vals: number[], bIdx: Set<number>) => {
    let s = 0
    vals.forEach((v, i) => {
      if (!bIdx.has(i)) return
      const below = vals.filter((x) => x < v).length
      const equal = vals.filter((x) => x === v).length
      s += below + (equal + 1) / 2
    })
    return s
  }
  const subsets = (n: number, k: number): Set<number>[] => {
    if (k === 0) return [new Set()]
    if (n < k) return []
    return [...subsets(n - 1, k), ...subsets(n - 1, k - 1).map((s) => new Set([...s, n - 1]))]
  }
  let totals = [0]
  let observed = 0
  for (const s of strata) {
    const vals = [...s.a, ...s.b]
    observed += rankSum(vals, new Set(s.b.map((_, i) => s.a.length + i)))
    const sums = subsets(vals.length, s.b.length).map((sub) => rankSum(vals, sub))
    totals = totals.flatMap((t) => sums.map((x) => t + x))
  }
  const eps = 1e-9
  return { pGreater: totals.filter((t) => t >= observed - eps).length / totals.length, pLess: totals.filter((t) => t <= observed + eps).length / totals.length }
}

describe('stratifiedRankTest', () => {
  it('gives the textbook exact p-value: B above A in 2 vs 2 is 1 of C(4,2) = 6 splits', () => {
    const r = stratifiedRankTest([{ a: [1, 2], b: [3, 4] }])
    expect(r.pGreater).toBeCloseTo(1 / 6, 12)
    expect(r.pLess).toBeCloseTo(1, 12)
    expect(r.bestP).toBeCloseTo(1 / 6, 12)
  })

  it('equals brute-force enumeration on random strata with ties', () => {
    const rng = new Rng('rank-test')
    for (let trial = 0; trial < 40; trial++) {
      const strata: Stratum[] = Array.from({ length: 1 + rng.int(3) }, () => ({
        a: Array.from({ length: 1 + rng.int(3) }, () => rng.int(5)),
        b: Array.from({ length: 1 + rng.int(3) }, () => rng.int(5)),
      }))
      const exact = stratifiedRankTest(strata)
      const brute = bruteForce(strata)
      expect(exact.pGreater).toBeCloseTo(brute.pGreater, 10)
      expect(exact.pLess).toBeCloseTo(brute.pLess, 10)
    }
  })

  it('ignores a stratum with no value on one side, and knows its best attainable p', () => {
    expect(stratifiedRankTest([{ a: [1, 2], b: [3, 4] }, { a: [5], b: [] }]).pGreater).toBeCloseTo(1 / 6, 12)
    expect(bestAttainableP([{ nA: 3, nB: 3 }, { nA: 3, nB: 3 }])).toBeCloseTo(1 / 400, 12)
    expect(binomial(10, 5)).toBe(252)
    expect(binomial(60, 30)).toBeCloseTo(1.1826458156486e17, -5)
  })
})

describe('holm', () => {
  it('scales the k-th smallest p by (m − k + 1), keeps the adjusted values monotone, and rejects at alpha', () => {
    const r = holm([0.01, 0.04, 0.03, 0.005], 0.05)
    expect(r.adjusted[3]).toBeCloseTo(0.02, 12) // 4 × 0.005
    expect(r.adjusted[0]).toBeCloseTo(0.03, 12) // 3 × 0.01
    expect(r.adjusted[2]).toBeCloseTo(0.06, 12) // 2 × 0.03
    expect(r.adjusted[1]).toBeCloseTo(0.06, 12) // max(1 × 0.04, 0.06)
    expect(r.rejected).toEqual([true, false, false, true])
    expect(holm([], 0.05)).toEqual({ adjusted: [], rejected: [] })
  })
})

/**
 * Synthetic cells: per seed a level of its own (seeds differ more than runs do), per run a lognormal
 * factor with heavy tails (a GC pause now and then), per epoch a little noise. `slow` multiplies B's CPU.
 */
function syntheticPair(rng: Rng, seeds: number, repeats: number, slow: number): CellPair {
  const side = (factor: number, levels: number[]) => {
    const rows: ResultRow[] = []
    levels.forEach((level, s) => {
      for (let rep = 1; rep <= repeats; rep++) {
        const gauss = Math.sqrt(-2 * Math.log(1 - rng.float())) * Math.cos(2 * Math.PI * rng.float())
        const run = Math.exp(0.3 * gauss) * (rng.float() < 0.1 ? 2 : 1) // 10% of runs twice as slow
        for (let epoch = 1; epoch <= 3; epoch++) {
          const cpu = level * factor * run * (0.9 + 0.2 * rng.float())
          rows.push({ seed: String(s + 1), repeat: rep, epoch, sender_cpu_ms: cpu / 2, receiver_cpu_ms: cpu / 2 } as ResultRow)
        }
      }
    })
    return rows
  }
  const levels = Array.from({ length: seeds }, () => 5 + 20 * rng.float())
  return { a: side(1, levels), b: side(slow, levels), seedsPaired: true, differs: [] }
}

describe('the CPU test over a comparison', () => {
  const alpha = 0.05

  it('holds its family-wise false-alarm rate: 2000 comparisons of 8 unchanged cells call a change (either way) in at most alpha of them', () => {
    const rng = new Rng('false-alarms')
    const trials = 2000
    let alarms = 0
    for (let t = 0; t < trials; t++) {
      const pairs = Array.from({ length: 8 }, () => syntheticPair(rng, 3, 3, 1))
      // minEffect 0: the test alone, at its exact level, no margin to hide behind.
      const f = cpuFamily(pairs, { alpha, minEffect: 0 })
      expect(f.tested).toBe(8)
      if (f.tests.some((x) => x.call === 'worse' || x.call === 'better')) alarms++
    }
    const se = Math.sqrt((alpha * (1 - alpha)) / trials)
    expect(alarms / trials).toBeLessThanOrEqual(alpha + 2 * se)
    expect(alarms).toBeGreaterThan(0) // the simulation does exercise the tail
  })

  it('finds a real 2× slowdown in one cell of eight with 3 seeds × 8 repeats, and calls nothing else', () => {
    const rng = new Rng('power')
    let found = 0
    let wrong = 0
    const trials = 100
    for (let t = 0; t < trials; t++) {
      const pairs = [syntheticPair(rng, 3, 8, 2), ...Array.from({ length: 7 }, () => syntheticPair(rng, 3, 8, 1))]
      const f = cpuFamily(pairs, { alpha, minEffect: 0.1 })
      if (f.tests[0]!.call === 'worse') found++
      wrong += f.tests.slice(1).filter((x) => x.call !== 'same').length
    }
    expect(found / trials).toBeGreaterThanOrEqual(0.9)
    expect(wrong).toBeLessThanOrEqual(Math.ceil(alpha * trials))
  })

  it('a minimum effect keeps a real but small change (5%) from being called', () => {
    const rng = new Rng('small')
    let called = 0
    for (let t = 0; t < 100; t++) {
      const f = cpuFamily([syntheticPair(rng, 3, 5, 1.05)], { alpha, minEffect: 0.1 })
      if (f.tests[0]!.call === 'worse') called++
    }
    expect(called).toBeLessThanOrEqual(5)
  })

  it('with too few samples it gives no verdict and says how many repeats would do', () => {
    const rng = new Rng('few')
    const pairs = Array.from({ length: 4 }, () => syntheticPair(rng, 2, 1, 10))
    const f = cpuFamily(pairs, { alpha, minEffect: 0.1 })
    expect(f.tested).toBe(0)
    expect(f.tests.every((t) => t.call === 'too few samples')).toBe(true)
    const r = repeatsNeeded(2, 4, alpha)
    expect(f.advice).toContain(`too few samples for a CPU verdict in 4 of 4 cell(s): n=2 vs 2`)
    expect(f.advice).toContain(`--repeat ≥ ${r}`)
    // r repeats are enough for one cell to reach alpha / cells, r − 1 are not.
    expect(2 * bestAttainableP([{ nA: r, nB: r }, { nA: r, nB: r }])).toBeLessThanOrEqual(alpha / 4)
    expect(2 * bestAttainableP([{ nA: r - 1, nB: r - 1 }, { nA: r - 1, nB: r - 1 }])).toBeGreaterThan(alpha / 4)
    // ... and with them the 10× slowdown is called.
    const enough = cpuFamily(Array.from({ length: 4 }, () => syntheticPair(rng, 2, r, 10)), { alpha, minEffect: 0.1 })
    expect(enough.tests.every((t) => t.call === 'worse')).toBe(true)
  })
})

describe('a machine-wide factor', () => {
  it('alone calls nothing once allowed for, and a cell that moved beyond it is still called', () => {
    const rng = new Rng('machine')
    const slowed = () => Array.from({ length: 8 }, () => syntheticPair(rng, 3, 5, 1.4))
    // Without allowing for it, a ×1.4 machine beyond the 10% minimum effect is (wrongly) called in cells.
    const naive = cpuFamily(slowed(), { alpha: 0.05, minEffect: 0.1 })
    expect(naive.tests.filter((t) => t.call === 'worse').length).toBeGreaterThan(0)
    const allowed = cpuFamily(slowed(), { alpha: 0.05, minEffect: 0.1, machineFactor: 1.4 })
    expect(allowed.tests.filter((t) => t.call !== 'same')).toEqual([])
    const oneReal = cpuFamily([syntheticPair(rng, 3, 8, 2.8), ...slowed().slice(1)], { alpha: 0.05, minEffect: 0.1, machineFactor: 1.4 })
    expect(oneReal.tests[0]!.call).toBe('worse')
    expect(oneReal.tests.slice(1).every((t) => t.call === 'same')).toBe(true)
  })
})
