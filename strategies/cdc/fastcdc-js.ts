/**
 * FastCDC in plain JavaScript: the 2016 form (one byte a step: hash = (hash << 1) + gear[byte]; the
 * small mask before the average size, the large one after; nothing hashed before min) and the 2020
 * form (two bytes a step: (hash << 2) + gearLs[a], tested against the small mask shifted left, then
 * + gear[b], tested against the mask; the same cut points). The 64-bit hash is kept as two 32-bit
 * halves in locals, so the loops allocate nothing. These are the reference the WASM kernel is tested
 * against and the "plain JS loop" of bench:primitives.
 *
 * Cut rule (the fastcdc crate's, which the vectors check): a match at byte i of the chunk ends the
 * chunk before byte i (length i); the 2020 form tests pairs from min rounded down to even, so with an
 * odd bound it can step over the last byte the 2016 form would test (see test/fastcdc.test.ts).
 */
import type { Chunker } from './chunker.ts'
import { gearTables, type GearTable } from './gear-table.ts'
import type { FastCdcParams } from './fastcdc-options.ts'

interface Halves {
  readonly hi: number
  readonly lo: number
}
const halves = (m: bigint): Halves => ({ hi: Number(m >> 32n) | 0, lo: Number(m & 0xffffffffn) | 0 })

interface SignedTable {
  readonly hi: Int32Array
  readonly lo: Int32Array
}
/** The table's halves as int32, so the loops stay in small integers. */
const signed = (t: GearTable): SignedTable => ({ hi: new Int32Array(t.hi), lo: new Int32Array(t.lo) })

/** A FastCDC chunker of the 2016 or 2020 form in JavaScript. */
export class FastCdcJs implements Chunker {
  readonly name: string
  readonly gear: SignedTable
  readonly gearLs: SignedTable
  private readonly s: Halves
  private readonly l: Halves
  private readonly sLs: Halves
  private readonly lLs: Halves
  private hi = 0
  private lo = 0
  /** A scan's result: hash hi, lo, and 1 when it matched. */
  readonly out = new Int32Array(3)

  constructor(private readonly p: FastCdcParams) {
    if (p.form === 'ronomon') throw new Error('fastcdc-js: the ronomon form is RonomonChunker')
    this.name = `fastcdc-${p.form}-js`
    const t = gearTables(p.seed)
    this.gear = signed(t.gear)
    this.gearLs = signed(t.gearLs)
    this.s = halves(p.maskS)
    this.l = halves(p.maskL)
    this.sLs = halves(p.maskS << 1n)
    this.lLs = halves(p.maskL << 1n)
  }

  lastHash(): bigint {
    return (BigInt(this.hi >>> 0) << 32n) | BigInt(this.lo >>> 0)
  }

  cut(data: Uint8Array, start: number, end: number): number {
    let remaining = end - start
    this.hi = this.lo = 0
    if (remaining <= this.p.min) return remaining
    let center = this.p.avg
    if (remaining > this.p.max) remaining = this.p.max
    else if (remaining < center) center = remaining
    return this.p.form === 'v2016' ? this.cut2016(data, start, center, remaining) : this.cut2020(data, start, center, remaining)
  }

  /** One byte a step from min; returns the chunk's length. */
  private cut2016(data: Uint8Array, start: number, center: number, remaining: number): number {
    const i = scan2016(data, start + this.p.min, start + center, this.gear, this.s, this.out, 0)
    const at = this.out[2] === 1 ? i : scan2016(data, i, start + remaining, this.gear, this.l, this.out, 1)
    this.hi = this.out[0]!
    this.lo = this.out[1]!
    return (this.out[2] === 1 ? at : start + remaining) - start
  }

  /** Two bytes a step from min rounded down to even; returns the chunk's length. */
  private cut2020(data: Uint8Array, start: number, center: number, remaining: number): number {
    const a = scan2020(data, start + (this.p.min & ~1), start + (center & ~1), this, this.s, this.sLs, 0)
    const at = this.out[2] === 1 ? a : scan2020(data, a, start + (remaining & ~1), this, this.l, this.lLs, 1)
    this.hi = this.out[0]!
    this.lo = this.out[1]!
    return (this.out[2] === 1 ? at : start + remaining) - start
  }

}

/**
 * Hashes data[i, stop) one byte a step from the hash in out (reset when `phase` is 0); stops at the
 * first byte whose hash has no bit of the mask set (out[2] = 1, returns its index) or at stop.
 * A free function with every value in a local: V8 keeps the loop in int32 registers.
 */
function scan2016(data: Uint8Array, i: number, stop: number, gear: SignedTable, mask: Halves, out: Int32Array, phase: number): number {
  const gHi = gear.hi
  const gLo = gear.lo
  const mHi = mask.hi
  const mLo = mask.lo
  let hi = phase === 0 ? 0 : out[0]!
  let lo = phase === 0 ? 0 : out[1]!
  out[2] = 0
  for (; i < stop; i++) {
    const b = data[i]!
    const g = gLo[b]!
    const sum = ((lo << 1) + g) | 0
    // int32 throughout (no heap numbers): the low half overflowed iff it came out below what was added.
    hi = (((hi << 1) | (lo >>> 31)) + gHi[b]! + ((sum >>> 0) < (g >>> 0) ? 1 : 0)) | 0
    lo = sum
    if ((lo & mLo) === 0 && (hi & mHi) === 0) {
      out[2] = 1
      break
    }
  }
  out[0] = hi
  out[1] = lo
  return i
}

/** The 2020 form of scan2016: a pair a step from a (even from the chunk start) to stop; returns the matching byte's index. */
function scan2020(data: Uint8Array, a: number, stop: number, t: FastCdcJs, mask: Halves, maskLs: Halves, phase: number): number {
  const out = t.out
  const gHi = t.gear.hi
  const gLo = t.gear.lo
  const lsHi = t.gearLs.hi
  const lsLo = t.gearLs.lo
  const mHi = mask.hi
  const mLo = mask.lo
  const lHi = maskLs.hi
  const lLo = maskLs.lo
  let hi = phase === 0 ? 0 : out[0]!
  let lo = phase === 0 ? 0 : out[1]!
  out[2] = 0
  for (; a < stop; a += 2) {
    const b0 = data[a]!
    let g = lsLo[b0]!
    let sum = ((lo << 2) + g) | 0
    hi = (((hi << 2) | (lo >>> 30)) + lsHi[b0]! + ((sum >>> 0) < (g >>> 0) ? 1 : 0)) | 0
    lo = sum
    if ((lo & lLo) === 0 && (hi & lHi) === 0) {
      out[2] = 1
      break
    }
    const b1 = data[a + 1]!
    g = gLo[b1]!
    sum = (lo + g) | 0
    hi = (hi + gHi[b1]! + ((sum >>> 0) < (g >>> 0) ? 1 : 0)) | 0
    lo = sum
    if ((lo & mLo) === 0 && (hi & mHi) === 0) {
      out[2] = 1
      a++
      break
    }
  }
  out[0] = hi
  out[1] = lo
  return a
}
