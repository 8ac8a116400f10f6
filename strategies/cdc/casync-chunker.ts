/**
 * casync's chunker: a buzhash over a 48-byte window, restarted at every cut. The window's hash is
 * h = XOR of rol(T[byte], distance from the window's end); sliding one byte is
 * h' = rol(h, 1) ^ rol(T[leaving], 48) ^ T[entering] (rotations mod 32, so 48 is 16). A chunk ends
 * after the byte where its length reaches max, or, from min on, where h mod d = d − 1, with the
 * discriminator d = avg / (1.33237515 − 1.42888852e-7·avg) (casync's fit: the raw test gives chunks
 * ~1.32× too large) clamped to [min, max]. Chunks shorter than the window are never cut.
 * min = avg = max is casync's fixed-size mode.
 */
import { ConfigError } from '../../core/errors.ts'
import { checkOptions, defineOptions, type OptionsOf } from '../../core/options.ts'
import type { Chunker } from './chunker.ts'
import { CASYNC_BUZHASH_TABLE } from './casync-buzhash-table.ts'

export const CASYNC_WINDOW = 48
/** casync's bounds on any chunk size (CA_CHUNK_SIZE_LIMIT_MIN/MAX). */
const LIMIT_MAX = 128 << 20

export const CASYNC_CHUNKER_OPTIONS = defineOptions({
  min: { type: 'size', default: 16384, min: 1, max: LIMIT_MAX, description: 'smallest chunk (but the last); casync\'s default is avg/4' },
  avg: { type: 'size', default: 65536, min: 1, max: LIMIT_MAX, description: 'the average chunk size casync aims at (its default 64 KiB)' },
  max: { type: 'size', default: 262144, min: 1, max: LIMIT_MAX, description: 'largest chunk; casync\'s default is avg·4' },
})
export type CasyncChunkerOptions = OptionsOf<typeof CASYNC_CHUNKER_OPTIONS>

/** casync's discriminator for an average size, clamped to [min, max] as casync does. */
export function casyncDiscriminator(min: number, avg: number, max: number): number {
  const d = Math.floor(avg / (-1.42888852e-7 * avg + 1.33237515))
  return Math.min(max, Math.max(min, d))
}

const rol = (x: number, r: number): number => ((x << (r & 31)) | (x >>> (-r & 31))) >>> 0

export class CasyncChunker implements Chunker {
  readonly name = 'casync-buzhash-js'
  readonly discriminator: number
  private hash = 0
  private readonly min: number
  private readonly max: number
  private readonly fixed: boolean
  /** T rotated by the window length, the leaving byte's term, so the loop does one rotation less. */
  private readonly leaving = new Int32Array(256)
  private readonly table = new Int32Array(CASYNC_BUZHASH_TABLE)

  constructor(owner: string, opts: CasyncChunkerOptions) {
    checkOptions(owner, CASYNC_CHUNKER_OPTIONS, opts)
    const { min, avg, max } = opts
    if (!(min <= avg && avg <= max)) throw new ConfigError(`${owner}: chunk sizes must satisfy min ≤ avg ≤ max, got ${min} / ${avg} / ${max}: casync's own rule is min = avg/4, max = avg·4`)
    this.min = min
    this.max = max
    this.fixed = min === avg && avg === max
    this.discriminator = casyncDiscriminator(min, avg, max)
    for (let i = 0; i < 256; i++) this.leaving[i] = rol(CASYNC_BUZHASH_TABLE[i]!, CASYNC_WINDOW)
  }

  lastHash(): bigint {
    return BigInt(this.hash >>> 0)
  }

  cut(data: Uint8Array, start: number, end: number): number {
    this.hash = 0
    const n = end - start
    if (this.fixed) return Math.min(n, this.max)
    if (n <= CASYNC_WINDOW) return n
    const t = this.table
    let h = 0
    for (let i = 0; i < CASYNC_WINDOW; i++) h ^= rol(t[data[start + i]!]!, CASYNC_WINDOW - 1 - i)
    const d = this.discriminator
    const min = this.min
    const stop = start + Math.min(n, this.max)
    // (h mod d) with h unsigned; the window's first hash is tested like every later one.
    if (CASYNC_WINDOW >= this.max || (CASYNC_WINDOW >= min && (h >>> 0) % d === d - 1)) return this.done(h, CASYNC_WINDOW)
    return this.roll(data, start, start + CASYNC_WINDOW, stop, h | 0, min, d)
  }

  /** Slides the window from p (the first byte not yet in it) to stop; returns the chunk length. */
  private roll(data: Uint8Array, start: number, p: number, stop: number, h: number, min: number, d: number): number {
    const t = this.table
    const leaving = this.leaving
    const minAt = start + min
    for (; p < stop; p++) {
      h = ((h << 1) | (h >>> 31)) ^ leaving[data[p - CASYNC_WINDOW]!]! ^ t[data[p]!]!
      if (p + 1 >= minAt && (h >>> 0) % d === d - 1) return this.done(h, p + 1 - start)
    }
    return this.done(h, stop - start)
  }

  private done(h: number, length: number): number {
    this.hash = h >>> 0
    return length
  }
}
