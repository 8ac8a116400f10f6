import { createXXHash128, type IHasher } from 'hash-wasm'
import { DeltabenchError } from '../../core/errors.ts'
import { CHUNK, type ReadonlyVolume, type Volume } from '../../core/volume.ts'
import type { Frame } from '../../core/strategy.ts'
import { blockCount, blockLength } from '../shared/block-stream.ts'
import { FRAME_PAYLOAD_LIMIT, FrameReader, FrameWriter } from '../../core/wire.ts'

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
const HASH_BYTES = 16
const HASHES_PER_FRAME = 65536
/** Largest repair signature a sender accepts (1 GiB of hashes). */
const MAX_SIGNATURE_BYTES = 1 << 30

async function hasher(): Promise<IHasher> {
  return createXXHash128()
}

/** xxh128 of a whole volume, read in chunks so it never needs the volume on the heap at once. */
function volumeDigest(h: IHasher, v: ReadonlyVolume): Uint8Array {
  h.init()
  for (let off = 0; off < v.size; off += CHUNK) h.update(v.read(off, Math.min(CHUNK, v.size - off)))
  return h.digest('binary')
}

function blockHash(h: IHasher, v: ReadonlyVolume, index: number, blockSize: number): Uint8Array {
  h.init()
  h.update(v.read(index * blockSize, blockLength(index, v.size, blockSize)))
  return h.digest('binary')
}

/** The sender's side: the digest frame, and the answer to a repair request. */
export class VerifySender {
  private theirSize = -1
  private theirs: Uint8Array | undefined
  private have = 0
  /** Set once a repair request arrived (the receiver's own detection). */
  repairRequested = false

  private constructor(
    private readonly who: string,
    private readonly blockSize: number,
    private readonly h: IHasher,
  ) {}

  static async create(who: string, blockSize: number): Promise<VerifySender> {
    return new VerifySender(who, blockSize, await hasher())
  }

  /** Sent after the strategy's own push: the size and digest the replica must end up with. */
  digestFrame(source: ReadonlyVolume): Frame {
    const w = new FrameWriter(32).u8(TAG_VERIFY).varint(source.size).bytes(volumeDigest(this.h, source))
    return { bytes: w.finish(), kind: 'control', phase: 'verify' }
  }

  /**
   * Handles a frame from the receiver: undefined if it is not a repair request (the strategy's own),
   * else the repair frames to send (none until every signature frame has arrived).
   */
  accept(frame: Uint8Array, source: ReadonlyVolume): Frame[] | undefined {
    if (frame[0] !== TAG_REPAIR_SIGNATURE) return undefined
    const r = new FrameReader(this.who, frame)
    r.u8()
    const size = r.varint()
    const bs = r.varint()
    if (bs !== this.blockSize) r.fail(`repair signature of block size ${bs}, expected ${this.blockSize}`)
    if (this.theirSize < 0) {
      // Sized from the claimed replica size, bounded before anything is allocated.
      if (blockCount(size, bs) * HASH_BYTES > MAX_SIGNATURE_BYTES) r.fail(`repair signature of ${blockCount(size, bs)} blocks is too large`)
      this.theirSize = size
      this.theirs = new Uint8Array(blockCount(size, bs) * HASH_BYTES)
      this.repairRequested = true
    } else if (size !== this.theirSize) r.fail('repair signature frames disagree on the replica size')
    const first = r.varint()
    const count = r.varint()
    if (first * HASH_BYTES !== this.have) r.fail(`repair signature starts at block ${first}, expected ${this.have / HASH_BYTES}`)
    const hashes = r.bytes(count * HASH_BYTES)
    r.end()
    const theirs = this.theirs!
    if (this.have + hashes.length > theirs.length) r.fail('more repair hashes than the replica has blocks')
    theirs.set(hashes, this.have)
    this.have += hashes.length
    if (this.have < theirs.length) return []
    return this.repairFrames(source, theirs)
  }

  private repairFrames(source: ReadonlyVolume, theirs: Uint8Array): Frame[] {
    const bs = this.blockSize
    const n = blockCount(source.size, bs)
    const common = Math.min(n, blockCount(this.theirSize, bs))
    const frames: Frame[] = []
    let w = new FrameWriter(1024)
    let literal = 0
    let inFrame = 0
    let prev = -1
    let sent = 0
    const flush = () => {
      if (inFrame === 0) return
      const bytes = w.finish()
      frames.push({ bytes, kind: 'literal', split: { literal, control: bytes.length - literal }, phase: 'repair' })
      w = new FrameWriter(1024)
      literal = 0
      inFrame = 0
    }
    for (let i = 0; i < n; i++) {
      const len = blockLength(i, source.size, bs)
      if (i < common && len === blockLength(i, this.theirSize, bs)) {
        const mine = blockHash(this.h, source, i, bs)
        let same = true
        for (let k = 0; k < HASH_BYTES; k++) {
          if (mine[k] !== theirs[i * HASH_BYTES + k]) {
            same = false
            break
          }
        }
        if (same) continue
      }
      if (inFrame === 0) w.u8(TAG_REPAIR_BLOCKS)
      w.varint(i - prev - 1).bytes(source.read(i * bs, len))
      prev = i
      inFrame++
      sent++
      literal += len
      if (w.length >= FRAME_PAYLOAD_LIMIT) flush()
    }
    flush()
    frames.push({ bytes: new FrameWriter(8).u8(TAG_REPAIR_END).varint(sent).finish(), kind: 'control', phase: 'repair' })
    return frames
  }
}

/** The receiver's side: checks the staged replica against the digest and runs the repair pass. */
export class VerifyReceiver {
  private size = -1
  private digest: Uint8Array | undefined
  private state: 'unchecked' | 'repairing' | 'repaired' | 'verified' = 'unchecked'
  private prev = -1
  private received = 0
  /** True once the digest check failed: the strategy found a wrong replica itself. */
  detected = false

  private constructor(
    private readonly who: string,
    private readonly blockSize: number,
    private readonly h: IHasher,
  ) {}

  static async create(who: string, blockSize: number): Promise<VerifyReceiver> {
    return new VerifyReceiver(who, blockSize, await hasher())
  }

  /** Consumes the digest frame or a repair frame (writing repaired blocks into staged); false for other tags. */
  accept(frame: Uint8Array, staged: Volume): boolean {
    const tag = frame[0]
    if (tag !== TAG_VERIFY && tag !== TAG_REPAIR_BLOCKS && tag !== TAG_REPAIR_END) return false
    const r = new FrameReader(this.who, frame)
    r.u8()
    if (tag === TAG_VERIFY) {
      if (this.digest) r.fail('second verify frame')
      this.size = r.varint()
      this.digest = r.bytes(DIGEST_BYTES).slice()
      r.end()
      return true
    }
    if (this.state !== 'repairing') r.fail('repair blocks that were not asked for')
    if (tag === TAG_REPAIR_BLOCKS) {
      const n = blockCount(this.size, this.blockSize)
      while (r.remaining > 0) {
        const index = this.prev + 1 + r.varint()
        if (index >= n) r.fail(`repair block ${index} past the last block ${n - 1}`)
        staged.write(index * this.blockSize, r.bytes(blockLength(index, this.size, this.blockSize)))
        this.prev = index
        this.received++
      }
      return true
    }
    const sent = r.varint()
    r.end()
    if (sent !== this.received) r.fail(`sender repaired ${sent} blocks, ${this.received} arrived`)
    staged.truncate(this.size)
    this.state = 'repaired'
    return true
  }

  /**
   * Called once the strategy has applied its own push. 'wait': more frames are needed; 'ok': the staged
   * replica matches the sender's digest (acknowledge); frames: a repair request to send. Throws if the
   * replica still differs after a repair.
   */
  check(staged: Volume): 'wait' | 'ok' | Frame[] {
    if (!this.digest || this.state === 'repairing') return 'wait'
    if (this.state === 'verified') return 'ok'
    const match = staged.size === this.size && bytesEqual(volumeDigest(this.h, staged), this.digest)
    if (match) {
      this.state = 'verified'
      return 'ok'
    }
    if (this.state === 'repaired') throw new DeltabenchError('VERIFY', `${this.who}: self-verify: the replica still differs from the source's digest after the repair pass`)
    this.detected = true
    this.state = 'repairing'
    return this.signatureFrames(staged)
  }

  private signatureFrames(staged: Volume): Frame[] {
    const bs = this.blockSize
    const n = blockCount(staged.size, bs)
    const frames: Frame[] = []
    for (let first = 0; first < n || (first === 0 && n === 0); first += HASHES_PER_FRAME) {
      const count = Math.min(HASHES_PER_FRAME, n - first)
      const w = new FrameWriter(16 + count * HASH_BYTES).u8(TAG_REPAIR_SIGNATURE).varint(staged.size).varint(bs).varint(first).varint(count)
      for (let i = first; i < first + count; i++) w.bytes(blockHash(this.h, staged, i, bs).subarray(0, HASH_BYTES))
      frames.push({ bytes: w.finish(), kind: 'signature', phase: 'repair' })
      if (n === 0) break
    }
    return frames
  }
}

function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false
  return true
}
