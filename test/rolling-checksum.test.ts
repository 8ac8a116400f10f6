/** The rolling sums: golden vectors, rolling equals recomputing at every offset, and the block-size rules. */
import { describe, expect, it } from 'vitest'
import { librsyncBlockSize, librsyncStrongBytes, rsyncBlockSize, rsyncStrongBytes } from '../strategies/shared/block-size-rules.ts'
import { BlockIndex } from '../strategies/rolling/block-index.ts'
import { blockWeakSums, RollingSum, WEAK_SUMS, weakSum, type WeakSumName } from '../strategies/rolling/rolling-checksum.ts'
import { Rng } from '../core/seeded-random.ts'

const hex = (n: number) => (n >>> 0).toString(16).padStart(8, '0')

/** librsync's rollsum_test.c / rabinkarp_test.c sequence: roll in, rotate, roll out, then a 256-byte update. */
function librsyncSequence(kind: WeakSumName): string[] {
  const r = new RollingSum(kind)
  const out = [hex(r.digest())]
  r.rollIn(0)
  out.push(hex(r.digest()))
  for (const b of [1, 2, 3]) r.rollIn(b)
  out.push(hex(r.digest()))
  r.rotate(0, 4)
  out.push(hex(r.digest()))
  for (const [o, i] of [[1, 5], [2, 6], [3, 7]] as const) r.rotate(o, i)
  out.push(hex(r.digest()))
  r.rollOut(4)
  out.push(hex(r.digest()))
  for (const b of [5, 6, 7]) r.rollOut(b)
  out.push(hex(r.digest()))
  const buf = Uint8Array.from({ length: 256 }, (_, i) => i)
  for (const b of buf) r.rollIn(b)
  out.push(hex(r.digest()), hex(weakSum(kind, buf)))
  return out
}

describe('rolling sums: golden vectors', () => {
  it("match librsync's rollsum tests (s1/s2, unsigned bytes + 31)", () => {
    expect(librsyncSequence('rollsum')).toEqual(['00000000', '001f001f', '01400082', '014a0086', '01680092', '00dc006f', '00000000', '3a009e80', '3a009e80'])
  })

  it("match librsync's RabinKarp tests", () => {
    expect(librsyncSequence('rabin-karp')).toEqual(['00000001', '08104225', 'af981e97', 'e2ef15f3', '7cf3fc07', 'f284a77f', '00000001', 'c1972381', 'c1972381'])
  })

  it("read bytes as signed chars for rsync (rsync's schar), unsigned for librsync's rollsum", () => {
    // Worked by hand from rsync's definition: signed values -128, -1, 1, 127; s1 = -1, s2 = -386.
    const bytes = Uint8Array.of(0x80, 0xff, 0x01, 0x7f)
    expect(hex(weakSum('rsync', bytes))).toBe('fe7effff')
    // librsync's rollsum: 159, 286, 32, 158; s1 = 635, s2 = 1716.
    expect(hex(weakSum('rollsum', bytes))).toBe('06b4027b')
    // On bytes below 0x80 the two differ only by the +31 offset: rsync's sum of 0..127 has no offset.
    const low = Uint8Array.from({ length: 128 }, (_, i) => i)
    const s1 = (127 * 128) / 2
    let s2 = 0
    for (let i = 0; i < 128; i++) s2 += (128 - i) * i
    expect(hex(weakSum('rsync', low))).toBe(hex(((s2 & 0xffff) << 16) | (s1 & 0xffff)))
  })
})

describe('rolling sums: rolling equals recomputing', () => {
  const rng = new Rng('rolling')
  const data = rng.bytes(6000) // every byte value, so signed and unsigned reading both matter
  for (const kind of WEAK_SUMS) {
    it(`${kind}: the window slid one byte at a time equals the sum recomputed at every offset`, () => {
      for (const k of [1, 2, 7, 64, 700, 4096]) {
        const r = new RollingSum(kind)
        for (let i = 0; i < k; i++) r.rollIn(data[i]!)
        expect(r.digest()).toBe(weakSum(kind, data, 0, k))
        for (let p = 1; p + k <= data.length; p++) {
          r.rotate(data[p - 1]!, data[p + k - 1]!)
          if (r.digest() !== weakSum(kind, data, p, k)) expect.fail(`${kind} k=${k} offset ${p}: rolled ${hex(r.digest())}, recomputed ${hex(weakSum(kind, data, p, k))}`)
        }
      }
    })

    it(`${kind}: rolling out from the front equals the sum of what is left`, () => {
      const r = new RollingSum(kind)
      for (let i = 0; i < 300; i++) r.rollIn(data[i]!)
      for (let p = 0; p < 299; p++) {
        r.rollOut(data[p]!)
        expect(r.digest()).toBe(weakSum(kind, data, p + 1, 299 - p))
      }
    })

    it(`${kind}: block sums (word loads, any alignment, a short last block) equal the plain sum`, () => {
      for (const [start, bs, count, lastLen] of [[0, 64, 10, 64], [1, 64, 10, 13], [3, 700, 4, 700], [4, 4096, 1, 1], [2, 7, 30, 7], [0, 512, 8, 500]] as const) {
        const out = new Int32Array(count)
        blockWeakSums(kind, data, start, count, bs, lastLen, out, 0)
        for (let b = 0; b < count; b++) expect(out[b], `start ${start} bs ${bs} block ${b}`).toBe(weakSum(kind, data, start + b * bs, b === count - 1 ? lastLen : bs))
      }
    })
  }
})

describe('block index', () => {
  it('finds every block by its weak sum, chains in block order, and the prefilter never rules a member out', () => {
    const rng = new Rng('index')
    const weak = Int32Array.from({ length: 5000 }, () => rng.u32() % 1500) // many shared weak sums
    const ix = new BlockIndex(weak, weak.length, (i) => i !== 4999)
    for (let i = 0; i < 4999; i++) {
      expect(ix.maybe(weak[i]!)).toBe(true)
      const chain: number[] = []
      for (let b = ix.first(weak[i]!); b >= 0; b = ix.next[b]!) chain.push(b)
      expect(chain).toContain(i)
      expect(chain).toEqual([...chain].sort((a, b) => a - b))
      expect(chain.every((b) => weak[b] === weak[i])).toBe(true)
    }
    expect(ix.first(-12345)).toBe(-1)
    expect(ix.longestChain).toBeGreaterThan(1)
  })
})

describe('block-size rules', () => {
  it("rsync: 700 up to 700² bytes, then floor(sqrt) rounded down to a multiple of 8, at most 128 KiB", () => {
    expect(rsyncBlockSize(0)).toBe(700)
    expect(rsyncBlockSize(700 * 700)).toBe(700)
    expect(rsyncBlockSize(700 * 700 + 1)).toBe(700)
    expect(rsyncBlockSize(1_000_000)).toBe(1000)
    expect(rsyncBlockSize(2 ** 28)).toBe(16384)
    expect(rsyncBlockSize(10_000_000)).toBe(3160) // floor(sqrt) = 3162 → 3160
    expect(rsyncBlockSize(2 ** 40)).toBe(128 << 10)
  })

  it("rsync's s2length: 2 for small files, growing with log2(size) less log2(block), at most 16", () => {
    expect(rsyncStrongBytes(100_000, 512)).toBe(2)
    expect(rsyncStrongBytes(2 ** 28, 16384)).toBe(3)
    expect(rsyncStrongBytes(2 ** 40, 700)).toBe(7)
    expect(rsyncStrongBytes(2 ** 52, 1)).toBe(11)
  })

  it('librsync: 256 up to 256² bytes, then floor(sqrt) rounded down to a multiple of 128', () => {
    expect(librsyncBlockSize(1000)).toBe(256)
    expect(librsyncBlockSize(65537)).toBe(256)
    expect(librsyncBlockSize(1_000_000)).toBe(896)
    expect(librsyncBlockSize(2 ** 28)).toBe(16384)
    expect(librsyncStrongBytes(1000, 256)).toBe(6)
    expect(librsyncStrongBytes(2 ** 28, 16384)).toBe(8)
  })
})
