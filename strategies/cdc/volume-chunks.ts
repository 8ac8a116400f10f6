/**
 * A volume cut into chunks with a content-defined chunker: every chunk's length and full xxh128, read in
 * windows so a file-backed volume is never on the heap whole. Chunks are hashed from the window they were
 * cut in, so each byte is read once.
 */
import type { ReadonlyVolume } from '../../core/volume.ts'
import type { StrongHasher } from '../shared/strong-hash.ts'
import type { StreamDigest } from '../shared/stream-digest.ts'
import type { Chunker } from './chunker.ts'
import { CDC_DIGEST_BYTES } from './cdc-options.ts'

export interface VolumeChunks {
  readonly count: number
  /** Chunk i is [offsets[i], offsets[i + 1]); offsets has count + 1 entries, the last the volume size. */
  readonly offsets: Float64Array
  /** The full xxh128 of chunk i at hashes[i·16, i·16 + 16). */
  readonly hashes: Uint8Array
}

/** Window read at a time: big enough that refills are rare, and always at least two largest chunks. */
const WINDOW = 8 << 20

/** Cuts and hashes the whole volume; `digest`, when given, is fed the volume's bytes in order. */
export function chunkVolume(vol: ReadonlyVolume, chunker: Chunker, max: number, hasher: StrongHasher, digest?: StreamDigest): VolumeChunks {
  const size = vol.size
  const window = Math.max(WINDOW, 2 * max)
  let offsets = new Float64Array(Math.max(16, Math.ceil(size / Math.max(1, max >> 4)) + 2))
  let hashes = new Uint8Array(offsets.length * CDC_DIGEST_BYTES)
  let count = 0
  let from = 0
  let win = vol.read(0, Math.min(window, size))
  digest?.update(win)
  for (let p = 0; p < size; ) {
    if (from + win.length < size && from + win.length - p < max) {
      // Less than a largest chunk left in the window: read on from here (the digest gets only the new bytes).
      const fed = from + win.length
      from = p
      win = vol.read(p, Math.min(window, size - p))
      digest?.update(win.subarray(fed - from))
    }
    const n = chunker.cut(win, p - from, win.length)
    if (count + 2 > offsets.length) ({ offsets, hashes } = grow(offsets, hashes))
    offsets[count] = p
    // Straight into the list: no 16-byte digest array per chunk.
    hasher.hashBlocks(win.subarray(p - from, p - from + n), n, hashes, count * CDC_DIGEST_BYTES)
    count++
    p += n
  }
  offsets[count] = size
  return { count, offsets: offsets.subarray(0, count + 1), hashes: hashes.subarray(0, count * CDC_DIGEST_BYTES) }
}

function grow(offsets: Float64Array, hashes: Uint8Array): { offsets: Float64Array<ArrayBuffer>; hashes: Uint8Array<ArrayBuffer> } {
  const o = new Float64Array(offsets.length * 2)
  o.set(offsets)
  const h = new Uint8Array(o.length * CDC_DIGEST_BYTES)
  h.set(hashes)
  return { offsets: o, hashes: h }
}

/** Smallest, median (the lower middle of an even count) and largest chunk length; zeros when there is none. */
export function chunkSizeSpread(c: VolumeChunks): { min: number; median: number; max: number } {
  if (c.count === 0) return { min: 0, median: 0, max: 0 }
  const lengths = new Float64Array(c.count)
  for (let i = 0; i < c.count; i++) lengths[i] = c.offsets[i + 1]! - c.offsets[i]!
  lengths.sort()
  return { min: lengths[0]!, median: lengths[(c.count - 1) >> 1]!, max: lengths[c.count - 1]! }
}
