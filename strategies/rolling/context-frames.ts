/**
 * The wire form of `rsync-context`: rsync-rolling's delta stream (rolling-delta.ts) with the literal bytes
 * taken out of the DELTA frames and sent, coded against the matched context, after them:
 *
 *   TARGET (as rsync-rolling's)
 *   CONTEXT  codec, literal bytes, coded bytes (control)
 *   OPS …    the DELTA frames' ops with each literal's bytes removed (its length stays in the op)
 *   CODED …  the codec's output (literal)
 *   END      (as rsync-rolling's: op count and whole-volume digest)
 *
 * The receiver puts the decoded literal bytes back into the ops and hands rsync-rolling's receiver the
 * plain DELTA frames, so applying, the digest check and the redo pass are the family's own.
 */
import { WireFormatError } from '../../core/errors.ts'
import type { Frame } from '../../core/strategy.ts'
import { FRAME_PAYLOAD_LIMIT, FrameReader, FrameWriter } from '../../core/wire.ts'
import { varintLength } from '../../core/varint.ts'
import { TAG_DELTA } from './rolling-delta.ts'
import { CONTEXT_CODECS, type CodecJob } from './context-codec.ts'

export const TAG_CONTEXT = 0x43 // 'C'
export const TAG_OPS = 0x4f // 'O'
export const TAG_CODED = 0x5a // 'Z'

/** A delta stream's ops with the literal bytes apart. */
export interface SplitDelta {
  /** OPS frames, each holding whole ops (copy bytes attributed to copy, literal headers to control). */
  ops: Frame[]
  /** The literal bytes in stream order, as the pieces the DELTA frames held. */
  literals: Uint8Array[]
  literalSize: number
}

/** Bytes a list of frames costs on the channel: each frame plus its varint length prefix. */
export function channelBytes(frames: readonly Frame[]): number {
  let n = 0
  for (const f of frames) n += f.bytes.length + varintLength(f.bytes.length)
  return n
}

/** Takes DELTA frames apart into OPS frames and the literal bytes they carried. */
export function splitDelta(who: string, deltas: readonly Uint8Array[]): SplitDelta {
  const out: SplitDelta = { ops: [], literals: [], literalSize: 0 }
  let w = new FrameWriter(256).u8(TAG_OPS)
  let copy = 0
  const flush = () => {
    if (w.length <= 1) return
    const bytes = w.finish()
    out.ops.push({ bytes, kind: 'copy', split: { copy, control: bytes.length - copy } })
    w = new FrameWriter(256).u8(TAG_OPS)
    copy = 0
  }
  for (const d of deltas) {
    const r = new FrameReader(who, d)
    if (r.u8() !== TAG_DELTA) r.fail('not a delta frame')
    while (r.remaining > 0) {
      const h = r.varint()
      const before = w.length
      w.varint(h)
      if (h % 2 === 0) {
        const bytes = r.bytes(h / 2)
        out.literals.push(bytes)
        out.literalSize += bytes.length
      } else {
        w.varint(r.varint())
        copy += w.length - before
      }
      if (w.length >= FRAME_PAYLOAD_LIMIT) flush()
    }
  }
  flush()
  return out
}

/** Calls back for every op of OPS frames, in order: a literal's length, or a copy's first block and count. */
export function walkOps(who: string, ops: readonly Uint8Array[], literal: (n: number) => void, copy: (first: number, count: number) => void): void {
  let expected = 0
  for (const f of ops) {
    const r = new FrameReader(who, f)
    if (r.u8() !== TAG_OPS) r.fail('not an ops frame')
    while (r.remaining > 0) {
      const h = r.varint()
      if (h % 2 === 0) {
        literal(h / 2)
        continue
      }
      const z = r.varint()
      const first = expected + (z % 2 === 0 ? z / 2 : -(z + 1) / 2) // zigzag, as rolling-delta.ts writes it
      const count = (h - 1) / 2
      if (first < 0 || count < 1) r.fail(`a copy of ${count} blocks from block ${first}`)
      copy(first, count)
      expected = first + count
    }
  }
}

/**
 * The DELTA frames again: each OPS frame with its literals' bytes put back from `literals` (which must
 * hold exactly the bytes the ops count). Frames as large as the originals at most, so the family's reader takes them.
 */
export function rebuildDelta(who: string, ops: readonly Uint8Array[], literals: Uint8Array): Uint8Array[] {
  const out: Uint8Array[] = []
  let at = 0
  for (const f of ops) {
    const r = new FrameReader(who, f)
    if (r.u8() !== TAG_OPS) r.fail('not an ops frame')
    let w = new FrameWriter(f.length + 64).u8(TAG_DELTA)
    while (r.remaining > 0) {
      const h = r.varint()
      w.varint(h)
      if (h % 2 === 1) {
        w.varint(r.varint())
      } else {
        const n = h / 2
        if (at + n > literals.length) r.fail(`the ops need more than the ${literals.length} literal bytes sent`)
        w.bytes(literals.subarray(at, at + n))
        at += n
      }
      if (w.length >= FRAME_PAYLOAD_LIMIT) {
        out.push(w.finish())
        w = new FrameWriter(256).u8(TAG_DELTA)
      }
    }
    if (w.length > 1) out.push(w.finish())
  }
  if (at !== literals.length) throw new WireFormatError(who, `the ops use ${at} of the ${literals.length} literal bytes sent`)
  return out
}

/** The CONTEXT frame: what the receiver needs to run the same decoder. */
export function contextFrame(job: CodecJob, codedSize: number): Frame {
  const w = new FrameWriter(32).u8(TAG_CONTEXT).u8(CONTEXT_CODECS.indexOf(job.codec)).varint(job.literalSize).varint(codedSize)
  return { bytes: w.finish(), kind: 'control' }
}

/** Reads a CONTEXT frame (the reference size is the receiver's own: it builds R itself). */
export function readContext(who: string, frame: Uint8Array, maxLiteral: number): { job: Omit<CodecJob, 'refSize'>; codedSize: number } {
  const r = new FrameReader(who, frame)
  if (r.u8() !== TAG_CONTEXT) r.fail('not a context frame')
  const codec = CONTEXT_CODECS[r.u8()]
  const literalSize = r.bounded('literal bytes', maxLiteral)
  const codedSize = r.bounded('coded bytes', 2 ** 40)
  r.end()
  if (!codec) return r.fail('unknown codec')
  return { job: { codec, level: 0, literalSize }, codedSize } // decoding needs no level
}

/** The codec's output as CODED frames of at most FRAME_PAYLOAD_LIMIT bytes. */
export function codedFrames(coded: Uint8Array): Frame[] {
  const frames: Frame[] = []
  for (let at = 0; at < coded.length; at += FRAME_PAYLOAD_LIMIT - 1) {
    const piece = coded.subarray(at, Math.min(coded.length, at + FRAME_PAYLOAD_LIMIT - 1))
    const bytes = new Uint8Array(1 + piece.length)
    bytes[0] = TAG_CODED
    bytes.set(piece, 1)
    frames.push({ bytes, kind: 'literal', split: { literal: piece.length, control: 1 } })
  }
  return frames
}
