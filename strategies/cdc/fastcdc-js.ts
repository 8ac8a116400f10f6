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

const TWO32 = 4294967296

interface Halves {
  readonly hi: number
  readonly lo: number
}
const halves = (m: bigint): Halves => ({ hi: Number(m >> 32n), lo: Number(m & 0xffffffffn) })

/** A FastCDC chunker of the 2016 or 2020 form in JavaScript. */
export class FastCdcJs implements Chunker {
  readonly name: string
  private readonly gear: GearTable
  private readonly gearLs: GearTable
  private readonly s: Halves
  private readonly l: Halves
  private readonly sLs: Halves
  private readonly lLs: Halves
  private hi = 0
  private lo = 0

  constructor(private readonly p: FastCdcParams) {
    if (p.form === 'ronomon') throw new Error('fastcdc-js: the ronomon form is RonomonChunker')
    this.name = `fastcdc-${p.form}-js`
    const t = gearTables(p.seed)
    this.gear = t.gear
    this.gearLs = t.gearLs
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
    const gHi = this.gear.hi
    const gLo = this.gear.lo
    let hi = 0
    let lo = 0
    let i = start + this.p.min
    for (let phase = 0; phase < 2; phase++) {
      const m = phase === 0 ? this.s : this.l
      const mHi = m.hi
      const mLo = m.lo
      const stop = start + (phase === 0 ? center : remaining)
      for (; i < stop; i++) {
        const b = data[i]!
        const sum = ((lo << 1) >>> 0) + gLo[b]!
        hi = (((hi << 1) | (lo >>> 31)) + gHi[b]! + (sum >= TWO32 ? 1 : 0)) >>> 0
        lo = sum >>> 0
        if ((lo & mLo) === 0 && (hi & mHi) === 0) {
          this.hi = hi
          this.lo = lo
          return i - start
        }
      }
    }
    this.hi = hi
    this.lo = lo
    return remaining
  }

  /** Two bytes a step from min rounded down to even; returns the chunk's length. */
  private cut2020(data: Uint8Array, start: number, center: number, remaining: number): number {
    const gHi = this.gear.hi
    const gLo = this.gear.lo
    const lsHi = this.gearLs.hi
    const lsLo = this.gearLs.lo
    let hi = 0
    let lo = 0
    let a = start + (this.p.min & ~1)
    for (let phase = 0; phase < 2; phase++) {
      const m = phase === 0 ? this.s : this.l
      const mls = phase === 0 ? this.sLs : this.lLs
      const stop = start + ((phase === 0 ? center : remaining) & ~1)
      for (; a < stop; a += 2) {
        const b0 = data[a]!
        let sum = ((lo << 2) >>> 0) + lsLo[b0]!
        hi = (((hi << 2) | (lo >>> 30)) + lsHi[b0]! + (sum >= TWO32 ? 1 : 0)) >>> 0
        lo = sum >>> 0
        if ((lo & mls.lo) === 0 && (hi & mls.hi) === 0) {
          this.hi = hi
          this.lo = lo
          return a - start
        }
        const b1 = data[a + 1]!
        sum = lo + gLo[b1]!
        hi = (hi + gHi[b1]! + (sum >= TWO32 ? 1 : 0)) >>> 0
        lo = sum >>> 0
        if ((lo & m.lo) === 0 && (hi & m.hi) === 0) {
          this.hi = hi
          this.lo = lo
          return a + 1 - start
        }
      }
    }
    this.hi = hi
    this.lo = lo
    return remaining
  }
}
