import { brotliCompressSync, brotliDecompressSync, constants, deflateRawSync, inflateRawSync } from 'node:zlib'
import { zstdCompress, zstdDecompress } from './zstd.ts'
import { ConfigError, WireFormatError } from '../core/errors.ts'
import type { NetworkProfile } from '../core/network-profile.ts'

/**
 * Compression on the channel: a stage every frame passes through on its way across. On the wire each
 * frame becomes one codec byte (which codec, 0 = stored) and the payload; both are counted. Compressing
 * is charged to the side that sends, decompressing to the side that receives.
 */
export type Codec = 'gzip' | 'brotli' | 'zstd'
const CODEC_IDS: Record<Codec, number> = { gzip: 1, brotli: 2, zstd: 3 }
const LEVELS: Record<Codec, [number, number]> = { gzip: [1, 9], brotli: [0, 11], zstd: [1, 22] }

export type CompressionSpec = { kind: 'none' } | { kind: 'fixed'; codec: Codec; level: number } | { kind: 'adaptive' }

/** Parses `none`, `gzip:6`, `brotli:4`, `zstd:3`, `zstd` (level 3), `adaptive`. */
export function parseCompression(text: string): CompressionSpec {
  if (text === 'none') return { kind: 'none' }
  if (text === 'adaptive') return { kind: 'adaptive' }
  const [codec, levelText] = text.split(':') as [string, string | undefined]
  if (!(codec in CODEC_IDS)) throw new ConfigError(`--compress ${text}: choose none, adaptive, or gzip|brotli|zstd[:level]`)
  const c = codec as Codec
  const [lo, hi] = LEVELS[c]
  const level = levelText === undefined ? { gzip: 6, brotli: 4, zstd: 3 }[c] : Number(levelText)
  if (!Number.isInteger(level) || level < lo || level > hi) throw new ConfigError(`--compress ${text}: ${c} levels run from ${lo} to ${hi}`)
  return { kind: 'fixed', codec: c, level }
}

export function compressionName(spec: CompressionSpec): string {
  return spec.kind === 'fixed' ? `${spec.codec}:${spec.level}` : spec.kind
}

async function encodeWith(codec: Codec, level: number, b: Uint8Array): Promise<Uint8Array> {
  switch (codec) {
    case 'gzip':
      return deflateRawSync(b, { level })
    case 'brotli':
      return brotliCompressSync(b, { params: { [constants.BROTLI_PARAM_QUALITY]: level, [constants.BROTLI_PARAM_SIZE_HINT]: b.length } })
    case 'zstd':
      return zstdCompress(b, level)
  }
}

/** Order-0 entropy of a sample, bits per byte: near 8 means compression will not pay. */
export function sampleEntropy(b: Uint8Array, sample = 4096): number {
  const counts = new Uint32Array(256)
  const step = Math.max(1, Math.floor(b.length / sample))
  let n = 0
  for (let i = 0; i < b.length; i += step) {
    counts[b[i]!]!++
    n++
  }
  let h = 0
  for (let k = 0; k < 256; k++) {
    const c = counts[k]!
    if (c) h -= (c / n) * Math.log2(c / n)
  }
  return h
}

/** Frames shorter than this are sent stored by `adaptive`: a codec's header would eat the gain. */
const ADAPTIVE_MIN_FRAME = 128
/** Order-0 entropy (bits/byte) above which `adaptive` does not try: random or compressed data. */
const ADAPTIVE_MAX_ENTROPY = 7.5

/**
 * Which codec and level `adaptive` uses on a link: on slow links bytes are dear, so compress hard; on fast
 * ones CPU is the bottleneck, so compress lightly.
 */
export function adaptiveChoice(p: NetworkProfile, direction: 'down' | 'up'): { codec: Codec; level: number } {
  const bps = direction === 'down' ? p.downBps : p.upBps
  if (bps <= 20e6) return { codec: 'zstd', level: 12 }
  if (bps <= 200e6) return { codec: 'zstd', level: 6 }
  if (bps <= 2e9) return { codec: 'zstd', level: 3 }
  return { codec: 'zstd', level: 1 }
}

export class FrameCodec {
  constructor(
    readonly spec: CompressionSpec,
    private readonly profile: NetworkProfile,
  ) {}

  /** The frame as it goes on the wire: a codec byte and the payload (stored when compression loses). */
  async encode(b: Uint8Array, direction: 'down' | 'up'): Promise<Uint8Array> {
    let choice: { codec: Codec; level: number } | undefined
    if (this.spec.kind === 'fixed') choice = this.spec
    else if (this.spec.kind === 'adaptive' && b.length >= ADAPTIVE_MIN_FRAME && sampleEntropy(b) <= ADAPTIVE_MAX_ENTROPY) choice = adaptiveChoice(this.profile, direction)
    if (choice) {
      const z = await encodeWith(choice.codec, choice.level, b)
      if (z.length < b.length) {
        const out = new Uint8Array(1 + z.length)
        out[0] = CODEC_IDS[choice.codec]
        out.set(z, 1)
        return out
      }
    }
    const out = new Uint8Array(1 + b.length)
    out.set(b, 1)
    return out
  }

  /** Back to the frame; `maxLength` bounds what a decompressor may allocate (a forged stream cannot balloon). */
  async decode(wire: Uint8Array, maxLength: number): Promise<Uint8Array> {
    if (wire.length === 0) throw new WireFormatError('channel', 'empty compressed frame')
    const payload = wire.subarray(1)
    try {
      switch (wire[0]) {
        case 0:
          return payload
        case 1:
          return inflateRawSync(payload, { maxOutputLength: maxLength })
        case 2:
          return brotliDecompressSync(payload, { maxOutputLength: maxLength })
        case 3: {
          const out = await zstdDecompress(payload)
          if (out.length > maxLength) throw new Error(`decompressed to ${out.length} bytes, more than ${maxLength}`)
          return out
        }
        default:
          throw new Error(`unknown codec byte ${wire[0]}`)
      }
    } catch (err) {
      if (err instanceof WireFormatError) throw err
      throw new WireFormatError('channel', `frame does not decompress: ${(err as Error).message}`)
    }
  }
}
