/**
 * Carrying a tool's file (a signature, a delta, a patch) across the metered channel: a FILE header frame
 * with its size, then DATA frames of at most 1 MiB. The receiving half writes them to its own temp file,
 * checking every length against the announced size.
 */
import { closeSync, fstatSync, openSync, readSync, writeSync } from 'node:fs'
import type { Frame, FrameKind } from '../strategy.ts'
import { FrameReader, FrameWriter } from './wire.ts'

export const TAG_FILE = 0x46 // 'F'
export const TAG_DATA = 0x64 // 'd'
const DATA_LIMIT = 1 << 20

/** Attributes bytes [start, end) of the file to frame kinds (e.g. literal vs copy commands of a delta). */
export type FileKinds = (start: number, end: number) => Partial<Record<FrameKind, number>>

/** The frames carrying the file at `path`; `kinds` attributes its bytes (default: all of `kind`). */
export function fileFrames(path: string, kind: FrameKind, kinds?: FileKinds): Frame[] {
  const fd = openSync(path, 'r')
  try {
    const size = fstatSync(fd).size
    const frames: Frame[] = [{ bytes: new FrameWriter(12).u8(TAG_FILE).varint(size).finish(), kind: 'control' }]
    for (let off = 0; off < size; off += DATA_LIMIT) {
      const n = Math.min(DATA_LIMIT, size - off)
      const bytes = new Uint8Array(1 + n)
      bytes[0] = TAG_DATA
      for (let got = 0; got < n; ) {
        const r = readSync(fd, bytes, 1 + got, n - got, off + got)
        if (r === 0) throw new Error(`${path}: ended early`)
        got += r
      }
      const split = kinds ? kinds(off, off + n) : { [kind]: n }
      split.control = (split.control ?? 0) + 1
      frames.push({ bytes, kind, split })
    }
    return frames
  } finally {
    closeSync(fd)
  }
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
