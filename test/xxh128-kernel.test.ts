/**
 * The XXH3-128 kernel: the committed binary is its text compiled, and every digest equals hash-wasm's
 * xxh128 (what the strategies used before, so their bytes on the wire stay the same), one at a time and in
 * batches, in place and copied in.
 */
import { describe, expect, it } from 'vitest'
import { createXXHash128 } from 'hash-wasm'
import { compileXxh128Kernel } from '../scripts/build-wasm.ts'
import { XXH128_KERNEL_BASE64 } from '../strategies/shared/xxh128-kernel-wasm.ts'
import { Xxh128Kernel } from '../strategies/shared/xxh128-kernel.ts'
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
