/**
 * Per-chunk compression for the chunk data CDC strategies send: none, zstd:<level> (libzstd through
 * @mongodb-js/zstd's native bindings, the way harness/zstd.ts calls it: the package's JS wrapper drops the
 * level, the bindings keep it) or gzip:<level> (fflate's deflate, gzip's algorithm without its 18-byte
 * member header, which would be paid per chunk). Levels are real in both. A chunk that does not shrink is
 * sent stored, so compression never costs more than the one flag bit per chunk.
 */
import { createRequire } from 'node:module'
import { deflateSync, inflateSync } from 'fflate'
import { ConfigError, WireFormatError } from '../../core/errors.ts'

const zstd = createRequire(import.meta.url)('@mongodb-js/zstd/bindings.js') as {
  compress(data: Buffer, level?: number): Promise<Buffer>
  decompress(data: Buffer): Promise<Buffer>
}

export type ChunkCompression = { readonly codec: 'none' } | { readonly codec: 'zstd' | 'gzip'; readonly level: number }

const LEVELS = { zstd: [1, 22], gzip: [1, 9] } as const

const levels = (codec: 'zstd' | 'gzip'): string[] => Array.from({ length: LEVELS[codec][1] - LEVELS[codec][0] + 1 }, (_, i) => `${codec}:${LEVELS[codec][0] + i}`)
/** Every accepted value, so the option schema refuses anything else before a run starts. */
export const CHUNK_COMPRESSIONS: readonly string[] = ['none', ...levels('zstd'), ...levels('gzip')]

/** Parses `none`, `zstd:<1-22>`, `gzip:<1-9>`, refusing anything else with the accepted forms. */
export function parseChunkCompression(owner: string, text: string): ChunkCompression {
  if (text === 'none') return { codec: 'none' }
  const m = /^(zstd|gzip):(\d+)$/.exec(text)
  const codec = m?.[1] as 'zstd' | 'gzip' | undefined
  const level = Number(m?.[2])
  if (!codec || level < LEVELS[codec][0] || level > LEVELS[codec][1]) {
    throw new ConfigError(`${owner}.compression must be none, zstd:<1-22> or gzip:<1-9>, got "${text}": e.g. --opt ${owner}.compression=zstd:3`)
  }
  return { codec, level }
}

const view = (b: Uint8Array): Buffer => Buffer.from(b.buffer, b.byteOffset, b.length)

/** The chunk as sent: compressed when that is smaller, else the bytes themselves (`packed` false). */
export async function packChunk(c: ChunkCompression, data: Uint8Array): Promise<{ bytes: Uint8Array; packed: boolean }> {
  if (c.codec === 'none' || data.length === 0) return { bytes: data, packed: false }
  const out = c.codec === 'zstd' ? await zstd.compress(view(data), c.level) : deflateSync(data, { level: c.level as 1 })
  return out.length < data.length ? { bytes: out, packed: true } : { bytes: data, packed: false }
}

/** The chunk's bytes back, which must be exactly `length` long (known from the index). */
export async function unpackChunk(who: string, c: ChunkCompression, bytes: Uint8Array, packed: boolean, length: number): Promise<Uint8Array> {
  if (!packed) {
    if (bytes.length !== length) throw new WireFormatError(who, `a stored chunk of ${bytes.length} bytes where the index says ${length}`)
    return bytes
  }
  if (c.codec === 'none') throw new WireFormatError(who, 'a compressed chunk, but compression is none')
  let out: Uint8Array
  try {
    // inflate writes into a buffer of the length the index gives, so a forged stream cannot make it grow.
    out = c.codec === 'zstd' ? await zstd.decompress(view(bytes)) : inflateSync(bytes, { out: new Uint8Array(length) })
  } catch (err) {
    throw new WireFormatError(who, `a ${c.codec} chunk does not decode: ${(err as Error).message}`)
  }
  if (out.length !== length) throw new WireFormatError(who, `a ${c.codec} chunk decodes to ${out.length} bytes where the index says ${length}`)
  return out
}
