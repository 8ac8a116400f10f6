import type { ReadonlyVolume } from '../../core/volume.ts'
import { blockCount } from './block-stream.ts'
import type { StrongHasher } from './strong-hash.ts'

/**
 * Volume bytes hashed per batch: half of a file volume's 1 MiB read-ahead window, so a batch is a view of
 * that window (one system call per MiB, no fresh array per batch), and a memory volume's batch is a view.
 */
const BATCH_BYTES = 512 << 10

/**
 * The full strong digests of a volume's blocks, asked for one block at a time but computed a batch of
 * consecutive blocks at a time (one hasher call for up to 512 KiB of blocks, StrongHasher.hashBlocks):
 * at 512 B a call per block cost more than the hashing. Reading in increasing order, as the hash lists
 * and the block diff do, every block is hashed once.
 */
export class BlockHashes {
  private first = 0
  private count = 0
  private readonly perBatch: number
  private readonly digests: Uint8Array
  private readonly blocks: number

  constructor(
    readonly volume: ReadonlyVolume,
    private readonly blockSize: number,
    readonly hasher: StrongHasher,
  ) {
    this.blocks = blockCount(volume.size, blockSize)
    this.perBatch = Math.max(1, Math.min(this.blocks, Math.floor(BATCH_BYTES / blockSize)))
    this.digests = new Uint8Array(this.perBatch * hasher.digestLength)
  }

  /** Block `index`'s full digest: a view, valid until the next call. */
  of(index: number): Uint8Array {
    const at = this.locate(index)
    return this.digests.subarray(at, at + this.hasher.digestLength)
  }

  /** The digest batch `locate` points into (valid until the next call). */
  get buffer(): Uint8Array {
    return this.digests
  }

  /** Where block `index`'s digest starts in `buffer`, its batch hashed if need be: no view made (at 512 B a view per block cost a fifth of the hashing). */
  locate(index: number): number {
    if (index < this.first || index >= this.first + this.count) this.fill(index)
    return (index - this.first) * this.hasher.digestLength
  }

  /** The first `len` bytes of the digests of blocks [first, first + count), one after another, into out from outAt. */
  copyTruncated(first: number, count: number, len: number, out: Uint8Array, outAt: number): void {
    if (len === this.hasher.digestLength) {
      // Whole digests: a batch's worth at a time.
      for (let i = 0; i < count; ) {
        const at = this.locate(first + i)
        const n = Math.min(count - i, this.first + this.count - (first + i))
        out.set(this.digests.subarray(at, at + n * len), outAt + i * len)
        i += n
      }
      return
    }
    for (let i = 0; i < count; i++) {
      const at = this.locate(first + i)
      const to = outAt + i * len
      const d = this.digests
      for (let k = 0; k < len; k++) out[to + k] = d[at + k]!
    }
  }

  private fill(index: number): void {
    if (!(index >= 0 && index < this.blocks)) throw new RangeError(`block hashes: block ${index} of a volume of ${this.blocks} blocks`)
    const n = Math.min(this.perBatch, this.blocks - index)
    const from = index * this.blockSize
    this.hasher.hashBlocks(this.volume.read(from, Math.min(this.volume.size, from + n * this.blockSize) - from), this.blockSize, this.digests)
    this.first = index
    this.count = n
  }

  /**
   * Every block's full digest, by block index (digestLength bytes each), computed in batches: into `into`
   * when given (at least that long; fresh memory per call cost as much as the hashing at 512 B, see
   * docs/speed.md), into a new array otherwise.
   */
  all(into?: Uint8Array): Uint8Array {
    const d = this.hasher.digestLength
    if (into && into.length < this.blocks * d) throw new RangeError(`block hashes: ${this.blocks} digests of ${d} bytes do not fit a ${into.length}-byte array`)
    const out = into ?? new Uint8Array(this.blocks * d)
    for (let i = 0; i < this.blocks; i += this.perBatch) {
      const from = i * this.blockSize
      const n = Math.min(this.perBatch, this.blocks - i)
      this.hasher.hashBlocks(this.volume.read(from, Math.min(this.volume.size, from + n * this.blockSize) - from), this.blockSize, out, i * d)
    }
    return out
  }
}
