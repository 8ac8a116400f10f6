/**
 * The receiver's side of a CDC sync: the new version written into the stage front to back, a chunk at a
 * time, each either a chunk of the committed replica (a copy) or bytes that arrived (a literal); the
 * whole-volume digest is fed as it goes, and the new version's chunk list is gathered for the cache.
 */
import type { ReadonlyVolume, Volume } from '../../core/volume.ts'
import type { StreamDigest } from '../shared/stream-digest.ts'
import type { StrongHasher } from '../shared/strong-hash.ts'
import { CDC_DIGEST_BYTES } from './cdc-options.ts'
import { ChunkListBuilder } from './replica-chunks.ts'
import type { VolumeChunks } from './volume-chunks.ts'

export class ChunkRebuild {
  pos = 0
  matched = 0
  literal = 0
  copies = 0
  readonly list = new ChunkListBuilder()

  /**
   * `inPlace`: the stage still holds the replica from `pos` on (true on a first pass, which writes front to
   * back), so a chunk copied to where it already is needs no write. `hashLiterals`: hash arrived chunks for
   * the cache (its cost is the receiver's only when the cache is on).
   */
  constructor(
    private readonly replica: ReadonlyVolume,
    private readonly staged: Volume,
    private readonly chunks: VolumeChunks,
    private readonly hasher: StrongHasher,
    private readonly digest: StreamDigest,
    private readonly inPlace: boolean,
    private readonly hashLiterals: boolean,
  ) {}

  /** Appends the replica's chunk j. */
  copy(j: number): void {
    const off = this.chunks.offsets[j]!
    const len = this.chunks.offsets[j + 1]! - off
    const bytes = this.replica.read(off, len)
    if (!(this.inPlace && off === this.pos)) this.staged.write(this.pos, bytes)
    this.digest.update(bytes)
    this.list.push(len, this.chunks.hashes.subarray(j * CDC_DIGEST_BYTES, (j + 1) * CDC_DIGEST_BYTES))
    this.pos += len
    this.matched += len
    this.copies++
  }

  /** Appends bytes that arrived. */
  append(bytes: Uint8Array): void {
    this.staged.write(this.pos, bytes)
    this.digest.update(bytes)
    this.list.push(bytes.length, this.hashLiterals ? this.hasher.hash(bytes) : new Uint8Array(CDC_DIGEST_BYTES))
    this.pos += bytes.length
    this.literal += bytes.length
  }

  /** Cuts the stage to what was written and returns the digest of it. */
  finish(): Uint8Array {
    this.staged.truncate(this.pos)
    return this.digest.digest()
  }
}
