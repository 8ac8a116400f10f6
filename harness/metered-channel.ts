import { ProtocolError } from '../core/errors.ts'
import { FRAME_KINDS, FRAME_PHASES, type Frame, type FrameKind, type FramePhase } from '../core/strategy.ts'
import { varintLength } from '../core/varint.ts'
import type { FrameCodec } from './channel-codec.ts'

export type Direction = 'down' | 'up'

/** Everything that crossed the channel during one sync. down = sender→receiver, up = receiver→sender. */
export interface ChannelCounters {
  bytes: Record<Direction, number>
  frames: Record<Direction, number>
  /** Per-frame length prefixes the transport adds (a varint each). */
  framing: number
  /** Bytes by what they carry, both directions together (framing excluded). */
  byKind: Record<FrameKind, number>
  /** One-way batches of frames: a flight ends when the other side speaks. */
  flights: number
  /** What the frames would have cost with no compression stage (bytes plus prefixes), both ways. */
  uncompressed: number
  /** Bytes (framing included) of frames a strategy marked as self-verification or repair (Frame.phase). */
  byPhase: Record<FramePhase, number>
}

export function emptyCounters(): ChannelCounters {
  const byKind = Object.fromEntries(FRAME_KINDS.map((k) => [k, 0])) as Record<FrameKind, number>
  return { bytes: { down: 0, up: 0 }, frames: { down: 0, up: 0 }, framing: 0, byKind, flights: 0, uncompressed: 0, byPhase: { verify: 0, repair: 0 } }
}

/** What one transmit delivered, and the CPU its compression stage spent on each side. */
export interface Delivery {
  frames: Uint8Array[]
  /** CPU compressing, charged to the sending side. */
  encodeCpuMs: number
  /** CPU decompressing, charged to the receiving side. */
  decodeCpuMs: number
}

/** Largest frame a decompressor may produce: a forged compressed frame cannot make it allocate more. */
const MAX_DECODED_FRAME = 1 << 30

function cpuNow(): number {
  const c = process.cpuUsage()
  return (c.user + c.system) / 1000
}

/**
 * The only way bytes pass between halves. Each frame is copied (the halves share no memory) and
 * counted where it crosses: its bytes plus a varint length prefix, as a stream transport needs. With a
 * compression stage, what is counted is the compressed frame plus its codec byte.
 */
export class MeteredChannel {
  readonly counters = emptyCounters()
  private lastDirection: Direction | undefined
  constructor(
    private readonly strategy: string,
    private readonly codec?: FrameCodec,
  ) {}

  async transmit(direction: Direction, frames: readonly Frame[]): Promise<Delivery> {
    const plain = this.count(direction, frames)
    if (!this.codec || plain.length === 0) return { frames: plain, encodeCpuMs: 0, decodeCpuMs: 0 }
    // Undo the plain count of bytes and framing, then count the encoded frames instead.
    let encodeCpuMs = 0
    let decodeCpuMs = 0
    const out: Uint8Array[] = []
    for (const f of plain) {
      this.counters.bytes[direction] -= f.length + varintLength(f.length)
      this.counters.framing -= varintLength(f.length)
      let t = cpuNow()
      const wire = await this.codec.encode(f, direction)
      encodeCpuMs += cpuNow() - t
      const prefix = varintLength(wire.length)
      this.counters.bytes[direction] += wire.length + prefix
      // The codec byte is framing; the payload stands for the frame's (attributed) bytes.
      this.counters.framing += prefix + 1
      t = cpuNow()
      out.push(new Uint8Array(await this.codec.decode(wire, MAX_DECODED_FRAME)))
      decodeCpuMs += cpuNow() - t
    }
    return { frames: out, encodeCpuMs, decodeCpuMs }
  }

  /** Counts frames as sent plain and returns copies of them. */
  private count(direction: Direction, frames: readonly Frame[]): Uint8Array[] {
    if (!Array.isArray(frames)) throw new ProtocolError(this.strategy, `step must return an array of frames, got ${typeof frames}`)
    if (frames.length === 0) return []
    if (direction !== this.lastDirection) {
      this.counters.flights++
      this.lastDirection = direction
    }
    const out: Uint8Array[] = []
    for (const frame of frames) {
      if (!(frame?.bytes instanceof Uint8Array)) throw new ProtocolError(this.strategy, 'a frame without bytes (Uint8Array) was sent')
      const n = frame.bytes.length
      const prefix = varintLength(n)
      this.counters.bytes[direction] += n + prefix
      this.counters.uncompressed += n + prefix
      this.counters.frames[direction]++
      this.counters.framing += prefix
      if (frame.split) {
        let sum = 0
        for (const [kind, len] of Object.entries(frame.split) as [string, number | undefined][]) {
          if (!isFrameKind(kind)) throw new ProtocolError(this.strategy, `unknown frame kind "${kind}"`)
          const n = len ?? 0
          this.counters.byKind[kind] += n
          sum += n
        }
        if (sum !== n) throw new ProtocolError(this.strategy, `frame split adds up to ${sum} bytes, frame has ${n}`)
      } else {
        const kind: string = frame.kind
        if (!isFrameKind(kind)) throw new ProtocolError(this.strategy, `unknown frame kind "${kind}"`)
        this.counters.byKind[kind] += n
      }
      if (frame.phase !== undefined) {
        const phase: string = frame.phase
        if (!isFramePhase(phase)) throw new ProtocolError(this.strategy, `unknown frame phase "${phase}"`)
        this.counters.byPhase[phase] += n + prefix
      }
      out.push(new Uint8Array(frame.bytes)) // a copy even when a half hands over a Buffer (whose slice is a view)
    }
    return out
  }
}

function isFrameKind(kind: string): kind is FrameKind {
  return (FRAME_KINDS as readonly string[]).includes(kind)
}

function isFramePhase(phase: string): phase is FramePhase {
  return (FRAME_PHASES as readonly string[]).includes(phase)
}
