/**
 * The XXH3-128 kernel: the committed binary is its text compiled, and every digest equals hash-wasm's
 * xxh128 (what the strategies used before, so their bytes on the wire stay the same), one at a time and in
 * batches, in place and copied in.
 */
import { describe, expect, it } from 'vitest'
import { createXXHash128 } from 'hash-wasm'
import { compileXxh128Kernel } from '../scripts/build-wasm.ts'
import { XXH128_KERNEL_BASE64 } from '../strategies/shared/xxh128-kernel-wasm.ts'
import { Xxh128Kernel, Xxh128Stream } from '../strategies/shared/xxh128-kernel.ts'
import { createStrongHasher } from '../strategies/shared/strong-hash.ts'
import { Rng } from '../core/seeded-random.ts'
import { BlockIndex } from '../strategies/rolling/block-index.ts'
import { RollingKernel } from '../strategies/rolling/rolling-kernel.ts'
import { BlockHashes } from '../strategies/shared/block-hashes.ts'
import { MemoryVolume } from '../core/volume.ts'

const reference = await createXXHash128()
function expected(data: Uint8Array): string {
  reference.init()
  reference.update(data)
  return reference.digest('hex')
}
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex')

describe('xxh128 kernel: build', () => {
  it('the committed binary is xxh128-kernel-wat.ts compiled (run `npm run build:wasm` after editing it)', async () => {
    const fresh = await compileXxh128Kernel()
    expect(Buffer.from(XXH128_KERNEL_BASE64, 'base64').equals(Buffer.from(fresh))).toBe(true)
  })
})

describe('xxh128 kernel: digests equal hash-wasm xxh128', () => {
  it.each(['a', 'b', 'c'])('every length 0..5000 (data seed %s), copied in and in place', (seed) => {
    const data = new Rng(`xxh128-${seed}`).bytes(5000)
    const k = new Xxh128Kernel()
    const area = k.input(5000)
    area.set(data)
    const wrong: number[] = []
    for (let len = 0; len <= 5000; len++) {
      const want = expected(data.subarray(0, len))
      // From the end of the data too: another alignment, other bytes.
      if (hex(k.hash(data.subarray(0, len))) !== want || hex(k.hash(area.subarray(0, len))) !== want) wrong.push(len)
      if (hex(k.hash(data.subarray(5000 - len))) !== expected(data.subarray(5000 - len))) wrong.push(-len)
    }
    expect(wrong).toEqual([])
  })

  it('large lengths, around the 1 KiB block and 64-byte stripe edges, and past the starting input area', () => {
    const rng = new Rng('xxh128-large')
    const data = rng.bytes((3 << 20) + 77)
    const k = new Xxh128Kernel(64 << 10)
    for (const len of [1023, 1024, 1025, 1087, 1088, 1089, 2048, 4096, 65535, 65536, 65537, 1 << 20, (1 << 20) + 1, (3 << 20) + 77]) {
      expect(hex(k.hash(data.subarray(0, len))), `length ${len}`).toBe(expected(data.subarray(0, len)))
    }
  })

  it('low-entropy data (zeros, ones, a repeated byte) at every path', () => {
    const k = new Xxh128Kernel()
    for (const fill of [0, 0xff, 0x41]) {
      for (const len of [0, 1, 3, 4, 8, 9, 16, 17, 128, 129, 240, 241, 512, 4096]) {
        const d = new Uint8Array(len).fill(fill)
        expect(hex(k.hash(d)), `${fill} × ${len}`).toBe(expected(d))
      }
    }
  })
})

describe('xxh128 kernel: hashBlocks', () => {
  const rng = new Rng('xxh128-blocks')

  it.each([1, 7, 16, 100, 240, 241, 512, 4096, 65536])('blocks of %i bytes, the last one short, equal one digest per block', (bs) => {
    // Past one batch (4096 digests) at small blocks, and past the input area at large ones.
    const length = Math.min(bs * 5000, (3 << 20) + 5) - 3
    const data = rng.bytes(length)
    const count = Math.ceil(length / bs)
    const k = new Xxh128Kernel(256 << 10)
    const out = new Uint8Array(8 + count * 16)
    k.hashBlocks(data, bs, out, 8)
    const wrong: number[] = []
    for (let i = 0; i < count; i++) {
      if (hex(out.subarray(8 + i * 16, 8 + (i + 1) * 16)) !== expected(data.subarray(i * bs, Math.min(length, (i + 1) * bs)))) wrong.push(i)
    }
    expect(wrong).toEqual([])
    // In place: the same digests from the kernel's own input area.
    const inPlace = new Uint8Array(count * 16)
    const area = k.input(length)
    area.set(data)
    k.hashBlocks(area, bs, inPlace)
    expect(hex(inPlace)).toBe(hex(out.subarray(8)))
  })

  it('refuses an output too short for the digests', () => {
    const k = new Xxh128Kernel()
    expect(() => k.hashBlocks(new Uint8Array(100), 10, new Uint8Array(159))).toThrow(/xxh128 kernel: 10 digests/)
  })

  it.each(['xxh128', 'md5', 'blake3'])('the strong hasher %s: hashBlocks equals hash per block', async (name) => {
    const h = await createStrongHasher(name)
    const data = rng.bytes(10_000)
    const out = new Uint8Array(Math.ceil(10_000 / 999) * h.digestLength)
    h.hashBlocks(data, 999, out)
    for (let i = 0; i * 999 < data.length; i++) expect(hex(out.subarray(i * h.digestLength, (i + 1) * h.digestLength))).toBe(hex(h.hash(data.subarray(i * 999, (i + 1) * 999))))
    if (name === 'xxh128') expect(hex(h.hash(data))).toBe(expected(data))
  })
})

describe('xxh128 stream: the same digest as hash-wasm\'s streaming xxh128, for every split', () => {
  /** Feeds `data` to the stream in pieces cut at `cuts` (sorted offsets); small pieces are gathered, the rest copied in. */
  function streamed(s: Xxh128Stream, data: Uint8Array, cuts: number[]): string {
    s.reset()
    let at = 0
    for (const cut of [...cuts, data.length]) {
      s.update(data.subarray(at, cut))
      at = cut
    }
    return hex(s.digest())
  }
  const randomCuts = (rng: Rng, len: number, pieces: number) => Array.from({ length: pieces }, () => rng.int(len + 1)).sort((a, b) => a - b)

  it('every length 0..5000, one piece and random splits (one piece up to many, empty pieces included)', () => {
    const rng = new Rng('xxh128-stream-splits')
    const data = rng.bytes(5000)
    const s = new Xxh128Stream()
    const wrong: string[] = []
    for (let len = 0; len <= 5000; len++) {
      const d = data.subarray(0, len)
      const want = expected(d)
      if (streamed(s, d, []) !== want) wrong.push(`${len} whole`)
      const cuts = randomCuts(rng, len, 1 + rng.int(len % 7 === 0 ? 40 : 4))
      if (streamed(s, d, cuts) !== want) wrong.push(`${len} cut at ${cuts.join(',')}`)
    }
    expect(wrong).toEqual([])
  })

  it('the edges: a cut at every offset of pieces around 64 B, 240 B, 256 B and 1 KiB', () => {
    const data = new Rng('xxh128-stream-edges').bytes(2200)
    const s = new Xxh128Stream()
    const wrong: string[] = []
    for (const len of [63, 64, 65, 127, 128, 129, 239, 240, 241, 255, 256, 257, 319, 320, 321, 1023, 1024, 1025, 1087, 1088, 1089, 2048, 2049, 2200]) {
      const d = data.subarray(0, len)
      const want = expected(d)
      for (let cut = 0; cut <= len; cut++) {
        if (streamed(s, d, [cut]) !== want) wrong.push(`${len} | ${cut}`)
        // Equal pieces of every size up to 70 bytes (stripe-long and around it).
        if (cut >= 1 && cut <= 70 && streamed(s, d, Array.from({ length: Math.floor(len / cut) }, (_, i) => (i + 1) * cut)) !== want) wrong.push(`${len} by ${cut}`)
      }
    }
    expect(wrong).toEqual([])
  })

  it('large inputs past the input area, in random pieces and in 16-byte pieces among big ones', () => {
    const rng = new Rng('xxh128-stream-large')
    const data = rng.bytes((3 << 20) + 77)
    const s = new Xxh128Stream(64 << 10)
    for (const len of [65_536, 65_537, (1 << 20) + 1, data.length]) {
      const d = data.subarray(0, len)
      const want = expected(d)
      expect(streamed(s, d, []), `${len} whole`).toBe(want)
      expect(streamed(s, d, randomCuts(rng, len, 60)), `${len} in 61 pieces`).toBe(want)
    }
    // The delta's mix: mostly 16-byte pieces (block digests), some of KiBs, a few past the input area.
    const cuts: number[] = []
    for (let at = 0; at < data.length; ) {
      const pick = rng.int(10)
      at = Math.min(data.length, at + (pick < 7 ? 16 : pick < 9 ? rng.range(1, 9000) : rng.range(60_000, 140_000)))
      cuts.push(at)
    }
    expect(streamed(s, data, cuts)).toBe(expected(data))
  })

  it('pieces read into its input area are hashed in place, mixed with copied ones, to the same digest', () => {
    const rng = new Rng('xxh128-stream-in-place')
    const data = rng.bytes(1 << 20)
    const s = new Xxh128Stream(64 << 10)
    for (let at = 0; at < data.length; ) {
      const n = Math.min(data.length - at, rng.range(1, 64 << 10))
      if (rng.int(2) === 0) {
        const area = s.input(n)
        area.set(data.subarray(at, at + n))
        s.update(area)
      } else s.update(data.subarray(at, at + n))
      at += n
    }
    expect(hex(s.digest())).toBe(expected(data))
  })

  it('refuses a feed after the digest, and an input area past its capacity', () => {
    const s = new Xxh128Stream(4096)
    s.update(new Uint8Array(10))
    s.digest()
    expect(() => s.update(new Uint8Array(1))).toThrow(/xxh128 stream: update after digest/)
    expect(() => s.input(4097)).toThrow(/xxh128 stream: input\(4097\)/)
  })
})

describe('xxh128 on another kernel\'s memory (the rolling scan hashes its window in place)', () => {
  it('digests of the rolling kernel\'s chunk equal hash-wasm\'s, at every path and any offset', () => {
    const data = new Rng('xxh128-rolling').bytes(70_000)
    const kernel = new RollingKernel(new BlockIndex(new Int32Array(0), 0), data.length, 'rsync', 16384)
    kernel.data.set(data)
    for (const [p, len] of [[0, 0], [5, 3], [7, 16], [1, 100], [3, 200], [0, 16384], [13, 16384], [70_000 - 4097, 4097], [1, 65_536]] as const) {
      expect(hex(kernel.xxh128(p, len)), `[${p}, +${len})`).toBe(expected(data.subarray(p, p + len)))
    }
    expect(() => kernel.xxh128(69_000, 2000)).toThrow(/rolling kernel: a strong hash/)
  })
})

describe('BlockHashes: block digests a batch at a time', () => {
  it('of, copyTruncated (whole and cut digests) and all agree with a digest per block, across batches', async () => {
    const h = await createStrongHasher('xxh128')
    const data = new Rng('block-hashes').bytes((3 << 19) + 300) // three 512 KiB batches at 512 B, and a short last block
    const volume = new MemoryVolume(data)
    const count = Math.ceil(data.length / 512)
    const want = (i: number) => hex(h.hash(data.subarray(i * 512, (i + 1) * 512)))
    const all = new BlockHashes(volume, 512, h).all()
    const whole = new Uint8Array(count * 16)
    const cut = new Uint8Array(count * 8)
    const hashes = new BlockHashes(volume, 512, h)
    hashes.copyTruncated(0, count, 16, whole, 0)
    hashes.copyTruncated(0, count, 8, cut, 0)
    const wrong: number[] = []
    for (let i = 0; i < count; i++) {
      const w = want(i)
      if (hex(all.subarray(i * 16, (i + 1) * 16)) !== w || hex(whole.subarray(i * 16, (i + 1) * 16)) !== w || hex(cut.subarray(i * 8, (i + 1) * 8)) !== w.slice(0, 16)) wrong.push(i)
    }
    // Out of order too: back to an earlier batch.
    for (const i of [count - 1, 0, 1500, 2]) if (hex(hashes.of(i)) !== want(i)) wrong.push(-i)
    expect(wrong).toEqual([])
  })
})
