/**
 * Continuation checks of `rsync-rounds` (Suel, Noel, Trendafilov, ICDE 2004): after the search rounds, an
 * edge round at block size b checks, for every gap, the old region's first b bytes against the gap's first
 * b bytes (right after the left neighbour's match) and the region's last b bytes against the gap's last b
 * (right before the right neighbour's). Each check is at ONE position, so it needs no weak filter and only
 * the strong bits the bound over the round's check count asks for (rounds-ladder.ts). A matched check
 * extends its neighbour; edge rounds down a halving ladder (256, 128, 64, 32) find each edge's common run to
 * the last rung's granularity, a few bytes a check.
 */
import type { StrongHasher } from '../shared/strong-hash.ts'
import type { Gap, Match } from './rounds-gaps.ts'
import { BitWriter, prefixEquals } from './rounds-bits.ts'

/** One check: the new bytes at `n` against the old bytes at `o`, a block long. */
export interface EdgeCheck {
  n: number
  o: number
}

/**
 * The checks of an edge round at block size `b`, in gap order: `depth` consecutive blocks from each edge (the
 * left ones first, as many as gap and region both hold, then the right ones in what is left, so a gap's
 * checks never overlap). Depth 1: the left edge where both hold a block, the right where both hold two.
 * A check past an unmatched one still lands at its own offset from the neighbour (an edit that kept the length).
 */
export function edgeChecks(gaps: readonly Gap[], b: number, depth = 1): EdgeCheck[] {
  const out: EdgeCheck[] = []
  for (const g of gaps) {
    const gapBlocks = Math.floor((g.newEnd - g.newStart) / b)
    const regionBlocks = Math.floor((g.oldEnd - g.oldStart) / b)
    const left = Math.min(depth, gapBlocks, regionBlocks)
    const right = Math.min(depth, gapBlocks - left, regionBlocks - left)
    for (let i = 0; i < left; i++) out.push({ n: g.newStart + i * b, o: g.oldStart + i * b })
    for (let i = right; i >= 1; i--) out.push({ n: g.newEnd - i * b, o: g.oldEnd - i * b })
  }
  return out
}

/** The receiver's side: the first `strong` bits of each check's old block's xxh128, in check order, one bit stream. */
export function edgeSums(old: Uint8Array, checks: readonly EdgeCheck[], b: number, strong: number, hasher: StrongHasher): Uint8Array {
  const w = new BitWriter(checks.length * strong)
  for (const c of checks) w.prefix(hasher.hash(old.subarray(c.o, c.o + b)), strong)
  return w.finish()
}

/** The sender's side: which checks' new blocks have the receiver's sum, as a bitmap (bit i of byte i>>3). */
export function checkEdges(src: Uint8Array, checks: readonly EdgeCheck[], b: number, strong: number, sums: Uint8Array, hasher: StrongHasher): Uint8Array {
  const bits = new Uint8Array(Math.ceil(checks.length / 8))
  for (const [i, c] of checks.entries()) if (prefixEquals(sums, i * strong, hasher.hash(src.subarray(c.n, c.n + b)), strong)) bits[i >> 3]! |= 1 << (i & 7)
  return bits
}

/** The matches a bitmap of checks stands for (both sides read them alike). */
export function edgeMatches(checks: readonly EdgeCheck[], b: number, bits: Uint8Array): Match[] {
  const out: Match[] = []
  for (const [i, c] of checks.entries()) if ((bits[i >> 3]! >> (i & 7)) & 1) out.push({ n: c.n, o: c.o, len: b })
  return out
}
