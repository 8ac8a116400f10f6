import { createXXHash128, type IHasher } from 'hash-wasm'
import { DeltabenchError } from '../../core/errors.ts'
import { CHUNK, type ReadonlyVolume, type Volume } from '../../core/volume.ts'
import type { Frame } from '../../core/strategy.ts'
import { blockCount, BlockStreamReader, BlockStreamWriter, type BlockStreamFormat } from '../shared/block-stream.ts'
import { blockHash, HashListReader, HashListWriter, type HashListFormat } from '../shared/hash-list.ts'
import { bytesEqual, createStrongHasher, type StrongHasher } from '../shared/strong-hash.ts'
import { FrameReader, FrameWriter } from '../../core/wire.ts'

/**
 * Opt-in self-verification for strategies that trust a tracker (rsync's whole-file checksum and redo,
 * applied to change tracking): after its own push the sender sends a digest of the whole source; the
 * receiver compares it with its staged replica and, on a mismatch, asks for a fallback pass: a strong hash
 * per block of what it holds, answered with every block that differs. The receiver then checks the digest
 * again before it acknowledges, so a sync it acknowledges is verified.
 *
 * Frames carry `phase` ('verify' for the digest, 'repair' for the fallback) so the channel counts their
 * bytes apart; the tags below are distinct from every strategy's own.
 */
export const TAG_VERIFY = 0x56 // 'V': source size, digest
export const TAG_REPAIR_SIGNATURE = 0x52 // 'R': the receiver's block hashes after a mismatch
export const TAG_REPAIR_BLOCKS = 0x50 // 'P': blocks that differ (varint gap, bytes)
export const TAG_REPAIR_END = 0x51 // 'Q': number of repaired blocks

const DIGEST_BYTES = 16
/** Bytes of each block hash: a full xxh128, so its length is not on the wire. */
const HASH_BYTES = 16
/** The receiver's block hashes; a sender accepts at most 1 GiB of them. */
const REPAIR_SIGNATURE: HashListFormat = { tag: TAG_REPAIR_SIGNATURE, what: 'repair signature', kind: 'signature', phase: 'repair', namesHashLength: false, maxBytes: 1 << 30 }
const REPAIR_STREAM: BlockStreamFormat = { blocksTag: TAG_REPAIR_BLOCKS, endTag: TAG_REPAIR_END, ops: 1, phase: 'repair' }

/** xxh128 of a whole volume, read in chunks so it never needs the volume on the heap at once. */
function volumeDigest(h: IHasher, v: ReadonlyVolume): Uint8Array {
  h.init()
  for (let off = 0; off < v.size; off += CHUNK) h.update(v.read(off, Math.min(CHUNK, v.size - off)))
  return h.digest('binary')
}

/** The sender's side: the digest frame, and the answer to a repair request. */
export class VerifySender {
  private readonly theirs: HashListReader

  private constructor(
    who: string,
    private readonly blockSize: number,
    private readonly digest: IHasher,
    private readonly blocks: StrongHasher,
  ) {
    this.theirs = new HashListReader(who, REPAIR_SIGNATURE, blockSize, HASH_BYTES)
  }

  static async create(who: string, blockSize: number): Promise<VerifySender> {
    return new VerifySender(who, blockSize, await createXXHash128(), await createStrongHasher('xxh128'))
  }

  /** Sent after the strategy's own push: the size and digest the replica must end up with. */
  digestFrame(source: ReadonlyVolume): Frame {
    const w = new FrameWriter(32).u8(TAG_VERIFY).varint(source.size).bytes(volumeDigest(this.digest, source))
    return { bytes: w.finish(), kind: 'control', phase: 'verify' }
  }

  /**
   * Handles a frame from the receiver: undefined if it is not a repair request (the strategy's own),
   * else the repair frames to send (none until every signature frame has arrived).
   */
  accept(frame: Uint8Array, source: ReadonlyVolume): Frame[] | undefined {
    if (!this.theirs.accept(frame)) return undefined
    return this.theirs.complete ? this.repairFrames(source) : []
  }

  /** Every block of the source that differs from the receiver's, then the count. */
  private repairFrames(source: ReadonlyVolume): Frame[] {
    const repair = new BlockStreamWriter(REPAIR_STREAM, source, this.blockSize)
    const n = blockCount(source.size, this.blockSize)
    for (let i = 0; i < n; i++) if (this.theirs.differs(i, source, this.blocks)) repair.data(i)
    return repair.finish()
  }
}

/** The receiver's side: checks the staged replica against the digest and runs the repair pass. */
export class VerifyReceiver {
  private size = -1
  private expected: Uint8Array | undefined
  private state: 'unchecked' | 'repairing' | 'repaired' | 'verified' = 'unchecked'
  private repair: BlockStreamReader | undefined

  private constructor(
    private readonly who: string,
    private readonly blockSize: number,
    private readonly digest: IHasher,
    private readonly blocks: StrongHasher,
  ) {}

  static async create(who: string, blockSize: number): Promise<VerifyReceiver> {
    return new VerifyReceiver(who, blockSize, await createXXHash128(), await createStrongHasher('xxh128'))
  }

  /** Consumes the digest frame or a repair frame (writing repaired blocks into staged); false for other tags. */
  accept(frame: Uint8Array): boolean {
    const tag = frame[0]
    if (tag !== TAG_VERIFY && tag !== TAG_REPAIR_BLOCKS && tag !== TAG_REPAIR_END) return false
    const r = new FrameReader(this.who, frame)
    r.u8()
    if (tag === TAG_VERIFY) {
      if (this.expected) r.fail('second verify frame')
      this.size = r.varint()
      this.expected = r.bytes(DIGEST_BYTES).slice()
      r.end()
      return true
    }
    if (!this.repair || this.state !== 'repairing') return r.fail('repair blocks that were not asked for')
    if (tag === TAG_REPAIR_BLOCKS) this.repair.blocks(r, this.size)
    else {
      this.repair.end(r, this.size)
      this.state = 'repaired'
    }
    return true
  }

  /**
   * Called once the strategy has applied its own push. 'wait': more frames are needed; 'ok': the staged
   * replica matches the sender's digest (acknowledge); frames: a repair request to send. Throws if the
   * replica still differs after a repair.
   */
  check(staged: Volume): 'wait' | 'ok' | Frame[] {
    if (!this.expected || this.state === 'repairing') return 'wait'
    if (this.state === 'verified') return 'ok'
    if (staged.size === this.size && bytesEqual(volumeDigest(this.digest, staged), 0, this.expected, 0, DIGEST_BYTES)) {
      this.state = 'verified'
      return 'ok'
    }
    if (this.state === 'repaired') throw new DeltabenchError('VERIFY', `${this.who}: self-verify: the replica still differs from the source's digest after the repair pass`)
    this.state = 'repairing'
    this.repair = new BlockStreamReader(REPAIR_STREAM, this.blockSize, staged)
    const bs = this.blockSize
    return new HashListWriter(REPAIR_SIGNATURE, staged.size, bs, HASH_BYTES, (i) => blockHash(staged, i, bs, this.blocks)).frames()
  }
}
