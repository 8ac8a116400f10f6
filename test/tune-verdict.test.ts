import { describe, expect, it } from 'vitest'
import { falseAlarmRate, medianBounds, orderBounds, worseThanBest } from '../apps/tune-verdict.ts'
import { searchBlockSize } from '../apps/block-size-search.ts'
import { combineBreakdown, estimateSyncMs, PROFILES, syncBreakdown } from '../core/network-profile.ts'
import { Rng } from '../core/seeded-random.ts'
import { median } from '../core/stats.ts'

/** n units of a size whose true cost is `level`: a per-unit offset shared by every size (the seed's own work) plus noise. */
function units(rng: Rng, n: number, level: number, noise = 1): Map<string, number> {
  return new Map(Array.from({ length: n }, (_, u) => [String(u), level + u * 10 + noise * rng.float()]))
}

describe('tune verdict: interval and indistinguishable rule', () => {
  it('order-statistic bounds have their exact coverage', () => {
    expect(orderBounds(3)).toEqual({ k: 1, coverage: 0.75 })
    expect(orderBounds(6)).toEqual({ k: 1, coverage: 1 - 2 / 64 })
    expect(orderBounds(9)).toEqual({ k: 2, coverage: 1 - (2 * 10) / 512 })
    expect(orderBounds(0).k).toBe(0)
    expect(medianBounds([5, 1, 9, 3, 7, 2])).toEqual({ lo: 1, hi: 9, coverage: 1 - 2 / 64 })
    expect(falseAlarmRate(6)).toBeCloseTo(1 / 64, 12)
  })

  it('holds its stated false-alarm rate against a fixed reference of equal cost', () => {
    const rng = new Rng('tune-false-alarm')
    for (const n of [3, 6, 9]) {
      const trials = 20000
      let alarms = 0
      for (let t = 0; t < trials; t++) if (worseThanBest(units(rng, n, 100), units(rng, n, 100))) alarms++
      const p = falseAlarmRate(n)
      // Within 4 standard errors of the stated rate.
      expect(Math.abs(alarms / trials - p)).toBeLessThan(4 * Math.sqrt((p * (1 - p)) / trials))
    }
  })

  it('with the best chosen from the same data, 6 units call about 4% of equal sizes worse (the stated 1.6% is per fixed pair)', () => {
    const rng = new Rng('tune-selection')
    let calls = 0
    let alarms = 0
    for (let t = 0; t < 3000; t++) {
      const sizes = Array.from({ length: 13 }, () => units(rng, 6, 100))
      const best = sizes.reduce((b, s) => (median([...s.values()]) < median([...b.values()]) ? s : b))
      for (const s of sizes) {
        if (s === best) continue
        calls++
        if (worseThanBest(s, best)) alarms++
      }
    }
    expect(alarms / calls).toBeGreaterThan(falseAlarmRate(6))
    expect(alarms / calls).toBeLessThan(0.06)
  })

  it('tells a size 5% slower apart when the noise is smaller than the difference, and never calls the best worse than itself', () => {
    const rng = new Rng('tune-power')
    const best = units(rng, 6, 100)
    expect(worseThanBest(units(rng, 6, 105), best)).toBe(true)
    expect(worseThanBest(best, best)).toBe(false)
    // Three units pair up with six: only the shared units count.
    const few = new Map([...units(rng, 3, 105)])
    expect(worseThanBest(few, best)).toBe(true)
  })
})

describe('estimate breakdown', () => {
  const c = { bytesDown: 1_000_000, bytesUp: 50_000, flights: 3, senderCpuMs: 20, receiverCpuMs: 5 }

  it('takes the estimate apart by hand, and estimateSyncMs is its combination', () => {
    // wan: 100 Mbit/s, 40 ms RTT: 8 Mbit down = 80 ms, 0.4 Mbit up = 4 ms, 3 flights × 20 ms.
    const b = syncBreakdown(c, PROFILES.wan!)
    expect(b.transferDownMs).toBeCloseTo(80, 9)
    expect(b.transferUpMs).toBeCloseTo(4, 9)
    expect(b.latencyMs).toBeCloseTo(60, 9)
    expect([b.senderCpuMs, b.receiverCpuMs]).toEqual([20, 5])
    expect(estimateSyncMs(c, PROFILES.wan!, 'serial')).toBe(b.latencyMs + b.transferDownMs + b.transferUpMs + b.senderCpuMs + b.receiverCpuMs)
    expect(estimateSyncMs(c, PROFILES.wan!, 'pipelined')).toBe(combineBreakdown(b, 'pipelined'))
    expect(combineBreakdown(b, 'pipelined')).toBeCloseTo(60 + 80, 9)
  })
})

describe('block size search with --align', () => {
  it('evaluates only multiples of the alignment, midpoints snapped', async () => {
    const k = 12000 * 12000
    const r = await searchBlockSize((b) => k / b + b, { min: 4096, max: 1 << 20, align: 4096 })
    for (const e of r.evaluated) expect(e.blockSize % 4096).toBe(0)
    // The geometric midpoint of 8192 and 16384 (11585) snaps to 12288, the aligned size nearest the optimum.
    expect(r.evaluated.map((e) => e.blockSize)).toContain(12288)
    expect(r.best.blockSize).toBe(12288)
  })

  it('does not refine toward a neighbour it is told is indistinguishable', async () => {
    const k = 6000 * 6000
    const r = await searchBlockSize((b) => k / b + b, { min: 256, max: 1 << 16, worthRefining: () => false })
    for (const e of r.evaluated) expect(Number.isInteger(Math.log2(e.blockSize))).toBe(true)
  })

  it('hands each batch (the sweep, then each round of midpoints) to the measurer before evaluating it', async () => {
    const batches: number[][] = []
    const evaluatedBefore: number[] = []
    const seen = new Set<number>()
    const k = 6000 * 6000
    await searchBlockSize((b) => (seen.add(b), k / b + b), {
      min: 1024,
      max: 65536,
      batch: async (sizes) => {
        for (const b of sizes) if (seen.has(b)) evaluatedBefore.push(b)
        batches.push(sizes)
      },
    })
    expect(batches[0]).toEqual([1024, 2048, 4096, 8192, 16384, 32768, 65536])
    expect(batches.length).toBeGreaterThan(1)
    expect(evaluatedBefore).toEqual([])
  })

  it('refuses an alignment the range is not made of', async () => {
    await expect(searchBlockSize((b) => b, { min: 1000, max: 8192, align: 4096 })).rejects.toThrow(/block-size-search: align 4096/)
  })
})
