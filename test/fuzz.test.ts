/**
 * The fuzz suite in CI mode: a few hundred seeded cases per strategy (several thousand in all). The
 * nightly mode is `npm run fuzz:nightly` (100,000 cases per strategy).
 */
import { describe, expect, it } from 'vitest'
import { fuzzStrategy, mutateFrame, MUTATORS } from '../apps/fuzz.ts'
import { STRATEGIES } from '../strategies/index.ts'
import { Rng } from '../core/seeded-random.ts'

const CASES = Number(process.env.DELTABENCH_FUZZ_CASES ?? 600)

describe('fuzz: every decoder rejects malformed frames with a typed error and an untouched replica', () => {
  it.each(STRATEGIES.map((s) => [s.name, s] as const))('%s', async (_n, strategy) => {
    // A real tool costs child processes per case (1-3 spawns, 20-80 ms each on this VM): fewer cases there,
    // and the real-tool time limit (the nightly mode, npm run fuzz:nightly, runs them all). casync's tampered
    // cases used to wait out the HTTP relay's 10-minute limit (docs/reliability.md, the nightly fuzz): no more.
    const cases = strategy.unavailable ? Math.min(CASES, 20) : CASES
    const report = await fuzzStrategy(strategy, cases)
    expect(report.findings.slice(0, 5)).toEqual([])
    expect(report.cases).toBeGreaterThan(cases * 0.9)
    // The mutations must actually bite: most cases are rejected, not silently absorbed.
    expect(report.rejected).toBeGreaterThan(report.cases * 0.3)
  }, 300_000)

  it('rsync-rolling: a bit flipped in the signature header is a malformed frame, not a config error (seed t1, case 444)', async () => {
    const strategy = STRATEGIES.find((s) => s.name === 'rsync-rolling')!
    // The nightly run's seed and block size (bench/fuzz.ts): case 444 flips a bit that renames the signature's hash.
    const report = await fuzzStrategy(strategy, 500, 't1', 1024)
    expect(report.findings).toEqual([])
  })

  it('a forged target size meets a typed capacity error, not a giant allocation, and the replica is untouched', async () => {
    const { SyncSession } = await import('../harness/sync-session.ts')
    const { MemoryVolume } = await import('../core/volume.ts')
    const { FrameWriter } = await import('../core/wire.ts')
    const { wholeFile } = await import('../strategies/block/whole-file.ts')
    const liar: typeof wholeFile = {
      ...wholeFile,
      sender: () => {
        let done = false
        return {
          get done() {
            return done
          },
          step() {
            done = true
            // Header claims 4 GiB, then an END with no blocks: valid framing, absurd size.
            return [
              { bytes: new FrameWriter().u8(0x48).varint(2 ** 32).varint(4096).finish(), kind: 'control' as const },
              { bytes: new FrameWriter().u8(0x45).varint(0).finish(), kind: 'control' as const },
            ]
          },
        }
      },
    }
    const replica = new MemoryVolume(new Uint8Array(1000).fill(3))
    const out = await new SyncSession({ strategy: liar, options: { blockSize: 4096 }, source: new MemoryVolume(1000), replica, replicaQuota: 1 << 20 }).sync()
    expect(out.errorCode).toBe('CAPACITY')
    expect(out.error).toMatch(/replica: would grow to 4294967296 bytes, past its space/)
    expect(replica.size).toBe(1000)
    expect(replica.read(0, 1000).every((b) => b === 3)).toBe(true)
  })

  it('mutators change what they are given', () => {
    const rng = new Rng('m')
    const frame = rng.bytes(100)
    for (const m of MUTATORS) {
      const out = mutateFrame(frame, m, rng)
      if (m === 'duplicate') expect(out).toHaveLength(2)
      else if (m === 'drop') expect(out).toHaveLength(0)
      else expect(Buffer.compare(out[0]!, frame), m).not.toBe(0)
    }
  })
})

describe('cut transfers: the replica is exactly as it was or exactly synced, never mixed', () => {
  it.each(STRATEGIES.map((s) => [s.name, s] as const))('%s', async (_n, strategy) => {
    const { cutTransfers } = await import('../apps/fuzz.ts')
    const r = await cutTransfers(strategy, strategy.unavailable ? 0 : 3)
    expect(r.findings).toEqual([])
    expect(r.cuts).toBeGreaterThan(4)
    // Early cuts leave it unchanged; a cut after the last frame lets it finish.
    expect(r.unchanged).toBeGreaterThan(0)
    expect(r.synced).toBeGreaterThan(0)
  })
})
