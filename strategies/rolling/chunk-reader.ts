import { closeSync, openSync } from 'node:fs'
import { readFully } from '../../core/read-fully.ts'
import { FileVolume, type ReadonlyVolume } from '../../core/volume.ts'

/**
 * Reads a volume in large chunks for a whole-volume pass (a signature, a delta scan). A file-backed
 * volume is read into one buffer reused for every chunk, through a descriptor of its own: a fresh
 * 8 MiB array per chunk (as ReadonlyVolume.read must return) costs a zero-fill and ~2,000 page faults
 * each time, which measured a third of the signature's CPU on a 256 MiB file. Other volumes hand out
 * views of their memory, which cost nothing. A chunk is valid until the next read.
 */
export class ChunkReader {
  private fd: number | undefined
  private buf = new Uint8Array(0)

  constructor(private readonly volume: ReadonlyVolume) {}

  /** Closes a descriptor left open by a pass that never finished (a sync the other half broke off). */
  private static readonly leaks = new FinalizationRegistry<number>((fd) => {
    try {
      closeSync(fd)
    } catch {
      // already closed
    }
  })

  read(offset: number, length: number): Uint8Array {
    if (!(this.volume instanceof FileVolume)) return this.volume.read(offset, length)
    if (offset < 0 || length < 0 || offset + length > this.volume.size) return this.volume.read(offset, length) // let the volume raise its error
    if (this.buf.length < length) this.buf = new Uint8Array(length)
    this.readFile(offset, length, this.buf)
    return this.buf.subarray(0, length)
  }

  /** Reads [offset, offset + length) into `into` (its first `length` bytes): the scan's chunk lives in WASM memory. */
  readInto(offset: number, length: number, into: Uint8Array): void {
    if (!(this.volume instanceof FileVolume) || offset < 0 || length < 0 || offset + length > this.volume.size) {
      into.set(this.volume.read(offset, length)) // views of memory volumes; errors raised by the volume
      return
    }
    this.readFile(offset, length, into)
  }

  private readFile(offset: number, length: number, into: Uint8Array): void {
    if (this.fd === undefined) {
      this.fd = openSync((this.volume as FileVolume).path, 'r')
      ChunkReader.leaks.register(this, this.fd, this)
    }
    const got = readFully(this.fd, into, 0, length, offset)
    if (got < length) throw new Error(`chunk reader: ${(this.volume as FileVolume).path} ended at ${offset + got}, expected ${offset + length}`)
  }

  close(): void {
    if (this.fd === undefined) return
    ChunkReader.leaks.unregister(this)
    closeSync(this.fd)
    this.fd = undefined
  }
}
