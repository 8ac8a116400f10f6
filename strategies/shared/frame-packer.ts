import type { Frame, FramePhase } from '../../core/strategy.ts'
import { FRAME_PAYLOAD_LIMIT, FrameWriter } from '../../core/wire.ts'

/**
 * Packs entries (blocks, journal records) into frames of one tag: the tag opens a frame before its first
 * entry, and the frame is closed once it reaches FRAME_PAYLOAD_LIMIT, so none grows with the volume. A
 * frame's split counts the entries' data as literal, their references as copy, the rest as control.
 * Write an entry into `entry()`, then count it with `added`.
 */
export class FramePacker {
  private frames: Frame[] = []
  private w = new FrameWriter(1024)
  private entries = 0
  private literal = 0
  private copy = 0
  /** Bytes of the closed frames not yet taken. */
  private closed = 0

  constructor(
    private readonly tag: number,
    private readonly phase?: FramePhase,
  ) {}

  /** The open frame's writer, ready for the next entry. */
  entry(): FrameWriter {
    if (this.entries === 0) this.w.u8(this.tag)
    return this.w
  }

  /** Counts the entry just written: `literal` bytes of data and `copy` bytes of reference in it. */
  added(literal: number, copy: number): void {
    this.entries++
    this.literal += literal
    this.copy += copy
    if (this.w.length >= FRAME_PAYLOAD_LIMIT) this.close()
  }

  /** Frame bytes made and not yet taken, the open frame's included. */
  get pending(): number {
    return this.closed + this.w.length
  }

  /** The frames made so far (the open one is closed first); each is handed over once. */
  take(): Frame[] {
    this.close()
    const out = this.frames
    this.frames = []
    this.closed = 0
    return out
  }

  private close(): void {
    if (this.entries === 0) return
    const bytes = this.w.finish()
    const control = bytes.length - this.literal - this.copy
    this.frames.push({ bytes, kind: 'literal', split: { literal: this.literal, copy: this.copy, control }, phase: this.phase })
    this.closed += bytes.length
    this.w = new FrameWriter(1024)
    this.entries = 0
    this.literal = 0
    this.copy = 0
  }
}
