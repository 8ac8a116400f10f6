import type { TrackerDevice } from '../core/strategy.ts'

/**
 * The buffer a released device left, for the next device in this process: on this harness's machines a
 * fresh large allocation costs far more than the copy into it (its pages are faulted in one by one), and a
 * journal under shifting edits holds hundreds of MiB.
 */
let spare: Uint8Array | undefined

/**
 * The device a tracker persists its log or bitmap to; counts every byte written to it. One growable buffer
 * (capacity doubles, kept across clears), so reading it back is a view, not a concatenation.
 */
export class MeteredTrackerDevice implements TrackerDevice {
  private buf: Uint8Array
  private length = 0
  /** Bytes appended since creation (write amplification at the source). */
  writtenBytes = 0

  constructor() {
    this.buf = spare ?? new Uint8Array(64 << 10)
    spare = undefined
  }

  append(bytes: Uint8Array): void {
    const end = this.length + bytes.length
    if (end > this.buf.length) {
      const grown = new Uint8Array(Math.max(end, this.buf.length * 2))
      grown.set(this.buf.subarray(0, this.length))
      this.buf = grown
    }
    this.buf.set(bytes, this.length) // a copy: the caller may reuse its array
    this.length = end
    this.writtenBytes += bytes.length
  }

  /** Everything appended since the last clear: a view, valid until the next append or clear. */
  contents(): Uint8Array {
    return this.buf.subarray(0, this.length)
  }

  clear(): void {
    this.length = 0
  }

  get size(): number {
    return this.length
  }

  /** Done with: its buffer goes to the next device made in this process. */
  release(): void {
    if (!spare || spare.length < this.buf.length) spare = this.buf
    this.buf = new Uint8Array(0)
    this.length = 0
  }
}
