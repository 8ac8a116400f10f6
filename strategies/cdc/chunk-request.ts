/**
 * The receiver's request for the chunks it lacks, as the smaller of two codings of the same set:
 * run lengths (alternating have/need runs from chunk 0, varints: compact when changes cluster) or a
 * bitmap (one bit a chunk: compact when they scatter). The first byte says which.
 */
import { FrameReader, FrameWriter } from '../../core/wire.ts'

const RUNS = 0
const BITMAP = 1

/** The request for `need` (1 = lacking) over `count` chunks. */
export function encodeRequest(need: Uint8Array, count: number): Uint8Array {
  const runs = new FrameWriter(64).u8(RUNS)
  let value = 0
  let run = 0
  for (let i = 0; i < count; i++) {
    if (need[i] === value) run++
    else {
      runs.varint(run)
      value ^= 1
      run = 1
    }
  }
  runs.varint(run)
  const bitmapLength = 1 + Math.ceil(count / 8)
  if (runs.length <= bitmapLength) return runs.finish()
  const bits = new Uint8Array(bitmapLength)
  bits[0] = BITMAP
  for (let i = 0; i < count; i++) if (need[i]) bits[1 + (i >>> 3)]! |= 1 << (i & 7)
  return bits
}

/** The lacking set back (1 = lacking), for a receiver of `count` chunks; a malformed request throws a WireFormatError. */
export function decodeRequest(who: string, payload: Uint8Array, count: number): Uint8Array {
  const r = new FrameReader(who, payload)
  const need = new Uint8Array(count)
  if (r.u8() === BITMAP) {
    const bits = r.bytes(Math.ceil(count / 8))
    r.end()
    for (let i = 0; i < count; i++) need[i] = (bits[i >>> 3]! >>> (i & 7)) & 1
    return need
  }
  let value = 0
  let i = 0
  for (;;) {
    const run = r.bounded('run', count - i)
    need.fill(value, i, i + run)
    i += run
    value ^= 1
    if (r.remaining === 0) break
  }
  if (i !== count) r.fail(`runs cover ${i} of ${count} chunks`)
  return need
}
