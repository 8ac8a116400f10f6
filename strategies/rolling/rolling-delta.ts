/**
 * The delta stream of `rsync-rolling`: a TARGET frame (pass, target size), DELTA frames holding ops, and
 * an END frame with the op count and the whole-volume digest. An op is a varint h:
 *   h even: a literal of h/2 bytes, which follow;
 *   h odd:  a copy of (h-1)/2 consecutive replica blocks, then a zigzag varint: first block − the block
 *           after the previous copy (so runs that follow on cost one byte).
 * The digest is a StreamDigest fed, op by op, with the literal bytes and, for every copied block, the
 * block's full-length strong digest: the sender's over its source window, the receiver's over its own
 * replica block. Every byte of the rebuilt volume is covered at full strength, with no second pass over
 * the data on either side.
 */
import { FileVolume, readScratch, type ReadonlyVolume, type Volume } from '../../core/volume.ts'
import type { Frame } from '../../core/strategy.ts'
import type { BlockSums } from './rolling-signature.ts'
import type { StreamDigest } from '../shared/stream-digest.ts'
import { FRAME_PAYLOAD_LIMIT, FrameReader, FrameWriter } from '../../core/wire.ts'
import { varintLength, writeVarint } from '../../core/varint.ts'

export const TAG_TARGET = 0x54 // 'T'
export const TAG_DELTA = 0x44 // 'D'
export const TAG_END = 0x45 // 'E'
export const TAG_ACK = 0x41 // 'A'

/** Literal pieces at least this long get a frame of their own. */
const BIG_LITERAL = 64 << 10

function zigzag(v: number): number {
  return v >= 0 ? 2 * v : -2 * v - 1
}

function unzigzag(z: number): number {
  return z % 2 === 0 ? z / 2 : -(z + 1) / 2
}

/**
 * Room for the DELTA frame being built: it closes once it reaches FRAME_PAYLOAD_LIMIT, and the op that
 * crossed it is a small literal (under BIG_LITERAL) or a copy (two varints) with its header.
 */
const OPEN_FRAME_ROOM = FRAME_PAYLOAD_LIMIT + BIG_LITERAL + 32

/** Builds the sender's frames; coalesces consecutive block matches into one copy op. */
export class DeltaEncoder {
  private frames: Frame[] = []
  /**
   * The DELTA frame being built, in one buffer reused for every frame and copied out at its exact size
   * when it closes. A FrameWriter per frame grew from 1 KiB by doubling: each 1 MiB frame of small
   * literals cost ~4 MiB of fresh memory (page faults on this machine cost more than the copies) and
   * ~2 MiB of copies (bench/rsync-phases.ts, `scattered`).
   */
  private buf = new Uint8Array(OPEN_FRAME_ROOM)
  private len = 0
  private literalInFrame = 0
  private copyInFrame = 0
  private runStart = -1
  private runCount = 0
  private expected = 0
  private pendingBytes = 0
  ops = 0
  literalData = 0
  matchedData = 0

  constructor(
    private readonly digest: StreamDigest,
    pass: number,
    targetSize: number,
  ) {
    this.frames.push({ bytes: new FrameWriter(16).u8(TAG_TARGET).varint(pass).varint(targetSize).finish(), kind: 'control' })
  }

  /** Frame bytes produced and not yet taken: the sender yields when a step has made enough. */
  get pending(): number {
    return this.pendingBytes + this.len
  }

  literal(bytes: Uint8Array): void {
    if (bytes.length === 0) return
    this.flushRun()
    this.digest.update(bytes)
    this.literalData += bytes.length
    for (let at = 0; at < bytes.length; ) {
      const n = Math.min(bytes.length - at, FRAME_PAYLOAD_LIMIT)
      if (n >= BIG_LITERAL) {
        // A frame of its own, allocated at its exact size: the bytes are copied once, not grown into.
        this.flushFrame()
        const head = 1 + varintLength(2 * n)
        const bytesOut = new Uint8Array(head + n)
        bytesOut[0] = TAG_DELTA
        writeVarint(bytesOut, 1, 2 * n)
        bytesOut.set(bytes.subarray(at, at + n), head)
        this.frames.push({ bytes: bytesOut, kind: 'literal', split: { literal: n, control: head } })
        this.pendingBytes += bytesOut.length
        this.ops++
      } else {
        this.opHeader(2 * n, false)
        this.buf.set(bytes.subarray(at, at + n), this.len)
        this.len += n
        this.literalInFrame += n
        if (this.len >= FRAME_PAYLOAD_LIMIT) this.flushFrame()
      }
      at += n
    }
  }

  /** Block `block` of the replica matched the next `len` source bytes, whose full digest is `full`. */
  match(block: number, len: number, full: Uint8Array): void {
    this.digest.update(full)
    this.matchedData += len
    if (this.runCount > 0 && block === this.runStart + this.runCount) {
      this.runCount++
      return
    }
    this.flushRun()
    this.runStart = block
    this.runCount = 1
  }

  private opHeader(h: number, copy: boolean): void {
    if (this.len === 0) this.buf[this.len++] = TAG_DELTA
    const before = this.len
    this.len = writeVarint(this.buf, this.len, h)
    if (copy) this.copyInFrame += this.len - before
    this.ops++
  }

  private flushRun(): void {
    if (this.runCount === 0) return
    this.opHeader(2 * this.runCount + 1, true)
    const before = this.len
    this.len = writeVarint(this.buf, this.len, zigzag(this.runStart - this.expected))
    this.copyInFrame += this.len - before
    this.expected = this.runStart + this.runCount
    this.runCount = 0
    if (this.len >= FRAME_PAYLOAD_LIMIT) this.flushFrame()
  }

  private flushFrame(): void {
    if (this.len === 0) return
    const bytes = this.buf.slice(0, this.len)
    this.frames.push({ bytes, kind: 'literal', split: { literal: this.literalInFrame, copy: this.copyInFrame, control: bytes.length - this.literalInFrame - this.copyInFrame } })
    this.pendingBytes += bytes.length
    this.len = 0
    this.literalInFrame = 0
    this.copyInFrame = 0
  }

  /** Ends the stream: the last copy run, the last DELTA frame and the END frame with the digest. */
  end(): void {
    this.flushRun()
    this.flushFrame()
    const d = this.digest.digest()
    this.frames.push({ bytes: new FrameWriter(24 + d.length).u8(TAG_END).varint(this.ops).varint(d.length).bytes(d).finish(), kind: 'control' })
  }

  /** The frames made since the last take. */
  take(): Frame[] {
    const out = this.frames
    this.frames = []
    this.pendingBytes = 0
    return out
  }
}

/** What the receiver learns when the stream ends. */
export interface DeltaEnd {
  pass: number
  digestOk: boolean
}

/** Largest copy read at once from the replica: one scratch buffer of this size, reused for every read. */
const COPY_CHUNK = 1 << 20

/**
 * Applies the sender's frames: copies come from the committed replica (read-only), literals from the
 * frame, everything is written into the staged volume in target order. Records which target blocks it
 * wrote (for the sums cache) and checks the digest at the end.
 */
export class DeltaApplier {
  targetSize = -1
  pass = 0
  /** Bit per target block (of the replica's block size) that this pass wrote into. */
  written = new Uint8Array(0)
  private pos = 0
  private expected = 0
  private ops = 0
  /** Where copies from a file replica are read (made on the first copy that needs it). */
  private scratch: Uint8Array | undefined

  constructor(
    private readonly who: string,
    private readonly replica: ReadonlyVolume,
    private readonly staged: Volume,
    private readonly sums: BlockSums,
    private readonly digest: StreamDigest,
    /** Maximum target size the receiver accepts (bounds the written-blocks bitmap). */
    private readonly maxTarget: number,
  ) {}

  /** Handles one frame; returns the outcome on END, undefined otherwise; false for a foreign tag. */
  accept(frame: Uint8Array): DeltaEnd | undefined | false {
    const r = new FrameReader(this.who, frame)
    const tag = r.u8()
    if (tag === TAG_TARGET) {
      if (this.targetSize >= 0) r.fail('second target header in one pass')
      this.pass = r.bounded('pass', 2)
      this.targetSize = r.bounded('target size', this.maxTarget)
      r.end()
      this.written = new Uint8Array(Math.ceil(Math.ceil(this.targetSize / this.sums.blockSize) / 8))
      return undefined
    }
    if (tag === TAG_DELTA) {
      if (this.targetSize < 0) r.fail('delta ops before the target header')
      while (r.remaining > 0) this.op(r)
      return undefined
    }
    if (tag === TAG_END) {
      if (this.targetSize < 0) r.fail('end before the target header')
      const ops = r.varint()
      const dlen = r.bounded('digest length', 64)
      const theirs = r.bytes(dlen)
      r.end()
      if (ops !== this.ops) r.fail(`sender made ${ops} ops, ${this.ops} arrived`)
      if (this.pos !== this.targetSize) r.fail(`ops rebuilt ${this.pos} bytes of a ${this.targetSize}-byte target`)
      this.staged.truncate(this.targetSize)
      const mine = this.digest.digest()
      let same = mine.length === theirs.length
      for (let i = 0; same && i < mine.length; i++) same = mine[i] === theirs[i]
      return { pass: this.pass, digestOk: same }
    }
    return false
  }

  private op(r: FrameReader): void {
    const h = r.varint()
    this.ops++
    if (h % 2 === 0) {
      const n = h / 2
      if (this.pos + n > this.targetSize) r.fail(`a literal of ${n} bytes runs past the ${this.targetSize}-byte target`)
      const bytes = r.bytes(n)
      this.staged.write(this.pos, bytes)
      this.mark(this.pos, n)
      this.digest.update(bytes)
      this.pos += n
      return
    }
    const count = (h - 1) / 2
    const first = this.expected + unzigzag(r.varint())
    const s = this.sums
    if (count < 1 || first < 0 || first + count > s.count) r.fail(`a copy of blocks ${first}..${first + count - 1}, the replica has ${s.count}`)
    const from = first * s.blockSize
    const len = Math.min(s.size, (first + count) * s.blockSize) - from
    if (this.pos + len > this.targetSize) r.fail(`a copy of ${len} bytes runs past the ${this.targetSize}-byte target`)
    // In the first pass the stage still holds the replica at and after pos, so a copy in place needs no write.
    if (!(this.pass === 1 && from === this.pos)) {
      // The stage copies what it is given, so one scratch buffer serves every read; memory replicas hand out views.
      this.scratch ??= new Uint8Array(this.replica instanceof FileVolume ? Math.min(COPY_CHUNK, s.size) : 0)
      for (let done = 0; done < len; done += COPY_CHUNK) {
        const n = Math.min(COPY_CHUNK, len - done)
        this.staged.write(this.pos + done, readScratch(this.replica, from + done, n, this.scratch))
      }
      this.mark(this.pos, len)
    }
    const d = s.digestLength
    for (let b = first; b < first + count; b++) this.digest.update(s.full.subarray(b * d, (b + 1) * d))
    this.expected = first + count
    this.pos += len
  }

  private mark(at: number, len: number): void {
    if (len === 0) return
    const B = this.sums.blockSize
    const last = Math.floor((at + len - 1) / B)
    for (let j = Math.floor(at / B); j <= last; j++) this.written[j >>> 3]! |= 1 << (j & 7)
  }
}
