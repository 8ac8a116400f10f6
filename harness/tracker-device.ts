import type { TrackerDevice } from '../core/strategy.ts'

/** The device a tracker persists its log or bitmap to; counts every byte written to it. */
export class MeteredTrackerDevice implements TrackerDevice {
  private chunks: Uint8Array[] = []
  private length = 0
  /** Bytes appended since creation (write amplification at the source). */
  writtenBytes = 0

  append(bytes: Uint8Array): void {
    this.chunks.push(new Uint8Array(bytes)) // new Uint8Array copies; Buffer#slice would not
    this.length += bytes.length
    this.writtenBytes += bytes.length
  }

  contents(): Uint8Array {
    const out = Buffer.concat(this.chunks)
    this.chunks = [new Uint8Array(out.buffer, out.byteOffset, out.length)]
    return new Uint8Array(out.buffer, out.byteOffset, out.length)
  }

  clear(): void {
    this.chunks = []
    this.length = 0
  }

  get size(): number {
    return this.length
  }
}
