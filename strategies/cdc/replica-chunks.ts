/**
 * The receiver's chunks of its replica, kept between syncs in its state: the chunk lengths and full
 * hashes, keyed by the cut rule and by the digest of the volume they describe. A sync reuses them only
 * when the replica's digest, computed afresh, still matches (one hash pass instead of cutting and hashing
 * every chunk), so a replica changed behind the cache is re-chunked, never trusted.
 */
import type { StateStore } from '../../core/strategy.ts'
import type { ReadonlyVolume } from '../../core/volume.ts'
import { CHUNK } from '../../core/volume.ts'
import { FrameReader, FrameWriter } from '../../core/wire.ts'
import { createStreamDigest } from '../shared/stream-digest.ts'
import type { StrongHasher } from '../shared/strong-hash.ts'
import { CDC_DIGEST_BYTES, type CdcParams } from './cdc-options.ts'
import { chunkVolume, type VolumeChunks } from './volume-chunks.ts'

const CACHE_KEY = 'chunks'
const CACHE_VERSION = 1

/** The replica's chunks (from the cache when it still describes the replica) and how many came from it. */
export async function replicaChunks(replica: ReadonlyVolume, p: CdcParams, hasher: StrongHasher, state: StateStore, useCache: boolean): Promise<{ chunks: VolumeChunks; fromCache: number }> {
  const cached = useCache ? loadCache(state, p.key) : undefined
  if (cached && cached.size === replica.size) {
    const d = await createStreamDigest('xxh128')
    for (let at = 0; at < replica.size; at += CHUNK) d.update(replica.read(at, Math.min(CHUNK, replica.size - at)))
    if (sameBytes(d.digest(), cached.digest)) return { chunks: cached.chunks, fromCache: cached.chunks.count }
  }
  return { chunks: chunkVolume(replica, p.make(), p.max, hasher), fromCache: 0 }
}

/** Keeps the chunks of the volume just committed (whose digest is `digest`), or drops the cache. */
export function saveReplicaChunks(state: StateStore, p: CdcParams, useCache: boolean, digest: Uint8Array, chunks: VolumeChunks): void {
  if (!useCache) return void state.delete(CACHE_KEY)
  const w = new FrameWriter(64 + chunks.count * (CDC_DIGEST_BYTES + 3)).u8(CACHE_VERSION)
  const key = new TextEncoder().encode(p.key)
  w.varint(key.length).bytes(key).bytes(digest).varint(chunks.count)
  for (let i = 0; i < chunks.count; i++) w.varint(chunks.offsets[i + 1]! - chunks.offsets[i]!)
  w.bytes(chunks.hashes)
  state.set(CACHE_KEY, w.finish())
}

interface Cached {
  size: number
  digest: Uint8Array
  chunks: VolumeChunks
}

function loadCache(state: StateStore, key: string): Cached | undefined {
  const bytes = state.get(CACHE_KEY)
  if (!bytes) return undefined
  try {
    const r = new FrameReader('cdc chunk cache', bytes)
    if (r.u8() !== CACHE_VERSION) return undefined
    if (new TextDecoder().decode(r.bytes(r.bounded('key length', 256))) !== key) return undefined
    const digest = r.bytes(CDC_DIGEST_BYTES).slice()
    const count = r.bounded('chunk count', Math.floor(r.remaining / (CDC_DIGEST_BYTES + 1)))
    const offsets = new Float64Array(count + 1)
    for (let i = 0; i < count; i++) offsets[i + 1] = offsets[i]! + r.varint()
    const hashes = r.bytes(count * CDC_DIGEST_BYTES).slice()
    r.end()
    return { size: offsets[count]!, digest, chunks: { count, offsets, hashes } }
  } catch {
    return undefined // a cache that does not decode is only a lost cache: chunk the replica again
  }
}

/** Byte equality of two digests. */
export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false
  return true
}

/** The chunk list of the volume being rebuilt, gathered chunk by chunk as the receiver writes it. */
export class ChunkListBuilder {
  private offsets: number[] = [0]
  private hashes: Uint8Array[] = []

  push(length: number, fullHash: Uint8Array): void {
    this.offsets.push(this.offsets[this.offsets.length - 1]! + length)
    this.hashes.push(fullHash)
  }

  finish(): VolumeChunks {
    const hashes = new Uint8Array(this.hashes.length * CDC_DIGEST_BYTES)
    this.hashes.forEach((h, i) => hashes.set(h, i * CDC_DIGEST_BYTES))
    return { count: this.hashes.length, offsets: Float64Array.from(this.offsets), hashes }
  }
}
