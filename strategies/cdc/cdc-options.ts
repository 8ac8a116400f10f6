/**
 * The options cdc-index and cdc-reverse share, declared once, and the chunking parameters a cell runs
 * with once they are checked. The sweep's block size is the AVERAGE chunk size; min and max default to
 * avg/4 and avg·4, casync's rule.
 */
import { ConfigError } from '../../core/errors.ts'
import { checkOptions, defineOptions, type OptionsOf } from '../../core/options.ts'
import { blockSizeOption } from '../../core/strategy.ts'
import { CasyncChunker } from './casync-chunker.ts'
import type { Chunker } from './chunker.ts'
import { FastCdcJs } from './fastcdc-js.ts'
import { FastCdcWasm } from './fastcdc-kernel.ts'
import { fastCdcParams, FASTCDC_OPTIONS } from './fastcdc-options.ts'
import { RonomonChunker } from './ronomon.ts'
import { CHUNK_COMPRESSIONS, parseChunkCompression, type ChunkCompression } from './chunk-codec.ts'

export const CDC_CHUNKERS = ['v2020', 'v2016', 'ronomon', 'casync'] as const
export type CdcChunkerName = (typeof CDC_CHUNKERS)[number]

/** The average sizes a chunker here accepts (FastCDC's range): a swept block size outside it is clamped. */
export const CDC_AVG_MIN = FASTCDC_OPTIONS.avg.min
export const CDC_AVG_MAX = FASTCDC_OPTIONS.avg.max
/** Most bytes of xxh128 a chunk hash may keep on the wire. */
export const CDC_DIGEST_BYTES = 16

export const CDC_OPTIONS = defineOptions({
  blockSize: blockSizeOption(`the AVERAGE chunk size (avg), clamped to ${CDC_AVG_MIN} B–4 MiB (the row's effective_block_size); min and max default to avg/4 and avg·4 as casync does`, 16384),
  chunker: { type: 'enum', choices: CDC_CHUNKERS, default: 'v2020', description: 'v2020: FastCDC two bytes a step (WASM kernel); v2016: FastCDC one byte a step (JS); ronomon: the 31-bit JS variant; casync: buzhash over 48 bytes, casync\'s cut rule' },
  min: { type: 'size', words: ['auto'], default: 'auto', min: 64, max: 1 << 20, description: 'smallest chunk: auto = avg/4 (at least 64 B); must be ≤ avg' },
  max: { type: 'size', words: ['auto'], default: 'auto', min: 1024, max: 16 << 20, description: 'largest chunk: auto = avg·4 (at least 1 KiB); must be ≥ avg' },
  normalization: { type: 'number', integer: true, default: 1, min: 0, max: 3, description: 'FastCDC normalised chunking level (v2016, v2020; ronomon is fixed at 1; casync has none and takes only 1)' },
  hashBytes: { type: 'number', words: ['auto'], integer: true, default: 'auto', min: 1, max: CDC_DIGEST_BYTES, description: 'xxh128 bytes per chunk on the wire: auto keeps a false match in a sync under 2^-40 (n·m chunk pairs); a miss is caught by the whole-volume digest and repaired with full hashes' },
  compression: { type: 'enum', choices: CHUNK_COMPRESSIONS, default: 'none', description: 'per-chunk compression of the chunk data sent: none, zstd:<1-22> or gzip:<1-9> (real levels; a chunk that does not shrink goes stored); CPU charged to the side that does it' },
  cache: { type: 'boolean', default: true, description: 'keep the replica\'s chunk lengths and hashes in the receiver\'s state, reused when the replica\'s digest still matches' },
})
export type CdcOptions = OptionsOf<typeof CDC_OPTIONS>

/** Checked parameters: the sizes the chunker cuts with and what makes one. */
export interface CdcParams {
  readonly chunker: CdcChunkerName
  readonly min: number
  readonly avg: number
  readonly max: number
  readonly normalization: number
  readonly compression: ChunkCompression
  /** Identifies the cut rule, so a cache or a peer made with other parameters is never used. */
  readonly key: string
  /** A chunker for one synchronous pass over a volume (the v2020 kernel is reused across passes: FastCdcWasm.reused). */
  make(): Chunker
}

const clamp = (v: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, v))

/** The options checked (ranges, then min ≤ avg ≤ max and the chunker's own rules) and resolved for a cell. */
export function cdcParams(owner: string, o: CdcOptions): CdcParams {
  checkOptions(owner, CDC_OPTIONS, o)
  const avg = clamp(o.blockSize, CDC_AVG_MIN, CDC_AVG_MAX)
  const min = o.min === 'auto' ? Math.max(64, avg >> 2) : o.min
  const max = o.max === 'auto' ? Math.max(1024, avg * 4) : o.max
  if (!(min <= avg && avg <= max)) {
    throw new ConfigError(`${owner}: chunk sizes must satisfy min ≤ avg ≤ max, got ${min} / ${avg} / ${max} (avg is the block size): set ${owner}.min and ${owner}.max to auto, or choose block sizes between them`)
  }
  const compression = parseChunkCompression(owner, o.compression)
  const key = `${o.chunker}/${min}/${avg}/${max}/${o.normalization}`
  if (o.chunker === 'casync') {
    if (o.normalization !== 1) throw new ConfigError(`${owner}: the casync chunker has no normalisation level, got ${o.normalization}: leave ${owner}.normalization at 1`)
    const opts = { min, avg, max }
    return { chunker: o.chunker, min, avg, max, normalization: 1, compression, key, make: () => new CasyncChunker(owner, opts) }
  }
  const p = fastCdcParams(owner, { form: o.chunker, min, avg, max, normalization: o.normalization, seed: 0 })
  const make = o.chunker === 'v2020' ? () => FastCdcWasm.reused(p) : o.chunker === 'v2016' ? () => new FastCdcJs(p) : () => new RonomonChunker(p)
  return { chunker: o.chunker, min, avg, max, normalization: o.normalization, compression, key, make }
}

/**
 * Hash bytes that keep the chance of any false match among n·m chunk pairs under 2^-40 (each pair matches
 * falsely with probability 2^-8b): b = ceil((log2(n·m) + 40) / 8), at most the full 16.
 */
export function hashBytesFor(o: CdcOptions, n: number, m: number): number {
  if (o.hashBytes !== 'auto') return o.hashBytes
  const pairs = Math.max(1, n) * Math.max(1, m)
  return Math.min(CDC_DIGEST_BYTES, Math.ceil((Math.log2(pairs) + 40) / 8))
}
