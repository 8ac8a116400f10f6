/**
 * Carrying a tool's file (a signature, a delta, a patch) across the metered channel: a FILE header frame
 * with its size, then DATA frames of at most 1 MiB. The receiving half writes them to its own temp file,
 * checking every length against the announced size.
 */
import { closeSync, fstatSync, openSync, writeSync } from 'node:fs'
import type { Frame, FrameKind } from '../../core/strategy.ts'
import { FRAME_PAYLOAD_LIMIT, FrameReader, FrameWriter } from '../../core/wire.ts'
import { readFully } from '../../core/read-fully.ts'

export const TAG_FILE = 0x46 // 'F'
export const TAG_DATA = 0x64 // 'd'

/** Attributes bytes [start, end) of the file to frame kinds (e.g. literal vs copy commands of a delta). */
export type FileKinds = (start: number, end: number) => Partial<Record<FrameKind, number>>

/**
 * The frames carrying the file at `path`, a budget of bytes per call, so a sender hands a big delta
 * over step by step and never holds it whole (a 1 GiB rdiff delta held at once peaked at 2.1 GiB).
 * `kinds` attributes the file's bytes (default: all of `kind`). Reads from one descriptor, closed at
 * the end or by close().
 */
export class FileFrameStream {
  private fd: number | undefined
  private off = 0
  private headerSent = false
  readonly size: number

  /** Closes a descriptor left open by a transfer that never finished (a sync the other half broke off). */
  private static readonly leaks = new FinalizationRegistry<number>((fd) => {
    try {
      closeSync(fd)
    } catch {
      // already closed
    }
  })

  constructor(
    private readonly path: string,
    private readonly kind: FrameKind,
    private readonly kinds?: FileKinds,
  ) {
    this.fd = openSync(path, 'r')
    FileFrameStream.leaks.register(this, this.fd, this)
    this.size = fstatSync(this.fd).size
  }

  get done(): boolean {
    return this.headerSent && this.off >= this.size
  }

  /** The next frames, about `budget` bytes of them (at least one frame while any are left). */
  next(budget: number): Frame[] {
    const frames: Frame[] = []
    if (!this.headerSent) {
      frames.push({ bytes: new FrameWriter(12).u8(TAG_FILE).varint(this.size).finish(), kind: 'control' })
      this.headerSent = true
    }
    let taken = 0
    try {
      while (this.off < this.size && (taken === 0 || taken + FRAME_PAYLOAD_LIMIT <= budget)) {
        const n = Math.min(FRAME_PAYLOAD_LIMIT, this.size - this.off)
        const bytes = new Uint8Array(1 + n)
        bytes[0] = TAG_DATA
        if (readFully(this.fd!, bytes, 1, n, this.off) < n) throw new Error(`${this.path}: ended early`)
        const split = this.kinds ? this.kinds(this.off, this.off + n) : { [this.kind]: n }
        split.control = (split.control ?? 0) + 1
        frames.push({ bytes, kind: this.kind, split })
        this.off += n
        taken += n
      }
    } catch (err) {
      this.close()
      throw err
    }
    if (this.done) this.close()
    return frames
  }

  close(): void {
    if (this.fd === undefined) return
    FileFrameStream.leaks.unregister(this)
    closeSync(this.fd)
    this.fd = undefined
  }
}

/** All the frames carrying the file at `path` at once (files known to be small: a signature). */
export function fileFrames(path: string, kind: FrameKind, kinds?: FileKinds): Frame[] {
  return new FileFrameStream(path, kind, kinds).next(Number.POSITIVE_INFINITY)
}

/** Receives a file's frames into `path`. */
export class FileReceiver {
  size = -1
  private got = 0
  private fd: number | undefined

  constructor(
    private readonly who: string,
    readonly path: string,
    /** Largest file this side accepts. */
    private readonly maxSize: number,
  ) {}

  get complete(): boolean {
    return this.size >= 0 && this.got === this.size
  }

  /** Handles a FILE or DATA frame; false for any other tag. */
  accept(frame: Uint8Array): boolean {
    const r = new FrameReader(this.who, frame)
    const tag = r.u8()
    if (tag === TAG_FILE) {
      if (this.size >= 0) r.fail('a second file header')
      this.size = r.bounded('file size', this.maxSize)
      r.end()
      this.fd = openSync(this.path, 'w')
      if (this.size === 0) this.close()
      return true
    }
    if (tag === TAG_DATA) {
      if (this.size < 0) r.fail('file data before the file header')
      const n = r.remaining
      if (this.got + n > this.size) r.fail(`file data past the announced ${this.size} bytes`)
      const bytes = r.bytes(n)
      for (let done = 0; done < n; ) done += writeSync(this.fd!, bytes, done, n - done)
      this.got += n
      if (this.complete) this.close()
      return true
    }
    return false
  }

  private close(): void {
    if (this.fd !== undefined) closeSync(this.fd)
    this.fd = undefined
  }
}
