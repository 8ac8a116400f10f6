import { WireFormatError } from '../../core/errors.ts'
import type { Frame, FramePhase } from '../../core/strategy.ts'
import type { ReadonlyVolume, Volume } from '../../core/volume.ts'
import { FrameReader, FrameWriter } from '../../core/wire.ts'
import { FramePacker } from './frame-packer.ts'

/**
 * The gap-coded block stream every block-pushing strategy sends: BLOCKS frames of entries, each a varint
 * header (gap to the previous block's index, times `ops`, plus the entry's op) and then the block's bytes
 * (or, for a reference op, what the strategy writes), and an END frame with the number of entries, so a
 * truncated stream is detected before anything is committed. Block i covers
 * [i*blockSize, min((i+1)*blockSize, size)).
 */
export interface BlockStreamFormat {
  readonly blocksTag: number
  readonly endTag: number
  /** Ops an entry header codes (gap × ops + op): 1 when every entry is the block's data. */
  readonly ops: number
  readonly phase?: FramePhase
}

export function blockCount(size: number, blockSize: number): number {
  return Math.ceil(size / blockSize)
}

export function blockLength(index: number, size: number, blockSize: number): number {
  return Math.min(blockSize, size - index * blockSize)
}

/**
 * Most bytes a sender hands over in one step: larger transfers go out over several steps, so a sender never
 * holds more than this of a 4 GiB volume in frames at once.
 */
export const STEP_BUDGET = 8 << 20

/**
 * The entry headers both ends agree on: the gap to the previous entry's block index, times `ops`, plus the
 * entry's op; and how many entries went by (END carries the count).
 */
class EntryHeaders {
  private prev = -1
  count = 0

  constructor(private readonly ops: number) {}

  /** The header of an entry for block `index` (indices strictly increase) under `op`. */
  encode(index: number, op: number): number {
    const header = (index - this.prev - 1) * this.ops + op
    this.prev = index
    this.count++
    return header
  }

  /** The block index a header names (its op is header % ops). */
  decode(header: number): number {
    const index = this.prev + 1 + Math.floor(header / this.ops)
    this.prev = index
    this.count++
    return index
  }
}

/**
 * Writes blocks of the source as a block stream, in increasing index order, streamed across steps: push
 * until `full`, hand the frames over with `take()`, go on next step; `finish()` adds the END frame.
 */
export class BlockStreamWriter {
  private readonly packer: FramePacker
  private readonly headers: EntryHeaders

  constructor(
    private readonly format: BlockStreamFormat,
    private readonly source: ReadonlyVolume,
    private readonly blockSize: number,
  ) {
    this.packer = new FramePacker(format.blocksTag, format.phase)
    this.headers = new EntryHeaders(format.ops)
  }

  /** Block `index` as its bytes, under op `op`. */
  data(index: number, op = 0): void {
    const len = blockLength(index, this.source.size, this.blockSize)
    this.packer.entry().varint(this.headers.encode(index, op)).bytes(this.source.read(index * this.blockSize, len))
    this.packer.added(len, 0)
  }

  /** Block `index` as a reference: op `op` and a varint `code` that says to the reader where the bytes are. */
  reference(index: number, op: number, code: number): void {
    const w = this.packer.entry()
    const before = w.length
    w.varint(this.headers.encode(index, op)).varint(code)
    this.packer.added(0, w.length - before)
  }

  /** True once a step's worth of frames is waiting. */
  get full(): boolean {
    return this.packer.pending >= STEP_BUDGET
  }

  /**
   * Writes every block i in [from, to) that `want(i)` accepts as data, stopping early when a step's worth is
   * waiting. Returns where it stopped (to when it got through).
   */
  dataRange(from: number, to: number, want: (i: number) => boolean): number {
    let i = from
    for (; i < to && !this.full; i++) if (want(i)) this.data(i)
    return i
  }

  /** The frames made so far; they are handed over once. */
  take(): Frame[] {
    return this.packer.take()
  }

  /** Closes the stream: the frames not yet taken, then the END frame. */
  finish(): Frame[] {
    const out = this.take()
    out.push({ bytes: new FrameWriter(8).u8(this.format.endTag).varint(this.headers.count).finish(), kind: 'control', phase: this.format.phase })
    return out
  }
}

/** Reads one entry's body: `index`'s block of `length` bytes under op `op` (the header already read). */
export type BlockEntryReader = (r: FrameReader, index: number, length: number, op: number) => void

/** Reads a block stream into a staged volume; the caller dispatches on the frame tag. */
export class BlockStreamReader {
  private readonly headers: EntryHeaders
  private readonly ops: number

  constructor(format: BlockStreamFormat, private readonly blockSize: number, private readonly staged: Volume) {
    this.ops = format.ops
    this.headers = new EntryHeaders(format.ops)
  }

  /** The entry body of a data op: the block's bytes, written into the stage. */
  readonly data: BlockEntryReader = (r, index, length) => this.staged.write(index * this.blockSize, r.bytes(length))

  /** Reads the entries of a BLOCKS frame (its tag already read) for a target of `size` bytes. */
  blocks(r: FrameReader, size: number, entry: BlockEntryReader = this.data): void {
    const n = blockCount(size, this.blockSize)
    while (r.remaining > 0) {
      const header = r.varint()
      const index = this.headers.decode(header)
      if (index >= n) r.fail(`block ${index} past the last block ${n - 1}`)
      entry(r, index, blockLength(index, size, this.blockSize), header % this.ops)
    }
  }

  /** Reads the END frame (its tag already read): the count must match what arrived; the stage is then cut to `size`. */
  end(r: FrameReader, size: number): void {
    const sent = r.varint()
    r.end()
    if (sent !== this.headers.count) r.fail(`sender sent ${sent} blocks, ${this.headers.count} arrived`)
    this.staged.truncate(size)
  }
}

/** The error for a frame whose tag this half does not expect at all. */
export function unknownFrame(who: string, frame: Uint8Array): WireFormatError {
  return new WireFormatError(who, frame.length === 0 ? 'empty frame' : `unexpected frame tag 0x${frame[0]!.toString(16)}`)
}
