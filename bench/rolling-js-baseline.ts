/**
 * The JavaScript rolling loops the WASM kernel (strategies/rolling/rolling-kernel-wat.ts) replaced, kept
 * only so `npm run bench:primitives` measures the two in one run. Written for V8 as well as we could:
 * two offsets per turn, state in locals, a literal prefilter shift, a shift for a power-of-two window.
 */
import { GOLDEN } from '../strategies/rolling/block-index.ts'
import { RK_ADJ, RK_MULT } from '../strategies/rolling/rolling-checksum.ts'
/**
 * Slides an s1/s2 window (rsync, librsync rollsum) from `p`, whose window has been tested, two offsets
 * at a time (`last − p` is even), until an offset's prefilter bit is set or `last`. Returns the offset
 * it stopped at; st[2] = −1 if no bit was set (st[0], st[1] then hold s1, s2 there), else j in 0..1:
 * the window at the returned offset + j + 1 hit, and its s1, s2 are st[3 + 2j], st[4 + 2j].
 * Written for what V8 makes of it, each point measured on the 256 MiB no-match case:
 *  - no path is rare and nothing is called: V8 deoptimised earlier versions again and again on a
 *    branch or call that had no type feedback yet (a tail step, the end of a stride);
 *  - the prefilter shift is the literal BITMAP_SHIFT, and a power-of-two window multiplies by a
 *    shift (`kLog`), not Math.imul;
 *  - probing the table inline cost more than leaving the loop on the ~1-in-256 set bit.
 */
export function rollS1S2Pow2(bytes: Uint8Array | Int8Array, p: number, last: number, k: number, kLog: number, kOff: number, bitmap: Int32Array, st: Int32Array): number {
  let s1 = st[0]!
  let s2 = st[1]!
  let first = -1
  while (p < last) {
    // s1 and s2 each gain one addition per offset on their loop-carried chains; everything else is
    // computed beside them (written as s2 − k·out − off + s1 the loop ran 1.9× slower).
    const o0 = bytes[p]!
    const s1a = (s1 + (bytes[p + k]! - o0)) | 0
    const s2a = (s2 + (s1a - (o0 << kLog) - kOff)) | 0
    const o1 = bytes[p + 1]!
    const s1b = (s1a + (bytes[p + 1 + k]! - o1)) | 0
    const s2b = (s2a + (s1b - (o1 << kLog) - kOff)) | 0
    const ba = Math.imul((s1a & 0xffff) | (s2a << 16), GOLDEN) >>> 10 // BITMAP_SHIFT
    const bb = Math.imul((s1b & 0xffff) | (s2b << 16), GOLDEN) >>> 10
    const bitA = (bitmap[ba >>> 5]! >>> ba) & 1
    if ((bitA | ((bitmap[bb >>> 5]! >>> bb) & 1)) !== 0) {
      // Both states out; the caller takes the first set one (no branch here that could be rare).
      st[3] = s1a
      st[4] = s2a
      st[5] = s1b
      st[6] = s2b
      first = 1 - bitA
      break
    }
    s1 = s1b
    s2 = s2b
    p += 2
  }
  st[0] = s1
  st[1] = s2
  st[2] = first
  return p
}

/** The same for librsync's RabinKarp: the hash travels in st[0] (and st[3 + 2j]); `mk` is RK_MULT^k. */
export function rollRabinKarp(bytes: Uint8Array, p: number, last: number, k: number, mk: number, bitmap: Int32Array, st: Int32Array): number {
  let h = st[0]!
  let first = -1
  while (p < last) {
    const ha = (Math.imul(h, RK_MULT) + (bytes[p + k]! - Math.imul(mk, bytes[p]! + RK_ADJ))) | 0
    const hb = (Math.imul(ha, RK_MULT) + (bytes[p + 1 + k]! - Math.imul(mk, bytes[p + 1]! + RK_ADJ))) | 0
    const ba = Math.imul(ha, GOLDEN) >>> 10 // BITMAP_SHIFT
    const bb = Math.imul(hb, GOLDEN) >>> 10
    const bitA = (bitmap[ba >>> 5]! >>> ba) & 1
    if ((bitA | ((bitmap[bb >>> 5]! >>> bb) & 1)) !== 0) {
      st[3] = ha
      st[5] = hb
      first = 1 - bitA
      break
    }
    h = hb
    p += 2
  }
  st[0] = h
  st[2] = first
  return p
}
