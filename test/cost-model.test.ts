import { describe, expect, it } from 'vitest'
import { estimateSyncMs, parseProfile, PROFILES } from '../core/network-profile.ts'
import { searchBlockSize } from '../apps/block-size-search.ts'

describe('cost model', () => {
  const c = { bytesDown: 1_000_000, bytesUp: 50_000, flights: 3, senderCpuMs: 20, receiverCpuMs: 5 }

  it('serial: latency + each transfer + each CPU, by hand', () => {
    // wan: 100 Mbit/s, 40 ms RTT. 3 flights × 20 ms = 60; 8 Mbit down = 80 ms; 0.4 Mbit up = 4 ms; CPU 25 ms.
    expect(estimateSyncMs(c, PROFILES.wan!, 'serial')).toBeCloseTo(60 + 80 + 4 + 25, 9)
    // mobile: 10 Mbit down, 2 up, 80 ms. 120 + 800 + 200 + 25.
    expect(estimateSyncMs(c, PROFILES.mobile!, 'serial')).toBeCloseTo(120 + 800 + 200 + 25, 9)
  })

  it('pipelined: latency + the slowest of transfer and CPU', () => {
    expect(estimateSyncMs(c, PROFILES.wan!, 'pipelined')).toBeCloseTo(60 + 80, 9)
    // lan: 10 Gbit, 1 ms: 1.5 + max(0.8, 0.04, 20, 5) = 21.5 — CPU bound.
    expect(estimateSyncMs(c, PROFILES.lan!, 'pipelined')).toBeCloseTo(1.5 + 20, 9)
  })

  it('parses custom profiles and rejects nonsense', () => {
    expect(parseProfile('sat:20M/2M/600ms')).toEqual({ name: 'sat', downBps: 20e6, upBps: 2e6, rttMs: 600 })
    expect(parseProfile('dc:25g/0.5ms')).toEqual({ name: 'dc', downBps: 25e9, upBps: 25e9, rttMs: 0.5 })
    expect(() => parseProfile('fast')).toThrow(/use one of lan, wan, mobile, cross-region/)
  })
})

describe('block size search', () => {
  it('finds the known optimum of a synthetic cost curve, refining between powers of two', async () => {
    // Signature bytes fall as 1/b, wasted bytes rise with b: the minimum of k/b + b is at sqrt(k).
    const k = 6000 * 6000
    const curve = (b: number) => k / b + b
    const r = await searchBlockSize(curve, { min: 256, max: 1 << 20 })
    expect(Math.abs(r.best.blockSize - 6000) / 6000).toBeLessThan(0.05)
    expect(r.evaluated.some((e) => e.blockSize === 4096)).toBe(true)
    expect(r.evaluated.some((e) => e.blockSize === 8192)).toBe(true)
    expect(r.best.blockSize % 8).toBe(0)
  })

  it('stays inside the range when the optimum is at an end', async () => {
    const r = await searchBlockSize((b) => b, { min: 300, max: 5000 })
    expect(r.best.blockSize).toBe(512)
    const up = await searchBlockSize((b) => -b, { min: 300, max: 5000 })
    expect(up.best.blockSize).toBe(4096)
  })
})
