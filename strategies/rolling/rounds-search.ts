/**
 * One round of `rsync-rounds`: the receiver's sums of the blocks of every gap's old region, and the
 * sender's search of each gap against its own region's sums only. A block's sum is a weak filter of up to
 * 16 bits (librsync's rollsum, mixed; shorter in a gap of few blocks, weakBitsFor) then the first bits of its xxh128, as many as its gap's bound asks for
 * (rounds-plan.ts), packed as a bit stream (rounds-bits.ts); the sender rolls the filter over every offset
 * of the gap and hashes only where it hits.
 */
import type { StrongHasher } from '../shared/strong-hash.ts'
import { GOLDEN } from './block-index.ts'
import { weakSum } from './rolling-checksum.ts'
import { blockOffset, regionBlocks, type Gap, type Match } from './rounds-gaps.ts'
import { BitWriter, prefixEquals, uintAt } from './rounds-bits.ts'

/** Most bits of the weak filter per block. */
export const WEAK_BITS = 16
/** Weak bits beyond log2 of a gap's blocks: at most ~2^-WEAK_SLACK false filter hits per offset (each a strong hash). */
const WEAK_SLACK = 2

/**
 * The weak filter's bits for a gap searched against `k` region blocks. The filter only saves the sender
 * strong hashes (the bound counts strong bits alone), and with k blocks an offset hits k / 2^w of them by
 * chance: log2 k + WEAK_SLACK bits keep that under 1/4 per offset, so a gap of 4 blocks needs 4 bits, not 16.
 */
export function weakBitsFor(k: number): number {
  return Math.min(WEAK_BITS, Math.ceil(Math.log2(Math.max(1, k))) + WEAK_SLACK)
}
/** librsync's rollsum adds 31 to each byte (so runs of zeros still move the sum). */
const OFFSET = 31

/** The 16-bit filter of a rollsum digest: the top bits after a multiply, since s1/s2 of text crowd the low ones. */
function filter(digest: number): number {
  return Math.imul(digest, GOLDEN) >>> 16
}

/** Sums of every searched gap's region blocks, in gap order: 16 + strong[g] bits a block, one bit stream. */
export function regionSums(old: Uint8Array, gaps: readonly Gap[], blockSize: number, strong: readonly number[], hasher: StrongHasher): Uint8Array {
  let bits = 0
  for (const [i, g] of gaps.entries()) bits += regionBlocks(g, blockSize) * (weakBitsFor(regionBlocks(g, blockSize)) + (strong[i] ?? 0))
  const w = new BitWriter(bits)
  for (const [i, g] of gaps.entries()) {
    const k = regionBlocks(g, blockSize)
    const weak = weakBitsFor(k)
    for (let j = 0; j < k; j++) writeBlockSum(w, old, blockOffset(g, blockSize, j), blockSize, weak, strong[i]!, hasher)
  }
  return w.finish()
}

/** One block's sum onto the bit stream: `weak` filter bits, then the first `strong` bits of its strong hash. */
export function writeBlockSum(w: BitWriter, data: Uint8Array, start: number, B: number, weak: number, strong: number, hasher: StrongHasher): void {
  w.uint(filter(weakSum('rollsum', data, start, B)) >>> (WEAK_BITS - weak), weak)
  w.prefix(hasher.hash(data.subarray(start, start + B)), strong)
}

/** One gap's sums as the sender reads them: the bit stream, where the gap's first block starts, its weak and strong bits. */
export interface GapSums {
  sums: Uint8Array
  at: number
  weak: number
  strong: number
}

/**
 * The sender's search: for each gap (in order) the matches found in it against its region's sums, greedy
 * as rsync is (a match skips a block ahead; else the window slides one byte). Where several region blocks
 * pass, the one that continues the previous match is taken.
 */
export function searchGaps(src: Uint8Array, gaps: readonly Gap[], blockSize: number, strong: readonly number[], sums: Uint8Array, hasher: StrongHasher): Match[][] {
  const found: Match[][] = []
  let at = 0
  for (const [i, g] of gaps.entries()) {
    const k = regionBlocks(g, blockSize)
    if (k === 0) continue
    const weak = weakBitsFor(k)
    found.push(searchGap(src, g, blockSize, { sums, at, weak, strong: strong[i]! }, hasher))
    at += k * (weak + strong[i]!)
  }
  return found
}

/** Weak filter → the region blocks that have it. */
function filterIndex(s: GapSums, k: number): Map<number, number[]> {
  const index = new Map<number, number[]>()
  for (let j = 0; j < k; j++) {
    const w = uintAt(s.sums, s.at + j * (s.weak + s.strong), s.weak)
    const list = index.get(w)
    if (list) list.push(j)
    else index.set(w, [j])
  }
  return index
}

/** The region block among `list` whose strong sum is `h`'s prefix, preferring `expected`; -1 if none. */
function strongMatch(s: GapSums, list: readonly number[], h: Uint8Array, expected: number): number {
  let hit = -1
  for (const j of list) {
    const same = prefixEquals(s.sums, s.at + j * (s.weak + s.strong) + s.weak, h, s.strong)
    if (same && (hit < 0 || j === expected)) hit = j
  }
  return hit
}

function searchGap(src: Uint8Array, g: Gap, B: number, sums: GapSums, hasher: StrongHasher): Match[] {
  // Round 0's gap is open-ended on the receiver's side (it does not know the new size): stop at the end.
  const hits = searchRange(src, g.newStart, Math.min(g.newEnd, src.length), B, sums, regionBlocks(g, B), hasher)
  return hits.map(([pos, j]) => ({ n: pos, o: blockOffset(g, B, j), len: B }))
}

/**
 * rsync's search of `src` from `start` to `end` against `k` blocks' sums: [offset, block index] of every
 * match, greedy (a match skips a block ahead; else the window slides one byte), preferring the block that
 * continues the previous match.
 */
export function searchRange(src: Uint8Array, start: number, end: number, B: number, sums: GapSums, k: number, hasher: StrongHasher): [number, number][] {
  const index = filterIndex(sums, k)
  const out: [number, number][] = []
  let expected = 0
  let pos = start
  let s1 = 0
  let s2 = 0
  const reset = () => {
    s1 = 0
    s2 = 0
    for (let i = pos; i < pos + B; i++) {
      s1 = (s1 + src[i]! + OFFSET) | 0
      s2 = (s2 + s1) | 0
    }
  }
  if (pos + B <= end) reset()
  while (pos + B <= end) {
    const list = index.get(filter((s1 & 0xffff) | (s2 << 16)) >>> (WEAK_BITS - sums.weak))
    if (list) {
      const j = strongMatch(sums, list, hasher.hash(src.subarray(pos, pos + B)), expected)
      if (j >= 0) {
        out.push([pos, j])
        expected = j + 1
        pos += B
        if (pos + B <= end) reset()
        continue
      }
    }
    if (pos + B >= end) break
    // Roll one byte: out leaves at the front, in joins at the back (the same sum the receiver computes).
    const o = src[pos]! + OFFSET
    s1 = (s1 - o + src[pos + B]! + OFFSET) | 0
    s2 = (s2 - Math.imul(B, o) + s1) | 0
    pos++
  }
  return out
}
