/**
 * rsync-rounds' verified short sums (verify=gap, strategies/rolling/rounds-verify.ts): the sizing keeps the
 * stated bound, a gap whose hash disagrees is dropped on both sides and the sync still ends byte-exact in
 * one pass, a hash that a forced collision lets through is still caught by the digest and the redo pass,
 * and both modes stay byte-exact and under rsync-rolling.
 */
import { describe, expect, it } from 'vitest'
import type { AnyStrategy } from '../core/strategy.ts'
import { FrameReader, FrameWriter } from '../core/wire.ts'
import { createStrongHasher } from '../strategies/shared/strong-hash.ts'
import { regionBlocks } from '../strategies/rolling/rounds-gaps.ts'
import { roundHashBits, roundStrongBits, type RoundsSetup } from '../strategies/rolling/rounds-plan.ts'
import { failedGroups, groupByGap, groupHashes, passedMatches, readVerdict, VERIFY_SLACK, writeVerdict } from '../strategies/rolling/rounds-verify.ts'
import { RoundsReceiver } from '../strategies/rolling/rounds-receiver.ts'
import { RoundsSender } from '../strategies/rolling/rounds-sender.ts'
import { rsyncRounds } from '../strategies/rolling/rsync-rounds.ts'
import { quickRun } from './helpers.ts'

const missing = rsyncRounds.unavailable?.()
const suite = missing ? describe.skip : describe
if (missing) it.skip(`rsync-rounds skipped: ${missing}`, () => {})

/** rsync-rounds with a hand-made setup; `receivers` collects the receiver halves so a test can read their counters. */
async function forced(name: string, setup: Omit<RoundsSetup, 'pass'>, receivers: RoundsReceiver[]): Promise<AnyStrategy> {
  const hasher = await createStrongHasher('xxh128')
  return {
    ...rsyncRounds,
    sender: (ctx) => new RoundsSender(name, ctx, { setup, codec: 'zstd', level: 3 }, hasher),
    receiver: (ctx) => {
      const r = new RoundsReceiver(name, ctx, setup, hasher)
      receivers.push(r)
      return r
    },
  }
}

describe('verified short sums: sizing and the wire', () => {
  const setup = { ladder: [8192, 512], edges: [256], bits: 20, digestLength: 16, pass: 1, verify: 'gap' as const }
  const gaps = [
    { newStart: 0, newEnd: 600, oldStart: 0, oldEnd: 1024 },
    { newStart: 10_000, newEnd: 200_000, oldStart: 5000, oldEnd: 300_000 },
    { newStart: 300_000, newEnd: 300_100, oldStart: 400_000, oldEnd: 400_512 },
  ]

  it('sizes each sum for its own gap and the gap hashes for the sync: the round stays under its share of 2^-bits', () => {
    const short = roundStrongBits(setup, 1, gaps, 1 << 20)
    const long = roundStrongBits({ ...setup, verify: 'sum' }, 1, gaps, 1 << 20)
    expect(short[2]).toBe(0)
    for (const i of [0, 1]) expect(short[i]!).toBeLessThan(long[i]! - 15)
    // Each gap expects at most 2^-slack false matches: its (offset, block) checks × 2^-bits of its sums.
    for (const i of [0, 1]) expect((gaps[i]!.newEnd - gaps[i]!.newStart - 511) * regionBlocks(gaps[i]!, 512) * 2 ** -short[i]!).toBeLessThanOrEqual(2 ** -VERIFY_SLACK)
    // A false match is committed only if its gap's hash also collides: U gaps × 2^-slack × 2^-h ≤ 2^-bits / rounds.
    const h = roundHashBits(setup, gaps)
    expect(gaps.length * 2 ** -VERIFY_SLACK * 2 ** -h).toBeLessThanOrEqual(2 ** -20 / 3)
    // Edge rounds: two checks a gap at most; pass 2 and sender-first size every sum for the bound as before.
    expect(roundStrongBits(setup, 2, gaps, 1 << 20)).toEqual([1 + VERIFY_SLACK])
    expect(roundStrongBits({ ...setup, pass: 2 }, 1, gaps, 1 << 20)).toEqual([128, 128, 0])
    expect(roundStrongBits({ ...setup, direction: 'sender-first' }, 1, gaps, 1 << 20)).toEqual(long)
  })

  it('groups a round\'s matches by gap, drops a gap whose old blocks differ, and carries the verdict on the wire', async () => {
    const hasher = await createStrongHasher('xxh128')
    const src = Uint8Array.from({ length: 4096 }, (_, i) => (i * 7) & 255)
    const old = src.slice()
    old[1000] = old[1000]! ^ 1 // the block at old 960..1024 differs
    const g = [
      { newStart: 0, newEnd: 512, oldStart: 0, oldEnd: 512 },
      { newStart: 900, newEnd: 1100, oldStart: 900, oldEnd: 1100 },
      { newStart: 2000, newEnd: 3000, oldStart: 2000, oldEnd: 3000 },
    ]
    const found = [
      { n: 2064, o: 2064, len: 64 },
      { n: 960, o: 960, len: 64 },
      { n: 2000, o: 2000, len: 64 },
    ]
    const groups = groupByGap(g, found)
    expect(groups.map((x) => x.map((m) => m.n))).toEqual([[960], [2000, 2064]])
    expect(() => groupByGap(g, [{ n: 600, o: 600, len: 64 }])).toThrow(/in no gap/)
    const failed = failedGroups(old, groups, 40, groupHashes(src, groups, 40, hasher), hasher)
    expect(failed).toEqual([0])
    expect(passedMatches(groups, failed).map((m) => m.n)).toEqual([2000, 2064])
    const w = new FrameWriter(16)
    writeVerdict(w, [1, 4, 5])
    const r = new FrameReader('t', w.finish())
    expect(readVerdict(r, 6)).toEqual([1, 4, 5])
    const bad = new FrameWriter(16)
    writeVerdict(bad, [1, 6])
    expect(() => readVerdict(new FrameReader('t', bad.finish()), 6)).toThrow(/failed gap step/)
  })
})

suite('rsync-rounds verify=gap', () => {
  it('drops the gaps whose hash disagrees (sums of 1 bit and a few bits forced) and still ends byte-exact in one pass', async () => {
    for (const slack of [-1000, -2]) {
      const receivers: RoundsReceiver[] = []
      const setup = { ladder: [4096, 512], edges: [256], bits: 20, digestLength: 16, verify: 'gap' as const, slack }
      const weak = await forced('weak-gaps', setup, receivers)
      const rows = await quickRun({ workload: 'insert-delete', blockSize: 4096, size: 1 << 20, epochs: 1, content: 'text', strategy: weak, workloadOptions: { edits: 32 } })
      expect(rows[0]!.error, `slack ${slack}`).toBeNull()
      expect(rows[0]!.correct, `slack ${slack}`).toBe(true)
      expect(rows[0]!.delta_passes, `slack ${slack}`).toBe(1)
      expect(receivers.reduce((n, r) => n + r.failedGaps, 0), `slack ${slack}`).toBeGreaterThan(0)
    }
  })

  it('catches a false match whose gap hash a forced tiny bound let through, with the digest and the redo pass', async () => {
    const receivers: RoundsReceiver[] = []
    // Strong sums 8 bits short of one false match per gap, gap hashes of 1 bit: about half the gaps of false matches pass their hash.
    const setup = { ladder: [64, 16], edges: [], bits: -1000, digestLength: 16, verify: 'gap' as const, slack: -8 }
    const weak = await forced('weak-hashes', setup, receivers)
    const rows = await quickRun({ workload: 'insert-delete', blockSize: 64, size: 1 << 18, epochs: 1, content: 'text', strategy: weak, workloadOptions: { edits: 64 } })
    expect(rows[0]!.error).toBeNull()
    expect(rows[0]!.correct).toBe(true)
    expect(receivers.reduce((n, r) => n + r.failedGaps, 0)).toBeGreaterThan(0)
    expect(rows[0]!.delta_passes).toBe(2)
  })

  it('is byte-exact in either mode, under rsync-rolling, and verify=gap costs one more message after the last round', async () => {
    for (const content of ['text', 'random'] as const) {
      const q = { workload: 'insert-delete', blockSize: 4096, size: 1 << 20, epochs: 2, content, workloadOptions: { edits: 32 } }
      const gap = await quickRun({ ...q, strategy: 'rsync-rounds', strategyOptions: { ladder: '4096,512', verify: 'gap' } })
      const sum = await quickRun({ ...q, strategy: 'rsync-rounds', strategyOptions: { ladder: '4096,512', verify: 'sum' } })
      const plain = await quickRun({ ...q, strategy: 'rsync-rolling' })
      for (const [i, r] of gap.entries()) {
        const where = `${content} epoch ${r.epoch}`
        for (const x of [r, sum[i]!]) {
          expect(x.error, where).toBeNull()
          expect(x.correct, where).toBe(true)
          expect(x.delta_passes, where).toBe(1)
          expect(x.bytes_total, where).toBeLessThanOrEqual(plain[i]!.bytes_total)
        }
        expect(r.round_trips, where).toBe(sum[i]!.round_trips! + 1)
      }
    }
  })
})
