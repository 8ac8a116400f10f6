/** rsync-rolling beyond the conformance suite: the digest and second pass, the candidate cap, the cache, the rules. */
import { describe, expect, it } from 'vitest'
import { WireFormatError } from '../core/errors.ts'
import type { PreparedWorkload } from '../harness/prepare-workload.ts'
import { runCell } from '../harness/run-cell.ts'
import { FileVolume, firstDifference, MemoryVolume } from '../core/volume.ts'
import { rsyncRolling } from '../strategies/rolling/rsync-rolling.ts'
import { rsyncBlockSize, rsyncStrongBytes } from '../strategies/shared/block-size-rules.ts'
import { weakSum } from '../strategies/rolling/rolling-checksum.ts'
import { DeltaApplier } from '../strategies/rolling/rolling-delta.ts'
import { SignatureReader, computeSums } from '../strategies/rolling/rolling-signature.ts'
import { createStreamDigest } from '../strategies/shared/stream-digest.ts'
import { createStrongHasher } from '../strategies/shared/strong-hash.ts'
import { FrameWriter } from '../core/wire.ts'
import { Rng } from '../core/seeded-random.ts'
import type { Mutation } from '../workloads/workload.ts'
import { preparedFrom, quickRun } from './helpers.ts'
import { defaultOptions } from '../core/options.ts'
import { join } from 'node:path'
import { SyncSession } from '../harness/sync-session.ts'
import { findStrategy } from '../harness/config.ts'
import { scratchDirs } from './scratch-dirs.ts'

const tmp = scratchDirs('deltabench-rsync-rolling-')

/** One cell over a hand-made base and epochs of edits (no oracle). */
function prepared(base: Uint8Array, epochs: Mutation[][]): PreparedWorkload {
  return preparedFrom(base, epochs)
}

/**
 * Adding (+1, −1, −1, +1) to four consecutive bytes keeps both Σb and Σi·b, so rsync's s1/s2 sum of the
 * block does not change: a block edited this way has its old weak sum and different bytes.
 */
function keepWeakEdit(block: Uint8Array, at: number): void {
  block[at]! += 1
  block[at + 1]! -= 1
  block[at + 2]! -= 1
  block[at + 3]! += 1
}

describe('rsync-rolling: whole-volume digest and second pass', () => {
  it('a 1-byte strong sum lets wrong blocks through; the digest catches it and the full-length pass repairs it', async () => {
    const B = 64
    const n = 4096
    const rng = new Rng('collisions')
    // Bytes 10-100 so the ±1 edits never cross the signed-char boundary.
    const base = Uint8Array.from({ length: n * B }, () => 10 + (rng.u32() % 90))
    const target = base.slice()
    const edits: Mutation[] = []
    for (let i = 0; i < n; i++) {
      const block = target.subarray(i * B, (i + 1) * B)
      keepWeakEdit(block, rng.int(B - 4))
      edits.push({ kind: 'overwrite', at: i * B, bytes: block.slice() })
    }
    expect(weakSum('rsync', target, 0, B)).toBe(weakSum('rsync', base, 0, B))
    const opts = { ...defaultOptions(rsyncRolling), blockSize: B, strongBytes: 1 }
    const [weakRow] = await runCell({ runId: 't', strategy: rsyncRolling, options: opts, prepared: prepared(base, [edits]) })
    expect(weakRow!.error).toBeNull()
    expect(weakRow!.correct).toBe(true)
    expect(weakRow!.delta_passes).toBe(2)
    expect(weakRow!.false_alarms).toBeGreaterThan(100) // every block is a weak hit whose 1-byte strong sum mostly differs
    // Both signatures crossed the wire: 4+1 bytes per block, then 4+16.
    expect(weakRow!.bytes_signature).toBeGreaterThanOrEqual(n * (4 + 1) + n * (4 + 16))

    const [strongRow] = await runCell({ runId: 't', strategy: rsyncRolling, options: { ...opts, strongBytes: 16 }, prepared: prepared(base, [edits]) })
    expect(strongRow!.correct).toBe(true)
    expect(strongRow!.delta_passes).toBe(1)
    expect(strongRow!.block_matches).toBe(0)
  })
})

describe('rsync-rolling: candidate cap', () => {
  it('checks at most maxCandidates blocks at one offset, however many share a weak sum', async () => {
    const B = 64
    const rng = new Rng('chain')
    const seed = Uint8Array.from({ length: B }, () => 10 + (rng.u32() % 90))
    // 3000 distinct blocks with one weak sum: the seed block with one to three keep-weak edits. The edit
    // patterns at different offsets are linearly independent, so different offset sets give different
    // blocks; the source's block has four edits, so the replica cannot hold it.
    const blocks: Uint8Array[] = []
    const seen = new Set<string>()
    while (blocks.length < 3000) {
      const at = Array.from({ length: 1 + rng.int(3) }, () => rng.int(B - 4)).sort((x, y) => x - y)
      const key = at.join(',')
      if (seen.has(key)) continue
      seen.add(key)
      const b = seed.slice()
      for (const p of at) keepWeakEdit(b, p)
      blocks.push(b)
    }
    const foreign = seed.slice()
    for (const p of [3, 9, 20, 41]) keepWeakEdit(foreign, p)
    expect(weakSum('rsync', foreign)).toBe(weakSum('rsync', blocks[0]!))
    const base = new Uint8Array(blocks.length * B)
    blocks.forEach((b, i) => base.set(b, i * B))
    const edit: Mutation = { kind: 'overwrite', at: 0, bytes: foreign }
    for (const [cap, expected] of [[1024, 1024], [5000, blocks.length]] as const) {
      const [row] = await runCell({ runId: 't', strategy: rsyncRolling, options: { ...defaultOptions(rsyncRolling), blockSize: B, strongBytes: 16, maxCandidates: cap }, prepared: prepared(base, [[edit]]) })
      expect(row!.correct).toBe(true)
      expect(row!.max_chain).toBe(expected)
    }
  })
})

describe('rsync-rolling: sums cache across syncs', () => {
  it('rehashes only the blocks the receiver wrote, and sends the same bytes as without the cache', async () => {
    const q = { strategy: 'rsync-rolling', workload: 'random-overwrite', blockSize: 4096, size: 4 << 20, epochs: 3, workloadOptions: { writes: 8, maxLength: 8192 } }
    const cached = await quickRun({ ...q, strategyOptions: { cache: true }, cold: true })
    const fresh = await quickRun({ ...q, strategyOptions: { cache: false }, cold: true })
    const blocks = (4 << 20) / 4096
    expect(cached[0]!.sums_cached).toBe(0) // nothing cached before the first sync of a cold start
    for (const r of cached.slice(1)) {
      expect(r.sums_cached).toBeGreaterThan(blocks * 0.9)
      expect(r.sums_cached).toBeLessThan(blocks)
    }
    expect(fresh.every((r) => r.sums_cached === 0)).toBe(true)
    expect(cached.map((r) => r.bytes_total)).toEqual(fresh.map((r) => r.bytes_total))
    expect(cached.every((r) => r.correct) && fresh.every((r) => r.correct)).toBe(true)
    expect(cached[2]!.receiver_state_bytes).toBeGreaterThan(blocks * 20) // weak + full xxh128 digest per block
    // In the steady state (the default) the priming sync filled the cache: the first measured sync uses it.
    const steady = await quickRun({ ...q, strategyOptions: { cache: true } })
    expect(steady[0]!.sums_cached).toBeGreaterThan(blocks * 0.9)
    expect(steady.map((r) => r.bytes_total)).toEqual(fresh.map((r) => r.bytes_total))
  })
})

describe('rsync-rolling: block and strong-sum rules', () => {
  it("blockRule rsync and strongBytes auto follow rsync's rules for the replica's size, and report what they used", async () => {
    const rows = await quickRun({ strategy: 'rsync-rolling', workload: 'insert-delete', blockSize: 4096, size: 1_000_000, epochs: 2, strategyOptions: { blockRule: 'rsync', strongBytes: 'auto' } })
    expect(rows[0]!.effective_block_size).toBe(rsyncBlockSize(1_000_000))
    expect(rows[0]!.strong_bytes).toBe(rsyncStrongBytes(1_000_000, 1000))
    expect(rows[1]!.effective_block_size).toBe(rsyncBlockSize(rows[1]!.replica_bytes_before))
    expect(rows.every((r) => r.correct)).toBe(true)
  })

  it('every weak sum and the rabin-karp/rollsum variants stay byte-exact on shifting edits', async () => {
    for (const weak of ['rsync', 'rollsum', 'rabin-karp']) {
      const rows = await quickRun({ strategy: 'rsync-rolling', workload: 'insert-delete', blockSize: 512, size: 300_000, epochs: 2, strategyOptions: { weakSum: weak, hash: weak === 'rsync' ? 'md5' : 'blake2b' } })
      expect(rows.every((r) => r.correct && r.error === null), weak).toBe(true)
      expect(rows[0]!.block_matches).toBeGreaterThan(500)
    }
  })
})

describe('rsync-rolling: malformed frames', () => {
  it('a signature that lies about its size or sends too many sums is a WireFormatError, before allocating', () => {
    const r = new SignatureReader('t', 16)
    const huge = new FrameWriter(32).u8(0x48).varint(1).varint(2 ** 50).varint(1).varint(16).u8(0).u8(0).finish()
    expect(() => r.accept(huge)).toThrow(WireFormatError)
    const ok = new SignatureReader('t', 16)
    ok.accept(new FrameWriter(32).u8(0x48).varint(1).varint(8).varint(4).varint(2).u8(0).u8(0).finish())
    const sums = new FrameWriter(64).u8(0x53).varint(0).bytes(new Uint8Array(3 * 6)).finish()
    expect(() => ok.accept(sums)).toThrow(/the replica has 2/)
  })

  it('a copy of a block the replica does not have is a WireFormatError', async () => {
    const replica = new MemoryVolume(new Rng('x').bytes(10_000))
    const hasher = await createStrongHasher('xxh128')
    const { sums } = computeSums(replica, 1000, 'rsync', hasher)
    const a = new DeltaApplier('t', replica, new MemoryVolume(replica.snapshot()), sums, await createStreamDigest('xxh128'), 1 << 20)
    a.accept(new FrameWriter(8).u8(0x54).varint(1).varint(5000).finish())
    expect(() => a.accept(new FrameWriter(8).u8(0x44).varint(2 * 3 + 1).varint(2 * 9).finish())).toThrow(/the replica has 10/)
  })
})

describe('rsync-rolling: file replicas', () => {
  // The applier reads copies from a file replica into one reused 1 MiB buffer: shifted copies run many MiB
  // (several fills of it), scattered edits copy nothing in place; both must rebuild the source exactly.
  it('rebuilds shifted and scattered edits of a file replica byte for byte, through the staged commit', async () => {
    const dir = tmp()
    const rng = new Rng('rsync-rolling-files')
    const base = rng.bytes(5 << 20)
    const shifted = new Uint8Array(base.length + 3)
    shifted.set(rng.bytes(7), 0)
    shifted.set(base.subarray(0, 3 << 20), 7) // a 3 MiB copy from a block 7 bytes behind: three scratch fills
    shifted.set(base.subarray((3 << 20) + 4), (3 << 20) + 7)
    const scattered = base.slice()
    for (let i = 0; i < 20; i++) scattered.set(rng.bytes(100), rng.int(base.length - 100))
    const strategy = findStrategy('rsync-rolling')
    for (const [name, target] of [['shifted', shifted], ['scattered', scattered]] as const) {
      const replica = new FileVolume(join(dir, `${name}.replica`), 'create')
      replica.write(0, base)
      const source = new FileVolume(join(dir, `${name}.source`), 'create')
      source.write(0, target)
      const out = await new SyncSession({ strategy, options: { ...defaultOptions(strategy), blockSize: 4096 }, source, replica }).sync()
      expect(out.error, name).toBeUndefined()
      expect(firstDifference(replica, source), name).toBe(-1)
      expect(replica.size).toBe(target.length)
      replica.close()
      source.close()
    }
  })
})
