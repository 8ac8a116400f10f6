import { WireFormatError } from '../../core/errors.ts'
import type { Frame } from '../../core/strategy.ts'
import type { ReadonlyVolume, Volume } from '../../core/volume.ts'
import { FRAME_PAYLOAD_LIMIT, FrameReader, FrameWriter } from '../../core/wire.ts'

/**
 * The block push format shared by the fixed-block strategies: a HEADER frame with the target size, any
 * number of BLOCKS frames (varint gap to the previous index, then the block's bytes), and an END frame
 * with the number of blocks sent, so a truncated stream is detected before anything is committed.
 * Block i covers [i*blockSize, min((i+1)*blockSize, size)).
 */
export const TAG_HEADER = 0x48 // 'H'
export const TAG_BLOCKS = 0x42 // 'B'
export const TAG_END = 0x45 // 'E'

export function blockCount(size: number, blockSize: number): number {
  return Math.ceil(size / blockSize)
}

export function blockLength(index: number, size: number, blockSize: number): number {
  return Math.min(blockSize, size - index * blockSize)
}

export function headerFrame(targetSize: number, blockSize: number, extra?: (w: FrameWriter) => void): Frame {
  const w = new FrameWriter(24).u8(TAG_HEADER).varint(targetSize).varint(blockSize)
  extra?.(w)
  return { bytes: w.finish(), kind: 'control' }
}

/**
 * Most bytes a sender hands over in one step: larger transfers go out over several steps, so a sender never
 * holds more than this of a 4 GiB volume in frames at once.
 */
export const STEP_BUDGET = 8 << 20

/**
 * Packs blocks of the source into BLOCKS frames of at most ~1 MiB, streamed across steps: push until
 * `full`, hand the frames over with `take()`, go on next step; `finish()` adds the END frame.
 */
export class BlockPusher {
  private frames: Frame[] = []
  private pending = 0
  private w = new FrameWriter(1024)
  private count = 0
  private literal = 0
  private prev = -1
  sent = 0

  constructor(
    private readonly source: ReadonlyVolume,
    private readonly blockSize: number,
  ) {}

  push(index: number): void {
    if (this.count === 0) this.w.u8(TAG_BLOCKS)
    const len = blockLength(index, this.source.size, this.blockSize)
    this.w.varint(index - this.prev - 1)
    this.w.bytes(this.source.read(index * this.blockSize, len))
    this.prev = index
    this.count++
    this.sent++
    this.literal += len
    if (this.w.length >= FRAME_PAYLOAD_LIMIT) this.flush()
  }

  /** True once a step's worth of frames is waiting. */
  get full(): boolean {
    return this.pending + this.w.length >= STEP_BUDGET
  }

  /** The frames made so far (the current frame is closed first); they are handed over once. */
  take(): Frame[] {
    this.flush()
    const out = this.frames
    this.frames = []
    this.pending = 0
    return out
  }

  /**
   * Pushes every block i in [from, to) that `want(i)` accepts, stopping early when a step's worth is waiting.
   * Returns where it stopped (to when it got through).
   */
  pushRange(from: number, to: number, want: (i: number) => boolean): number {
    let i = from
    for (; i < to && !this.full; i++) if (want(i)) this.push(i)
    return i
  }

  private flush(): void {
    if (this.count === 0) return
    const bytes = this.w.finish()
    this.pending += bytes.length
    this.frames.push({ bytes, kind: 'literal', split: { literal: this.literal, control: bytes.length - this.literal } })
    this.w = new FrameWriter(1024)
    this.count = 0
    this.literal = 0
  }

  /** Closes the stream: the frames not yet taken, then the END frame. */
  finish(): Frame[] {
    const out = this.take()
    out.push({ bytes: new FrameWriter(8).u8(TAG_END).varint(this.sent).finish(), kind: 'control' })
    return out
  }
}

/** Receiving side of the block push: validates every frame and writes blocks into the staged replica. */
export class BlockReceiver {
  targetSize = -1
  done = false
  private prev = -1
  private received = 0

  constructor(
    private readonly who: string,
    private readonly blockSize: number,
    private readonly staged: Volume,
    /** Reads what a strategy appended to the header (see headerFrame's `extra`). */
    private readonly readExtra?: (r: FrameReader) => void,
  ) {}

  /** Handles one frame of the push; returns false for a frame of another tag (left to the caller). */
  accept(frame: Uint8Array): boolean {
    const r = new FrameReader(this.who, frame)
    const tag = r.u8()
    if (tag === TAG_HEADER) {
      if (this.targetSize >= 0) r.fail('second header')
      this.targetSize = r.varint()
      const bs = r.varint()
      if (bs !== this.blockSize) r.fail(`block size ${bs} does not match the receiver's ${this.blockSize}`)
      this.readExtra?.(r)
      r.end()
      return true
    }
    if (tag === TAG_BLOCKS) {
      if (this.targetSize < 0) r.fail('blocks before the header')
      const n = blockCount(this.targetSize, this.blockSize)
      while (r.remaining > 0) {
        const index = this.prev + 1 + r.varint()
        if (index >= n) r.fail(`block index ${index} past the last block ${n - 1}`)
        const data = r.bytes(blockLength(index, this.targetSize, this.blockSize))
        this.staged.write(index * this.blockSize, data)
        this.prev = index
        this.received++
      }
      return true
    }
    if (tag === TAG_END) {
      if (this.targetSize < 0) r.fail('end before the header')
      const sent = r.varint()
      r.end()
      if (sent !== this.received) r.fail(`sender sent ${sent} blocks, ${this.received} arrived`)
      this.staged.truncate(this.targetSize)
      this.done = true
      return true
    }
    return false
  }
}


/** The error for a frame whose tag this half does not expect at all. */
export function unknownFrame(who: string, frame: Uint8Array): WireFormatError {
  return new WireFormatError(who, frame.length === 0 ? 'empty frame' : `unexpected frame tag 0x${frame[0]!.toString(16)}`)
}
