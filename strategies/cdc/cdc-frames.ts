/**
 * Frames the CDC strategies share: a payload cut into pieces of at most FRAME_PAYLOAD_LIMIT (a request,
 * a chunk index) and put back together, the chunk data entries (stored or compressed, packed into frames),
 * and the one-byte control frames.
 */
import type { Frame, FrameKind } from '../../core/strategy.ts'
import { FRAME_PAYLOAD_LIMIT, FrameReader, FrameWriter } from '../../core/wire.ts'

export const TAG_ACK = 0x41 // 'A': the rebuilt volume's digest matched; the sender may stop
export const TAG_REPAIR = 0x50 // 'P': the digest disagreed; start pass 2 with full-length hashes

/** The payload as frames `tag, pass, last?, piece`, each within the frame limit. */
export function pieceFrames(tag: number, pass: number, payload: Uint8Array, kind: FrameKind): Frame[] {
  const out: Frame[] = []
  for (let at = 0; at === 0 || at < payload.length; at += FRAME_PAYLOAD_LIMIT) {
    const piece = payload.subarray(at, at + FRAME_PAYLOAD_LIMIT)
    const last = at + FRAME_PAYLOAD_LIMIT >= payload.length ? 1 : 0
    out.push({ bytes: new FrameWriter(piece.length + 8).u8(tag).varint(pass).u8(last).bytes(piece).finish(), kind })
  }
  return out
}

/** Gathers piece frames of one tag until the last; `complete` is then the payload. */
export class PieceAssembler {
  private parts: Uint8Array[] = []
  private total = 0
  complete: Uint8Array | undefined
  pass = 0

  constructor(
    private readonly who: string,
    private readonly tag: number,
    private readonly limit: number,
  ) {}

  /** False when the frame is not one of these pieces. */
  accept(f: Uint8Array): boolean {
    if (f[0] !== this.tag) return false
    const r = new FrameReader(this.who, f)
    r.u8()
    const pass = r.varint()
    if (this.parts.length > 0 && pass !== this.pass) r.fail(`a piece of pass ${pass} inside pass ${this.pass}`)
    this.pass = pass
    const last = r.u8()
    const piece = r.bytes(r.remaining)
    this.total += piece.length
    if (this.total > this.limit) r.fail(`a payload over ${this.limit} bytes`)
    this.parts.push(piece.slice())
    if (last === 1) {
      this.complete = concat(this.parts, this.total)
      this.parts = []
      this.total = 0
    }
    return true
  }
}

function concat(parts: Uint8Array[], total: number): Uint8Array {
  const out = new Uint8Array(total)
  let at = 0
  for (const p of parts) {
    out.set(p, at)
    at += p.length
  }
  return out
}

/** A one-byte control frame carrying `tag` (an acknowledgement, a repair request). */
export const isControl = (f: Uint8Array, tag: number): boolean => f.length === 1 && f[0] === tag
