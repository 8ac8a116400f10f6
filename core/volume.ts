import { closeSync, fstatSync, ftruncateSync, openSync, renameSync, writeSync } from 'node:fs'
import { readFully } from './read-fully.ts'

/**
 * A byte-addressable image (block device, VM disk, database file). Strategies read it in chunks,
 * so a file-backed volume never needs its whole size on the heap.
 */
export interface ReadonlyVolume {
  readonly size: number
  /**
   * Bytes [offset, offset+length). The result may be a view into the volume's own memory:
   * do not modify it, and do not keep it across a write to the same volume.
   */
  read(offset: number, length: number): Uint8Array
}

export interface Volume extends ReadonlyVolume {
  /** Writes bytes at offset, growing the volume (zero-filled gap) when it writes past the end. */
  write(offset: number, bytes: Uint8Array): void
  /** Sets the size: shrinking drops the tail, growing appends zeros. */
  truncate(size: number): void
}

/** Default chunk for whole-volume passes: big enough to amortise calls, small enough for the cache. */
export const CHUNK = 1 << 20

function checkRange(who: string, size: number, offset: number, length: number): void {
  if (!Number.isSafeInteger(offset) || !Number.isSafeInteger(length) || offset < 0 || length < 0 || offset + length > size) {
    throw new RangeError(`${who}: read of [${offset}, ${offset + length}) is outside the volume of ${size} bytes`)
  }
}

/** An in-memory volume backed by one growable Uint8Array (capacity doubles, like a vector). */
export class MemoryVolume implements Volume {
  private buf: Uint8Array
  private len: number

  constructor(initial?: Uint8Array | number) {
    if (typeof initial === 'number') {
      this.buf = new Uint8Array(initial)
      this.len = initial
    } else {
      this.buf = initial ? new Uint8Array(initial) : new Uint8Array(0) // copies; Buffer#slice would share memory
      this.len = this.buf.length
    }
  }

  get size(): number {
    return this.len
  }

  read(offset: number, length: number): Uint8Array {
    checkRange('memory volume', this.len, offset, length)
    return this.buf.subarray(offset, offset + length)
  }

  write(offset: number, bytes: Uint8Array): void {
    const end = offset + bytes.length
    if (end > this.len) this.truncate(end)
    this.buf.set(bytes, offset)
  }

  truncate(size: number): void {
    if (!Number.isSafeInteger(size) || size < 0) throw new RangeError(`memory volume: bad size ${size}`)
    if (size > this.buf.length) {
      const grown = new Uint8Array(Math.max(size, Math.min(this.buf.length * 2, size + (64 << 20))))
      grown.set(this.buf.subarray(0, this.len))
      this.buf = grown
    } else if (size < this.len) {
      // Zero the dropped tail so a later grow reads zeros, as a file would.
      this.buf.fill(0, size, this.len)
    }
    this.len = size
  }

  /** Moves bytes inside the volume (memmove); used to apply inserts and deletes fast. */
  copyWithin(target: number, start: number, end: number): void {
    this.buf.copyWithin(target, start, end)
  }

  /** A copy of the whole content. */
  snapshot(): Uint8Array {
    return this.buf.slice(0, this.len)
  }
}

/**
 * A volume stored in a file, read and written with positioned I/O. Small reads are served from a 1 MiB
 * read-ahead window, so a strategy reading 512-byte blocks makes one system call per MiB, not per block.
 */
export class FileVolume implements Volume {
  private fd: number
  private len: number
  readonly path: string
  private window: Uint8Array = new Uint8Array(0)
  private windowAt = 0

  constructor(path: string, mode: 'open' | 'create' = 'open') {
    this.path = path
    this.fd = openSync(path, mode === 'create' ? 'w+' : 'r+')
    this.len = fstatSync(this.fd).size
  }

  get size(): number {
    return this.len
  }

  private readRaw(offset: number, length: number): Uint8Array {
    const out = new Uint8Array(length)
    const got = readFully(this.fd, out, 0, length, offset)
    if (got < length) throw new Error(`file volume ${this.path}: unexpected end of file at ${offset + got}`)
    return out
  }

  read(offset: number, length: number): Uint8Array {
    checkRange(`file volume ${this.path}`, this.len, offset, length)
    if (length >= CHUNK) return this.readRaw(offset, length)
    if (offset < this.windowAt || offset + length > this.windowAt + this.window.length) {
      // A fresh buffer each refill: views handed out earlier stay valid.
      this.windowAt = offset
      this.window = this.readRaw(offset, Math.min(CHUNK, this.len - offset))
    }
    return this.window.subarray(offset - this.windowAt, offset - this.windowAt + length)
  }

  /** Fills `into` with bytes [offset, offset + into.length) straight from the file, past the read-ahead window (one read, no copy). */
  readInto(offset: number, into: Uint8Array): void {
    checkRange(`file volume ${this.path}`, this.len, offset, into.length)
    const got = readFully(this.fd, into, 0, into.length, offset)
    if (got < into.length) throw new Error(`file volume ${this.path}: unexpected end of file at ${offset + got}`)
  }

  /**
   * Makes the file at `path` (on the same file system) this volume: renamed over this volume's own path,
   * which is atomic, then reopened. A staged replica commits so when it rewrote most of the volume.
   */
  replaceWith(path: string): void {
    renameSync(path, this.path)
    closeSync(this.fd)
    this.fd = openSync(this.path, 'r+')
    this.len = fstatSync(this.fd).size
    this.window = new Uint8Array(0)
  }

  write(offset: number, bytes: Uint8Array): void {
    this.window = new Uint8Array(0)
    let done = 0
    while (done < bytes.length) done += writeSync(this.fd, bytes, done, bytes.length - done, offset + done)
    this.len = Math.max(this.len, offset + bytes.length)
  }

  truncate(size: number): void {
    this.window = new Uint8Array(0)
    ftruncateSync(this.fd, size)
    this.len = size
  }

  close(): void {
    closeSync(this.fd)
  }
}

/**
 * Bytes [offset, offset + length) of `v` for a caller done with them before its next read: a file volume
 * reads them into `scratch` (at least `length` long), any other volume hands out a view of its own memory.
 * A fresh array per large file read (as `read` must return) costs a zero-fill and a page fault per 4 KiB,
 * more than the copy itself on this machine.
 */
export function readScratch(v: ReadonlyVolume, offset: number, length: number, scratch: Uint8Array): Uint8Array {
  if (!(v instanceof FileVolume)) return v.read(offset, length)
  if (scratch.length < length) throw new RangeError(`readScratch: a ${length}-byte read does not fit a ${scratch.length}-byte scratch buffer`)
  const view = scratch.subarray(0, length)
  v.readInto(offset, view)
  return view
}

/** Copies a whole volume into another, chunk by chunk, leaving `into` the same size as `from`. */
export function copyVolume(from: ReadonlyVolume, into: Volume): void {
  into.truncate(from.size)
  for (let off = 0; off < from.size; off += CHUNK) into.write(off, from.read(off, Math.min(CHUNK, from.size - off)))
}

/** Offset of the first byte where a and b differ (a size difference counts at the shorter end), or -1. */
export function firstDifference(a: ReadonlyVolume, b: ReadonlyVolume): number {
  const common = Math.min(a.size, b.size)
  for (let off = 0; off < common; off += CHUNK) {
    const n = Math.min(CHUNK, common - off)
    const xa = a.read(off, n)
    const x = Buffer.from(xa.buffer, xa.byteOffset, n)
    const y = b.read(off, n)
    if (x.compare(y) !== 0) {
      for (let i = 0; i < n; i++) if (x[i] !== y[i]) return off + i
    }
  }
  return a.size === b.size ? -1 : common
}
