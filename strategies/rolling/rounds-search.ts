/**
 * One round of `rsync-rounds`: the receiver's sums of the blocks of every gap's old region, and the
 * sender's search of each gap against its own region's sums only. A block's sum is a 16-bit weak filter
 * (librsync's rollsum, mixed) then the first `strong` bytes of its xxh128; the sender rolls the filter
 * over every offset of the gap and hashes only where it hits.
 */
import type { StrongHasher } from '../shared/strong-hash.ts'
import { GOLDEN } from './block-index.ts'
import { weakSum } from './rolling-checksum.ts'
import { blockOffset, regionBlocks, type Gap, type Match } from './rounds-gaps.ts'

/** Bytes of the weak filter per block. */
export const WEAK_BYTES = 2
/** librsync's rollsum adds 31 to each byte (so runs of zeros still move the sum). */
const OFFSET = 31

/** The 16-bit filter of a rollsum digest: the top bits after a multiply, since s1/s2 of text crowd the low ones. */
function filter(digest: number): number {
  return Math.imul(digest, GOLDEN) >>> 16
}

/** Sums of every searched gap's region blocks, in gap order: (WEAK_BYTES + strong) bytes a block. */
export function regionSums(old: Uint8Array, gaps: readonly Gap[], blockSize: number, strong: number, hasher: StrongHasher): Uint8Array {
  let count = 0
  for (const g of gaps) count += regionBlocks(g, blockSize)
  const per = WEAK_BYTES + strong
  const out = new Uint8Array(count * per)
  let at = 0
  for (const g of gaps) {
    const k = regionBlocks(g, blockSize)
    for (let j = 0; j < k; j++, at += per) {
      const start = blockOffset(g, blockSize, j)
      const w = filter(weakSum('rollsum', old, start, blockSize))
      out[at] = w >>> 8
      out[at + 1] = w & 0xff
      out.set(hasher.hash(old.subarray(start, start + blockSize)).subarray(0, strong), at + WEAK_BYTES)
    }
  }
  return out
}

/**
 * The sender's search: for each gap (in order) the matches found in it against its region's sums, greedy
 * as rsync is (a match skips a block ahead; else the window slides one byte). Where several region blocks
 * pass, the one that continues the previous match is taken.
 */
export function searchGaps(src: Uint8Array, gaps: readonly Gap[], blockSize: number, strong: number, sums: Uint8Array, hasher: StrongHasher): Match[][] {
  const per = WEAK_BYTES + strong
  const found: Match[][] = []
  let at = 0
  for (const g of gaps) {
    const k = regionBlocks(g, blockSize)
    if (k === 0) continue
    found.push(searchGap(src, g, blockSize, strong, sums.subarray(at, at + k * per), hasher))
    at += k * per
  }
  return found
}

/** Weak filter → the region blocks that have it. */
function filterIndex(sums: Uint8Array, per: number): Map<number, number[]> {
  const index = new Map<number, number[]>()
  for (let j = 0, at = 0; at < sums.length; j++, at += per) {
    const w = (sums[at]! << 8) | sums[at + 1]!
    const list = index.get(w)
    if (list) list.push(j)
    else index.set(w, [j])
  }
  return index
}

/** The region block among `list` whose strong sum is `h`'s prefix, preferring `expected`; -1 if none. */
function strongMatch(sums: Uint8Array, per: number, strong: number, list: readonly number[], h: Uint8Array, expected: number): number {
  let hit = -1
  for (const j of list) {
    const at = j * per + WEAK_BYTES
    let same = true
    for (let i = 0; same && i < strong; i++) same = sums[at + i] === h[i]
    if (same && (hit < 0 || j === expected)) hit = j
  }
  return hit
}

function searchGap(src: Uint8Array, g: Gap, B: number, strong: number, sums: Uint8Array, hasher: StrongHasher): Match[] {
  const per = WEAK_BYTES + strong
  const index = filterIndex(sums, per)
  const out: Match[] = []
  let expected = 0
  let pos = g.newStart
  // Round 0's gap is open-ended on the receiver's side (it does not know the new size): stop at the end.
  const end = Math.min(g.newEnd, src.length)
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
    const list = index.get(filter((s1 & 0xffff) | (s2 << 16)))
    if (list) {
      const j = strongMatch(sums, per, strong, list, hasher.hash(src.subarray(pos, pos + B)), expected)
      if (j >= 0) {
        out.push({ n: pos, o: blockOffset(g, B, j), len: B })
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
