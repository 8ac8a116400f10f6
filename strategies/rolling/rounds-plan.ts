/**
 * What both halves of `rsync-rounds` work out alike from what they both know (the ladder, the sizes, the
 * matches so far): each round's gaps and strong-sum length, and which rung comes next.
 */
import { comparisonsOf, gapsOf, regionBlocks, type Gap, type Match } from './rounds-gaps.ts'
import { WEAK_BYTES } from './rounds-search.ts'
import { strongBytesFor } from './rounds-ladder.ts'

/** What a plan needs: the ladder, the bound's bits, the digest length, and the pass (2: full-length sums). */
export interface RoundsSetup {
  ladder: readonly number[]
  bits: number
  digestLength: number
  pass: number
}

/**
 * The gaps a round signs and searches. Round 0 is the whole version against the whole old one; the
 * receiver does not know the new size yet, so its gap is left open-ended (the sender stops at its end).
 */
export function roundGaps(round: number, matches: readonly Match[], newSize: number, oldSize: number): Gap[] {
  if (round === 0) return [{ newStart: 0, newEnd: Number.MAX_SAFE_INTEGER, oldStart: 0, oldEnd: oldSize }]
  return gapsOf(matches, newSize, oldSize)
}

/**
 * The round's strong-sum bytes. Round 0 counts 2 × the old size as the offsets searched (the receiver
 * does not know the new size yet: a new version over twice as large gets a weaker round-0 bound, and the
 * digest still catches what passes). The redo pass sends full-length sums.
 */
export function roundStrong(s: RoundsSetup, round: number, gaps: readonly Gap[], oldSize: number): number {
  if (s.pass > 1) return s.digestLength
  const B = s.ladder[round]!
  const comparisons = round === 0 ? (2 * oldSize + 1) * Math.floor(oldSize / B) : comparisonsOf(gaps, B)
  return strongBytesFor(comparisons, s.bits, s.ladder.length, s.digestLength)
}

/** The first rung after `round` with a gap to search (a gap at least a block long, with a region block), or -1. */
export function nextRound(s: RoundsSetup, round: number, matches: readonly Match[], newSize: number, oldSize: number): number {
  const gaps = gapsOf(matches, newSize, oldSize)
  for (let r = round + 1; r < s.ladder.length; r++) if (comparisonsOf(gaps, s.ladder[r]!) > 0) return r
  return -1
}

/** Bytes of round `round`'s sums over `gaps` (what its signature costs, before framing). */
export function signatureBytes(s: RoundsSetup, round: number, gaps: readonly Gap[], oldSize: number): number {
  let blocks = 0
  for (const g of gaps) blocks += regionBlocks(g, s.ladder[round]!)
  return blocks * (WEAK_BYTES + roundStrong(s, round, gaps, oldSize))
}
