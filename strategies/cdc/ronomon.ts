/**
 * The ronomon variant of FastCDC (the JavaScript reference of the `@ronomon/deduplication` package, as
 * the fastcdc crate reproduces it): a 31-bit gear hash rolled with a right shift (hash = (hash >>> 1) +
 * table[byte], so it never overflows 32 bits), unpadded low-bit masks of avg's bits ± 1, and a switch
 * point that moves earlier as min grows: avg − min·1.5 (rounded up) past min. A match at byte i ends
 * the chunk after byte i.
 */
import type { Chunker } from './chunker.ts'
import { ronomonTable } from './gear-table.ts'
import type { FastCdcParams } from './fastcdc-options.ts'

export class RonomonChunker implements Chunker {
  readonly name = 'fastcdc-ronomon-js'
  private readonly table = ronomonTable()
  private readonly maskS: number
  private readonly maskL: number
  private hash = 0

  constructor(private readonly p: FastCdcParams) {
    this.maskS = Number(p.maskS)
    this.maskL = Number(p.maskL)
  }

  lastHash(): bigint {
    return BigInt(this.hash >>> 0)
  }

  /** Where the strict mask gives way to the eager one, counted from the chunk's start past min. */
  private centerSize(size: number): number {
    const offset = Math.min(this.p.avg, this.p.min + Math.ceil(this.p.min / 2))
    return Math.min(this.p.avg - offset, size)
  }

  cut(data: Uint8Array, start: number, end: number): number {
    let size = end - start
    this.hash = 0
    if (size <= this.p.min) return size
    if (size > this.p.max) size = this.p.max
    const t = this.table
    let hash = 0
    let i = start + this.p.min
    const stops = [start + this.centerSize(size), start + size]
    for (let phase = 0; phase < 2; phase++) {
      const mask = phase === 0 ? this.maskS : this.maskL
      const stop = stops[phase]!
      while (i < stop) {
        hash = ((hash >>> 1) + t[data[i++]!]!) >>> 0
        if ((hash & mask) === 0) {
          this.hash = hash
          return i - start
        }
      }
    }
    this.hash = hash
    return size
  }
}
