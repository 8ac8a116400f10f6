import type { Frame } from '../../core/strategy.ts'
import type { ReadonlyVolume, Volume } from '../../core/volume.ts'
import { FrameReader, FrameWriter } from '../../core/wire.ts'
import { BlockStreamReader, BlockStreamWriter, blockCount, type BlockStreamFormat } from './block-stream.ts'

/**
 * The block push of the fixed-block strategies (whole-file, fixed-block-compare, changed-block-bitmap): a
 * HEADER frame with the target size and the block size (and what a strategy appends), then a block stream
 * of the source's blocks as data.
 */
const TAG_HEADER = 0x48 // 'H'
const PUSH_STREAM: BlockStreamFormat = { blocksTag: 0x42 /* 'B' */, endTag: 0x45 /* 'E' */, ops: 1 }

/** Picks blocks from `from` on into `blocks` until it reaches `to` or a step's worth waits; returns where it stopped. */
export type BlockScan = (from: number, to: number, blocks: BlockStreamWriter) => number

/** The sending side: the header, then the blocks a scan picks, a step's worth per step, then END. */
export class BlockPushSender {
  private readonly blocks: BlockStreamWriter
  private readonly count: number
  private next = -1
  done = false

  constructor(
    private readonly source: ReadonlyVolume,
    private readonly blockSize: number,
    /** Writes what a strategy appends to the header. */
    private readonly headerExtra?: (w: FrameWriter) => void,
  ) {
    this.blocks = new BlockStreamWriter(PUSH_STREAM, source, blockSize)
    this.count = blockCount(source.size, blockSize)
  }

  /** This step's frames: the header first, then the blocks `scan` picks from where the last step stopped, END once all are through. */
  step(scan: BlockScan): Frame[] {
    const head = this.next < 0 ? [this.header()] : []
    this.next = scan(Math.max(this.next, 0), this.count, this.blocks)
    if (this.next < this.count) return [...head, ...this.blocks.take()]
    this.done = true
    return [...head, ...this.blocks.finish()]
  }

  private header(): Frame {
    const w = new FrameWriter(24).u8(TAG_HEADER).varint(this.source.size).varint(this.blockSize)
    this.headerExtra?.(w)
    return { bytes: w.finish(), kind: 'control' }
  }
}

/** The receiving side: validates every frame and writes the blocks into the staged replica. */
export class BlockReceiver {
  targetSize = -1
  done = false
  private readonly blocks: BlockStreamReader

  constructor(
    private readonly who: string,
    private readonly blockSize: number,
    staged: Volume,
    /** Reads what a strategy appended to the header. */
    private readonly readExtra?: (r: FrameReader) => void,
  ) {
    this.blocks = new BlockStreamReader(PUSH_STREAM, blockSize, staged)
  }

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
    if (tag !== PUSH_STREAM.blocksTag && tag !== PUSH_STREAM.endTag) return false
    if (this.targetSize < 0) r.fail('blocks or end before the header')
    if (tag === PUSH_STREAM.blocksTag) this.blocks.blocks(r, this.targetSize)
    else {
      this.blocks.end(r, this.targetSize)
      this.done = true
    }
    return true
  }
}
