import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { WireFormatError } from '../core/errors.ts'
import { FrameReader, FrameWriter } from '../core/wire.ts'
import { parseSize } from '../core/units.ts'

describe('wire', () => {
  it('varints round-trip every safe integer', () => {
    fc.assert(
      fc.property(fc.array(fc.maxSafeNat()), (xs) => {
        const w = new FrameWriter(1)
        for (const x of xs) w.varint(x)
        const r = new FrameReader('t', w.finish())
        for (const x of xs) expect(r.varint()).toBe(x)
        r.end()
      }),
    )
  })

  it('a truncated or overlong frame raises a WireFormatError naming the strategy', () => {
    const f = new FrameWriter().varint(300).bytes(new Uint8Array(5)).finish()
    const r = new FrameReader('my-strategy', f.subarray(0, 1))
    expect(() => r.varint()).toThrow(WireFormatError)
    expect(() => new FrameReader('my-strategy', f).bytes(99)).toThrow(/my-strategy: malformed frame: truncated: 99 bytes expected/)
    expect(() => new FrameReader('s', new Uint8Array(10).fill(0xff)).varint()).toThrow(/longer than 8 bytes/)
    const r2 = new FrameReader('s', new Uint8Array([5, 0]))
    r2.u8()
    expect(() => r2.end()).toThrow(/1 trailing bytes/)
  })
})

describe('sizes', () => {
  it.each([
    ['4096', 4096],
    ['4KiB', 4096],
    ['4k', 4096],
    ['64MiB', 64 << 20],
    ['1GiB', 2 ** 30],
    ['1GB', 1e9],
    ['1.5MiB', 1.5 * 2 ** 20],
  ])('%s = %d bytes', (t, n) => expect(parseSize(t)).toBe(n))
  it('rejects what is not a size', () => {
    expect(() => parseSize('-1')).toThrow(/not a size/)
    expect(() => parseSize('12 parsecs')).toThrow(/not a size/)
  })
})

describe('FrameWriter.finish', () => {
  it('hands over a well-filled buffer, copies a sparse one, and refuses use after finish', () => {
    const full = new FrameWriter(8).bytes(new Uint8Array([1, 2, 3, 4, 5, 6]))
    const a = full.finish()
    expect([...a]).toEqual([1, 2, 3, 4, 5, 6])
    expect(a.buffer.byteLength).toBe(8) // the writer's own buffer, not a copy
    expect(() => full.u8(7)).toThrow(/written after finish/)
    expect(() => full.finish()).toThrow(/twice/)
    const sparse = new FrameWriter(1024).u8(9)
    const b = sparse.finish()
    expect([...b]).toEqual([9])
    expect(b.buffer.byteLength).toBe(1) // trimmed: a small frame does not pin 1 KiB
  })

  it('a grown frame comes out at its exact length, and the growth buffer it gave back never shows in an earlier frame', () => {
    const pattern = (n: number, salt: number) => Uint8Array.from({ length: n }, (_, i) => (i * 31 + salt) & 255)
    // Two writers growing at once, interleaved: each must keep its own bytes.
    const a = new FrameWriter(4)
    const b = new FrameWriter(4)
    for (let k = 0; k < 40; k++) {
      a.bytes(pattern(5000, k))
      b.bytes(pattern(3000, k + 100))
    }
    const fa = a.finish()
    expect(fa.length).toBe(200_000)
    expect(fa.buffer.byteLength).toBe(200_000)
    const fb = b.finish()
    // Later writers reuse the given-back buffers; the finished frames must not change.
    const c = new FrameWriter(4)
    for (let k = 0; k < 80; k++) c.bytes(new Uint8Array(5000).fill(0xee))
    expect(c.finish().every((x) => x === 0xee)).toBe(true)
    for (let k = 0; k < 40; k++) {
      expect(fa.subarray(k * 5000, (k + 1) * 5000)).toEqual(pattern(5000, k))
      expect(fb.subarray(k * 3000, (k + 1) * 3000)).toEqual(pattern(3000, k + 100))
    }
  })
})
