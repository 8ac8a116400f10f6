import { WireFormatError } from './errors.ts'
import { MAX_VARINT_BYTES, varintLength, writeVarint } from './varint.ts'

/**
 * Payload bytes per frame, so no frame grows with the volume: raw data is cut into pieces of at most this,
 * and a frame of entries (blocks, records, delta ops) is closed once it reaches it; the entry that
 * crossed it stays whole, so such a frame holds at most this plus one entry.
 */
export const FRAME_PAYLOAD_LIMIT = 1 << 20

/**
 * Buffers that grown FrameWriters gave back on finish(), for the next writer that grows. On this
 * harness's machines fresh memory costs far more than a copy into warm memory (a fresh 1 MiB array is
 * milliseconds of page faults), and a frame grown by doubling from 1 KiB used to allocate 2-4× its size
 * fresh. At most SPARES_KEPT buffers of at most SPARE_LARGEST bytes are kept (8 MiB of heap at most).
 */
const spares: Uint8Array[] = []
const SPARES_KEPT = 2
const SPARE_LARGEST = 4 * FRAME_PAYLOAD_LIMIT

/** A spare of at least `n` bytes, or a fresh one. */
function growthBuffer(n: number): Uint8Array {
  for (let i = 0; i < spares.length; i++) {
    if (spares[i]!.length >= n) return spares.splice(i, 1)[0]!
  }
  return new Uint8Array(n)
}

function giveBack(buf: Uint8Array): void {
  if (buf.length > SPARE_LARGEST) return
  if (spares.length < SPARES_KEPT) spares.push(buf)
  else {
    // Keep the larger buffers: a small spare serves fewer writers.
    let smallest = 0
    for (let i = 1; i < spares.length; i++) if (spares[i]!.length < spares[smallest]!.length) smallest = i
    if (spares[smallest]!.length < buf.length) spares[smallest] = buf
  }
}

/**
 * Builds one frame: a buffer of the given capacity with varint and raw-byte writers. A frame that outgrows
 * it continues in a growth buffer shared across writers (see `spares`), and finish() copies the frame out
 * of it at its exact length.
 */
export class FrameWriter {
  private buf: Uint8Array
  private pos = 0
  private spent = false
  /** True once buf is a growth buffer: it is given back on finish(), never handed over. */
  private grown = false

  constructor(capacity = 256) {
    this.buf = new Uint8Array(capacity)
  }

  get length(): number {
    return this.pos
  }

  private room(n: number): void {
    if (this.spent) throw new Error('wire: a FrameWriter was written after finish(); start a new one')
    if (this.pos + n <= this.buf.length) return
    const grown = growthBuffer(Math.max(this.buf.length * 2, this.pos + n))
    grown.set(this.buf.subarray(0, this.pos))
    if (this.grown) giveBack(this.buf)
    this.buf = grown
    this.grown = true
  }

  u8(v: number): this {
    this.room(1)
    this.buf[this.pos++] = v
    return this
  }

  varint(v: number): this {
    if (!Number.isSafeInteger(v) || v < 0) throw new RangeError(`wire: varint out of range: ${v}`)
    this.room(varintLength(v))
    this.pos = writeVarint(this.buf, this.pos, v)
    return this
  }

  bytes(b: Uint8Array): this {
    this.room(b.length)
    this.buf.set(b, this.pos)
    this.pos += b.length
    return this
  }

  /**
   * The frame's bytes. A frame that grew is copied out of its growth buffer at its exact length (the
   * buffer goes back for the next writer). Otherwise, when at least half the buffer is used the buffer
   * itself is handed over (a big literal frame is then not copied a second time: measured 13 ms of a
   * 256 MiB delta's 240) and the writer is spent; else a trimmed copy, so a small frame does not pin a
   * big buffer.
   */
  finish(): Uint8Array {
    if (this.spent) throw new Error('wire: finish() called twice on one FrameWriter')
    this.spent = true
    if (this.grown) {
      const out = this.buf.slice(0, this.pos)
      giveBack(this.buf)
      this.buf = out
      return out
    }
    return this.pos * 2 >= this.buf.length ? this.buf.subarray(0, this.pos) : this.buf.slice(0, this.pos)
  }
}

/**
 * Reads one frame with every length checked against what is left, so a malformed or truncated frame
 * raises a WireFormatError naming the strategy, never a RangeError or an allocation of a forged size.
 */
export class FrameReader {
  private pos = 0
  constructor(
    private readonly who: string,
    private readonly buf: Uint8Array,
  ) {}

  get remaining(): number {
    return this.buf.length - this.pos
  }

  get offset(): number {
    return this.pos
  }

  fail(message: string): never {
    throw new WireFormatError(this.who, `${message} (at byte ${this.pos} of a ${this.buf.length}-byte frame)`)
  }

  u8(): number {
    if (this.pos >= this.buf.length) this.fail('truncated: expected a byte')
    return this.buf[this.pos++]!
  }

  varint(): number {
    let value = 0
    let scale = 1
    for (let i = 0; i < MAX_VARINT_BYTES; i++) {
      if (this.pos >= this.buf.length) this.fail('truncated varint')
      const b = this.buf[this.pos++]!
      value += (b & 0x7f) * scale
      if ((b & 0x80) === 0) {
        if (!Number.isSafeInteger(value)) this.fail('varint exceeds 2^53')
        return value
      }
      scale *= 128
    }
    return this.fail('varint longer than 8 bytes')
  }

  /** A varint that must be at most `max` (a count or length about to size something). */
  bounded(what: string, max: number): number {
    const v = this.varint()
    if (v > max) this.fail(`${what} ${v} exceeds ${max}`)
    return v
  }

  /** A view of the next n bytes. */
  bytes(n: number): Uint8Array {
    if (n > this.remaining) this.fail(`truncated: ${n} bytes expected, ${this.remaining} left`)
    const out = this.buf.subarray(this.pos, this.pos + n)
    this.pos += n
    return out
  }

  /** Asserts the frame was consumed exactly. */
  end(): void {
    if (this.pos !== this.buf.length) this.fail(`${this.buf.length - this.pos} trailing bytes`)
  }
}
