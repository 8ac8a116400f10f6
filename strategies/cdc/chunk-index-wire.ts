/**
 * A chunk index as one payload (sent in pieces, cdc-frames.ts): the cut rule's key (both ends must cut
 * alike), the hash bytes kept, the volume size, the chunk count, each chunk's length (cdc-index's index;
 * cdc-reverse's receiver leaves them out, its peer only names its chunks), each chunk's truncated hash,
 * and, from a sender, the whole volume's digest.
 */
import { FrameReader, FrameWriter } from '../../core/wire.ts'
import { CDC_DIGEST_BYTES } from './cdc-options.ts'
import type { VolumeChunks } from './volume-chunks.ts'

export interface ChunkIndex {
  readonly key: string
  readonly hashBytes: number
  readonly size: number
  readonly count: number
  /** Chunk offsets (count + 1 entries) when lengths were sent, else undefined. */
  readonly offsets: Float64Array | undefined
  /** Truncated hashes, hashBytes apart. */
  readonly hashes: Uint8Array
  /** The whole volume's xxh128, when sent. */
  readonly digest: Uint8Array | undefined
}

export function encodeIndex(key: string, hashBytes: number, size: number, c: VolumeChunks, withLengths: boolean, digest?: Uint8Array): Uint8Array {
  const k = new TextEncoder().encode(key)
  const w = new FrameWriter(64 + c.count * (hashBytes + (withLengths ? 3 : 0)))
  w.varint(k.length).bytes(k).u8(hashBytes).varint(size).varint(c.count).u8((withLengths ? 1 : 0) | (digest ? 2 : 0))
  if (withLengths) for (let i = 0; i < c.count; i++) w.varint(c.offsets[i + 1]! - c.offsets[i]!)
  for (let i = 0; i < c.count; i++) w.bytes(c.hashes.subarray(i * CDC_DIGEST_BYTES, i * CDC_DIGEST_BYTES + hashBytes))
  if (digest) w.bytes(digest)
  return w.finish()
}

/** The index back; every count and length is bounded by what the payload holds. */
export function decodeIndex(who: string, payload: Uint8Array): ChunkIndex {
  const r = new FrameReader(who, payload)
  const key = new TextDecoder().decode(r.bytes(r.bounded('key length', 256)))
  const hashBytes = r.u8()
  if (hashBytes < 1 || hashBytes > CDC_DIGEST_BYTES) r.fail(`hash bytes ${hashBytes} outside 1 to ${CDC_DIGEST_BYTES}`)
  const size = r.varint()
  const count = r.bounded('chunk count', Math.floor(r.remaining / hashBytes))
  const flags = r.u8()
  let offsets: Float64Array | undefined
  if (flags & 1) {
    offsets = new Float64Array(count + 1)
    for (let i = 0; i < count; i++) {
      const n = r.varint()
      if (n < 1) r.fail(`chunk ${i} of length 0`)
      offsets[i + 1] = offsets[i]! + n
    }
    if (offsets[count] !== size) r.fail(`chunk lengths add up to ${offsets[count]}, not the size ${size}`)
  }
  const hashes = r.bytes(count * hashBytes)
  const digest = flags & 2 ? r.bytes(CDC_DIGEST_BYTES) : undefined
  r.end()
  return { key, hashBytes, size, count, offsets, hashes, digest }
}
