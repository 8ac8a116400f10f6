/**
 * snapshot-diff's manifest: hashed straight into its serialized form (one allocation a sync), the same
 * bytes as serializing a manifest made any other way, and BlockHashes.all into a caller's array.
 */
import { describe, expect, it } from 'vitest'
import { parseManifest, serializeManifest, takeManifest } from '../strategies/tracking/block-manifest.ts'
import { BlockHashes } from '../strategies/shared/block-hashes.ts'
import { createStrongHasher } from '../strategies/shared/strong-hash.ts'
import { MemoryVolume } from '../core/volume.ts'
import { Rng } from '../core/seeded-random.ts'

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex')

describe('block manifest', () => {
  it.each([
    ['xxh128', 512, 300_000],
    ['xxh128', 4096, (1 << 20) + 1],
    ['md5', 1000, 0],
    ['blake3', 64 << 10, 200_001],
  ] as const)('%s at %i B over %i bytes: serialized in place equals serialized by copy, and parses back', async (name, bs, size) => {
    const h = await createStrongHasher(name)
    const v = new MemoryVolume(new Rng(`manifest-${name}-${size}`).bytes(size))
    const m = takeManifest(v, bs, h)
    const copy = { ...m, hashes: m.hashes.slice() } // not from takeManifest: serialized by copying
    const bytes = serializeManifest(m)
    expect(hex(bytes)).toBe(hex(serializeManifest(copy)))
    expect(bytes.buffer).toBe(m.hashes.buffer) // no second array
    const back = parseManifest('t', bytes)
    expect([back.size, back.blockSize, back.hashLength, hex(back.hashes)]).toEqual([size, bs, h.digestLength, hex(m.hashes)])
    const count = m.hashes.length / h.digestLength
    expect(count).toBe(Math.ceil(size / bs))
    for (const i of count > 0 ? [0, count - 1] : []) {
      expect(hex(m.hashes.subarray(i * h.digestLength, (i + 1) * h.digestLength))).toBe(hex(h.hash(v.read(i * bs, Math.min(bs, size - i * bs)))))
    }
  })

  it('BlockHashes.all into a reused array equals a fresh one, and refuses one too short', async () => {
    const h = await createStrongHasher('xxh128')
    const v = new MemoryVolume(new Rng('manifest-reuse').bytes(100_000))
    const into = new Uint8Array(196 * 16 + 5).fill(9)
    const got = new BlockHashes(v, 512, h).all(into)
    expect(got).toBe(into)
    expect(hex(into.subarray(0, 196 * 16))).toBe(hex(new BlockHashes(v, 512, h).all()))
    expect(() => new BlockHashes(v, 512, h).all(new Uint8Array(196 * 16 - 1))).toThrow(/block hashes: 196 digests/)
  })
})
