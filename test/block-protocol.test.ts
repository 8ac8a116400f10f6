/**
 * The shared block protocol (strategies/shared): the hash list, the gap-coded block stream, the block push
 * and the frame packer under them. The strategy suites check the strategies; these check the pieces.
 */
import { describe, expect, it } from 'vitest'
import { WireFormatError } from '../core/errors.ts'
import type { Frame } from '../core/strategy.ts'
import { MemoryVolume } from '../core/volume.ts'
import { FRAME_PAYLOAD_LIMIT, FrameReader, FrameWriter } from '../core/wire.ts'
import { Rng } from '../core/seeded-random.ts'
import { MAX_VARINT_BYTES } from '../core/varint.ts'
import { BlockPushSender, BlockReceiver } from '../strategies/shared/block-push.ts'
import { blockCount, BlockStreamReader, BlockStreamWriter, STEP_BUDGET, type BlockStreamFormat } from '../strategies/shared/block-stream.ts'
import { FramePacker } from '../strategies/shared/frame-packer.ts'
import { HASHES_PER_FRAME, HashListReader, HashListWriter, type HashListFormat } from '../strategies/shared/hash-list.ts'
import { createStrongHasher } from '../strategies/shared/strong-hash.ts'

const LIST: HashListFormat = { tag: 0x53, what: 'signature', kind: 'signature', namesHashLength: true }
const STREAM: BlockStreamFormat = { blocksTag: 0x42, endTag: 0x45, ops: 1 }

/** A distinct 8-byte "hash" per block (the writer sends its first hashLength bytes). */
function fakeHash(i: number): Uint8Array {
  const h = new Uint8Array(8).fill(0xee)
  new DataView(h.buffer).setUint32(0, i, true)
  h[4] = i % 251
  return h
}

/** Runs `fn` and returns what it threw. */
function thrown(fn: () => unknown): unknown {
  try {
    fn()
  } catch (err) {
    return err
  }
  throw new Error('expected a throw')
}

/** Every frame's split adds up to its length (the channel refuses a split that does not). */
function expectSplitsAddUp(frames: Frame[]): void {
  for (const f of frames) if (f.split) expect(Object.values(f.split).reduce((a, b) => a + (b ?? 0), 0)).toBe(f.bytes.length)
}

describe('hash list', () => {
  it('round-trips across many frames of at most HASHES_PER_FRAME hashes, with or without the length field', () => {
    for (const format of [LIST, { ...LIST, namesHashLength: false }]) {
      const blocks = 3 * HASHES_PER_FRAME + 123
      const writer = new HashListWriter(format, blocks * 10 - 3, 10, 5, fakeHash)
      const frames = writer.frames()
      expect(frames).toHaveLength(4)
      expect(writer.done).toBe(true)
      const reader = new HashListReader('t', format, 10, 5)
      for (const [k, f] of frames.entries()) {
        expect(f.kind).toBe('signature')
        expect(f.bytes.length).toBeLessThanOrEqual(24 + HASHES_PER_FRAME * 5)
        expect(reader.complete).toBe(false)
        expect(reader.accept(f.bytes)).toBe(true)
        expect(reader.complete).toBe(k === frames.length - 1)
      }
      expect(reader.size).toBe(blocks * 10 - 3)
      expect(reader.hashes).toHaveLength(blocks * 5)
      for (const i of [0, 1, HASHES_PER_FRAME - 1, HASHES_PER_FRAME, blocks - 1]) expect([...reader.hashes.subarray(i * 5, i * 5 + 5)]).toEqual([...fakeHash(i).subarray(0, 5)])
    }
  })

  it('an empty replica sends one frame with no hashes; a foreign tag is left to the caller', () => {
    const frames = new HashListWriter(LIST, 0, 4096, 16, fakeHash).frames()
    expect(frames).toHaveLength(1)
    const reader = new HashListReader('t', LIST, 4096, 16)
    expect(reader.accept(Uint8Array.of(0x99, 0))).toBe(false)
    expect(reader.accept(frames[0]!.bytes)).toBe(true)
    expect(reader.complete).toBe(true)
    expect(reader.hashes).toHaveLength(0)
  })

  it('streams a step at a time: each call stops once its budget is spent', () => {
    const writer = new HashListWriter(LIST, 5 * HASHES_PER_FRAME, 1, 4, fakeHash)
    const budget = 2 * HASHES_PER_FRAME * 4
    const calls: Frame[][] = []
    while (!writer.done) calls.push(writer.frames(budget))
    expect(calls.map((c) => c.length)).toEqual([2, 2, 1])
    for (const c of calls) expect(c.reduce((n, f) => n + f.bytes.length, 0)).toBeLessThan(budget + 24 + HASHES_PER_FRAME * 4)
    expect(writer.frames(budget)).toEqual([])
  })

  it('a forged count or length is a WireFormatError naming the strategy, and nothing is sized from it', async () => {
    const frame = (size: number, bs: number, len: number, first: number, count: number, hashes: number) =>
      new FrameWriter().u8(LIST.tag).varint(size).varint(bs).varint(len).varint(first).varint(count).bytes(new Uint8Array(hashes * len)).finish()
    const reader = () => new HashListReader('my-strategy', LIST, 4096, 16)
    // A count far past the bytes the frame carries: refused before any allocation (an allocation of 2^44 would throw a RangeError).
    const forged = thrown(() => reader().accept(frame(4096 * 10, 4096, 16, 0, 2 ** 40, 3)))
    expect(forged).toBeInstanceOf(WireFormatError)
    expect((forged as Error).message).toMatch(/^my-strategy: malformed frame: truncated/)
    expect(thrown(() => reader().accept(frame(4096, 4096, 99, 0, 1, 1)))).toBeInstanceOf(WireFormatError)
    expect(thrown(() => reader().accept(frame(4096, 512, 16, 0, 1, 1)))).toBeInstanceOf(WireFormatError)
    expect(thrown(() => reader().accept(frame(4096, 4096, 16, 1, 1, 1)))).toBeInstanceOf(WireFormatError)
    expect(thrown(() => reader().accept(frame(4096, 4096, 16, 0, 2, 2)))).toBeInstanceOf(WireFormatError)
    // A replica size claiming a 1 GiB list: memory follows the 16 bytes that came, not the claim.
    const before = process.memoryUsage().arrayBuffers
    const big = reader()
    expect(big.accept(frame(4096 * 2 ** 26, 4096, 16, 0, 1, 1))).toBe(true)
    expect(big.complete).toBe(false)
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(64 << 20)
    expect(thrown(() => big.accept(frame(4096 * 7, 4096, 16, 1, 1, 1)))).toBeInstanceOf(WireFormatError)
    // A format with a ceiling refuses such a claim at once.
    const capped = new HashListReader('my-strategy', { ...LIST, maxBytes: 1 << 20 }, 4096, 16)
    expect((thrown(() => capped.accept(frame(4096 * 2 ** 26, 4096, 16, 0, 1, 1))) as Error).message).toMatch(/too large/)
    // A frame after the whole list.
    const whole = reader()
    whole.accept(frame(4096, 4096, 16, 0, 1, 1))
    expect(thrown(() => whole.accept(frame(4096, 4096, 16, 1, 0, 0)))).toBeInstanceOf(WireFormatError)
  })

  it('finds exactly the blocks that differ: changed, past the replica, or of another length', async () => {
    const hasher = await createStrongHasher('xxh128')
    const rng = new Rng('differs')
    const replica = new MemoryVolume(rng.bytes(10 * 100 + 40))
    const source = new MemoryVolume(replica.snapshot())
    source.write(3 * 100 + 7, Uint8Array.of(1))
    source.write(1040, rng.bytes(300)) // block 10 grows to full length, blocks 11-13 are new
    const mine = new HashListWriter(LIST, replica.size, 100, 16, (i) => hasher.hash(replica.read(i * 100, Math.min(100, replica.size - i * 100))))
    const theirs = new HashListReader('t', LIST, 100, 16)
    for (const f of mine.frames()) theirs.accept(f.bytes)
    const differ = Array.from({ length: blockCount(source.size, 100) }, (_, i) => i).filter((i) => theirs.differs(i, source, hasher))
    expect(differ).toEqual([3, 10, 11, 12, 13])
  })
})

describe('block stream', () => {
  const rng = new Rng('stream')
  const source = new MemoryVolume(rng.bytes(3 * FRAME_PAYLOAD_LIMIT + 5))
  const bs = 4096
  const n = blockCount(source.size, bs)
  const want = (i: number) => i % 3 !== 1 || i === n - 1

  it('round-trips across many frames, and no frame passes the payload limit by more than one entry', () => {
    const writer = new BlockStreamWriter(STREAM, source, bs)
    expect(writer.dataRange(0, n, want)).toBe(n)
    const frames = writer.finish()
    const blocks = frames.slice(0, -1)
    expect(blocks.length).toBeGreaterThan(2)
    for (const [k, f] of blocks.entries()) {
      expect(f.bytes[0]).toBe(STREAM.blocksTag)
      expect(f.bytes.length).toBeLessThan(FRAME_PAYLOAD_LIMIT + MAX_VARINT_BYTES + bs)
      // Closed at the limit, not before it (only the last is short).
      if (k < blocks.length - 1) expect(f.bytes.length).toBeGreaterThanOrEqual(FRAME_PAYLOAD_LIMIT)
    }
    expectSplitsAddUp(frames)
    const staged = new MemoryVolume(source.size)
    const reader = new BlockStreamReader(STREAM, bs, staged)
    for (const f of frames) {
      const r = new FrameReader('t', f.bytes)
      if (r.u8() === STREAM.blocksTag) reader.blocks(r, source.size)
      else reader.end(r, source.size)
    }
    for (let i = 0; i < n; i++) {
      const len = Math.min(bs, source.size - i * bs)
      const got = staged.read(i * bs, len)
      expect(Buffer.compare(got, want(i) ? source.read(i * bs, len) : new Uint8Array(len)), `block ${i}`).toBe(0)
    }
  })

  it('codes entry ops and references (gap·ops + op) and counts references as copy', () => {
    const format: BlockStreamFormat = { ...STREAM, ops: 4 }
    const writer = new BlockStreamWriter(format, source, bs)
    writer.data(2, 0)
    writer.reference(5, 1, 700)
    writer.reference(9, 2, 2)
    const frames = writer.finish()
    expect(frames[0]!.split).toEqual({ literal: bs, copy: 5, control: 1 + 1 })
    const seen: number[][] = []
    const reader = new BlockStreamReader(format, bs, new MemoryVolume(source.size))
    const r = new FrameReader('t', frames[0]!.bytes)
    r.u8()
    reader.blocks(r, source.size, (rr, index, length, op) => seen.push([index, length, op, op === 0 ? rr.bytes(length).length : rr.varint()]))
    expect(seen).toEqual([
      [2, bs, 0, bs],
      [5, bs, 1, 700],
      [9, bs, 2, 2],
    ])
  })

  it('refuses a block past the target and an END that miscounts, naming the strategy', () => {
    const reader = () => new BlockStreamReader(STREAM, bs, new MemoryVolume(0))
    const past = new FrameReader('my-strategy', new FrameWriter().varint(10).bytes(new Uint8Array(bs)).finish())
    expect((thrown(() => reader().blocks(past, 10 * bs)) as Error).message).toMatch(/^my-strategy: malformed frame: block 10 past the last block 9/)
    const end = new FrameReader('my-strategy', new FrameWriter().varint(3).finish())
    expect(thrown(() => reader().end(end, 0))).toBeInstanceOf(WireFormatError)
  })
})

describe('block push', () => {
  it('honours the step budget: a big push goes out over several steps, each about STEP_BUDGET', () => {
    const source = new MemoryVolume(new Rng('push').bytes(3 * STEP_BUDGET + 77))
    const push = new BlockPushSender(source, 4096, (w) => w.varint(42))
    let token = -1
    const staged = new MemoryVolume(0)
    const rx = new BlockReceiver('t', 4096, staged, (r) => (token = r.varint()))
    let steps = 0
    while (!push.done) {
      const frames = push.step((from, to, blocks) => blocks.dataRange(from, to, () => true))
      steps++
      // Stops once a step's worth waits: over it by at most the entry that crossed it (and the header and END).
      expect(frames.reduce((s, f) => s + f.bytes.length, 0)).toBeLessThan(STEP_BUDGET + 4096 + 64)
      for (const f of frames) expect(rx.accept(f.bytes)).toBe(true)
    }
    expect(steps).toBeGreaterThanOrEqual(4)
    expect(rx.done).toBe(true)
    expect(token).toBe(42)
    expect(Buffer.compare(staged.snapshot(), source.snapshot())).toBe(0)
  })

  it('a truncated push is caught before it is complete', () => {
    const source = new MemoryVolume(new Rng('cut').bytes(20_000))
    const push = new BlockPushSender(source, 4096)
    const frames = push.step((from, to, blocks) => blocks.dataRange(from, to, () => true))
    const rx = new BlockReceiver('t', 4096, new MemoryVolume(0))
    rx.accept(frames[0]!.bytes)
    expect(thrown(() => rx.accept(frames[2]!.bytes))).toBeInstanceOf(WireFormatError)
    expect(rx.done).toBe(false)
  })
})

describe('frame packer', () => {
  it('opens each frame with its tag, closes it at the payload limit and splits data, references and the rest', () => {
    const packer = new FramePacker(0x4a, 'repair')
    const data = new Uint8Array(100_000)
    for (let i = 0; i < 25; i++) {
      packer.entry().varint(i).bytes(data)
      packer.added(data.length, 0)
      packer.entry().varint(i).varint(300)
      packer.added(0, 2)
    }
    expect(packer.pending).toBeGreaterThan(25 * 100_000)
    const frames = packer.take()
    expect(packer.pending).toBe(0)
    expect(frames.length).toBe(3)
    expectSplitsAddUp(frames)
    for (const f of frames) {
      expect(f.bytes[0]).toBe(0x4a)
      expect(f.phase).toBe('repair')
      expect(f.bytes.length).toBeLessThan(FRAME_PAYLOAD_LIMIT + 100_000 + 8)
    }
    expect(packer.take()).toEqual([])
  })
})
