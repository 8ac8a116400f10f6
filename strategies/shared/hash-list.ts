import type { Frame, FramePhase } from '../../core/strategy.ts'
import type { ReadonlyVolume } from '../../core/volume.ts'
import { FrameReader, FrameWriter } from '../../core/wire.ts'
import { BlockHashes } from './block-hashes.ts'
import { blockCount, blockLength } from './block-stream.ts'
import { bytesEqual, type StrongHasher } from './strong-hash.ts'

/**
 * The list of block hashes a receiver sends so the sender can find the blocks that differ
 * (fixed-block-compare's signature, snapshot-diff's manifest, self-verify's repair signature): frames of
 *   tag · replica size · block size · [hash length] · first block · count · count hashes
 * with at most HASHES_PER_FRAME hashes each; an empty replica still sends one frame (count 0).
 */
export interface HashListFormat {
  readonly tag: number
  /** The list's name in errors ('signature', 'manifest', …). */
  readonly what: string
  readonly kind: 'signature' | 'manifest'
  readonly phase?: FramePhase
  /** Whether each frame names the hash length (a format with a fixed length may leave it out). */
  readonly namesHashLength: boolean
  /** Most hash bytes a reader accepts: a list claiming more is refused at its first frame. */
  readonly maxBytes?: number
}

/** Block hashes (or rsync-rolling's block sums) per frame, so no frame grows with the volume: 1 MiB of 16-byte hashes. */
export const HASHES_PER_FRAME = 65536

/** The hash of block `index` of a volume. */
export function blockHash(v: ReadonlyVolume, index: number, blockSize: number, hasher: StrongHasher): Uint8Array {
  return hasher.hash(v.read(index * blockSize, blockLength(index, v.size, blockSize)))
}

/** Writes the hash list of a `size`-byte replica, `hashOf(i)` giving block i's hash (its first hashLength bytes are sent). */
export class HashListWriter {
  private next = 0
  private started = false
  private readonly count: number

  constructor(
    private readonly format: HashListFormat,
    private readonly size: number,
    private readonly blockSize: number,
    private readonly hashLength: number,
    /** Block i's hash, or the source's block digests (copied out a frame at a time, no view per block). */
    private readonly hashOf: ((index: number) => Uint8Array) | BlockHashes,
  ) {
    this.count = blockCount(size, blockSize)
  }

  get done(): boolean {
    return this.started && this.next >= this.count
  }

  /** The next frames, until about `budget` bytes are made (at least one while any are left); none once done. */
  frames(budget = Number.POSITIVE_INFINITY): Frame[] {
    const out: Frame[] = []
    let made = 0
    while (!this.done && made < budget) {
      const bytes = this.frame()
      out.push({ bytes, kind: this.format.kind, phase: this.format.phase })
      made += bytes.length
    }
    return out
  }

  private frame(): Uint8Array {
    const first = this.next
    const count = Math.min(HASHES_PER_FRAME, this.count - first)
    const len = this.hashLength
    const w = new FrameWriter(24 + count * len).u8(this.format.tag).varint(this.size).varint(this.blockSize)
    if (this.format.namesHashLength) w.varint(len)
    w.varint(first).varint(count)
    const src = this.hashOf
    if (src instanceof BlockHashes) {
      const body = new Uint8Array(count * len)
      src.copyTruncated(first, count, len, body, 0)
      w.bytes(body)
    } else {
      for (let i = first; i < first + count; i++) w.bytes(src(i).subarray(0, len))
    }
    this.started = true
    this.next = first + count
    return w.finish()
  }
}

/**
 * Assembles a hash list from its frames. The hashes are kept as views of the frames that carried them and
 * joined once all have arrived, so memory follows the bytes actually received, never a size the peer
 * merely claims.
 */
export class HashListReader {
  /** Size of the replica the list describes; -1 until its first frame. */
  size = -1
  private expected = 0
  private have = 0
  private parts: Uint8Array[] = []
  private joined: Uint8Array | undefined
  /** The source's block digests, a batch at a time (differs is asked block by block, in order). */
  private mine: BlockHashes | undefined

  constructor(
    private readonly who: string,
    private readonly format: HashListFormat,
    private readonly blockSize: number,
    private readonly hashLength: number,
  ) {}

  get complete(): boolean {
    return this.size >= 0 && this.have === this.expected
  }

  /** Takes one frame of the list; returns false for a frame of another tag (left to the caller). */
  accept(frame: Uint8Array): boolean {
    if (frame[0] !== this.format.tag) return false
    const r = new FrameReader(this.who, frame)
    r.u8()
    const what = this.format.what
    if (this.complete) r.fail(`a ${what} frame after the whole ${what}`)
    const size = r.varint()
    const bs = r.varint()
    const len = this.format.namesHashLength ? r.varint() : this.hashLength
    if (bs !== this.blockSize || len !== this.hashLength) r.fail(`${what} of block ${bs}/hash ${len} bytes, expected ${this.blockSize}/${this.hashLength}`)
    if (this.size < 0) this.start(r, size)
    else if (size !== this.size) r.fail(`${what} frames disagree on the replica size`)
    const first = r.varint()
    const count = r.varint()
    if (first * len !== this.have) r.fail(`${what} frame starts at block ${first}, expected ${this.have / len}`)
    // A view, checked against the frame's own length: a forged count allocates nothing.
    const hashes = r.bytes(count * len)
    r.end()
    if (this.have + hashes.length > this.expected) r.fail(`more ${what} hashes than the replica has blocks`)
    this.parts.push(hashes)
    this.have += hashes.length
    return true
  }

  private start(r: FrameReader, size: number): void {
    this.expected = blockCount(size, this.blockSize) * this.hashLength
    if (this.format.maxBytes !== undefined && this.expected > this.format.maxBytes) r.fail(`${this.format.what} of a ${size}-byte volume is too large`)
    this.size = size
  }

  /** The whole list: hashLength bytes per block of the replica, by block index (once complete). */
  get hashes(): Uint8Array {
    if (!this.complete) throw new Error(`${this.who}: the ${this.format.what} was read before it was complete`)
    if (!this.joined) {
      this.joined = Buffer.concat(this.parts)
      this.parts = []
    }
    return this.joined
  }

  /**
   * Whether block `index` of `source` differs from the listed replica's: past the replica's end, of another
   * length (the last block of a resized volume never matches by accident) or of another hash.
   */
  differs(index: number, source: ReadonlyVolume, hasher: StrongHasher): boolean {
    const bs = this.blockSize
    if (index >= blockCount(this.size, bs) || blockLength(index, source.size, bs) !== blockLength(index, this.size, bs)) return true
    if (this.mine?.volume !== source || this.mine.hasher !== hasher) this.mine = new BlockHashes(source, bs, hasher)
    const at = this.mine.locate(index)
    return !bytesEqual(this.mine.buffer, at, this.hashes, index * this.hashLength, this.hashLength)
  }
}
