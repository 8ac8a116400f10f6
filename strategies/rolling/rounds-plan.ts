/**
 * What both halves of `rsync-rounds` work out alike from what they both know (the ladder, the sizes, the
 * matches so far): each round's gaps and strong-sum length, and which rung comes next.
 */
import { edgeChecks } from './rounds-edges.ts'
import { comparisonsOf, gapsOf, regionBlocks, type Gap, type Match } from './rounds-gaps.ts'
import { WEAK_BYTES } from './rounds-search.ts'
import { strongBytesFor } from './rounds-ladder.ts'

/** What a plan needs: the search and edge ladders, the bound's bits, the digest length, and the pass (2: full-length sums). */
export interface RoundsSetup {
  ladder: readonly number[]
  /** Block sizes of the edge rounds (continuation checks, rounds-edges.ts) after the search rounds. */
  edges: readonly number[]
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

/** Rounds in a sync: the search rungs, then the edge rungs. */
export function roundCount(s: Pick<RoundsSetup, 'ladder' | 'edges'>): number {
  return s.ladder.length + s.edges.length
}

/** Whether round `round` is an edge round (continuation checks) rather than a search round. */
export function isEdgeRound(s: Pick<RoundsSetup, 'ladder' | 'edges'>, round: number): boolean {
  return round >= s.ladder.length
}

/** Round `round`'s block size. */
export function roundBlock(s: Pick<RoundsSetup, 'ladder' | 'edges'>, round: number): number {
  return isEdgeRound(s, round) ? s.edges[round - s.ladder.length]! : s.ladder[round]!
}

/** The checks round `round` makes: (offset, block) pairs for a search round, one per edge check for an edge round. */
function checksOf(s: RoundsSetup, round: number, gaps: readonly Gap[]): number {
  const B = roundBlock(s, round)
  return isEdgeRound(s, round) ? edgeChecks(gaps, B).length : comparisonsOf(gaps, B)
}

/**
 * The round's strong-sum bytes. Round 0 counts 2 × the old size as the offsets searched (the receiver
 * does not know the new size yet: a new version over twice as large gets a weaker round-0 bound, and the
 * digest still catches what passes). The redo pass sends full-length sums.
 */
export function roundStrong(s: RoundsSetup, round: number, gaps: readonly Gap[], oldSize: number): number {
  if (s.pass > 1) return s.digestLength
  const comparisons = round === 0 ? (2 * oldSize + 1) * Math.floor(oldSize / s.ladder[0]!) : checksOf(s, round, gaps)
  return strongBytesFor(comparisons, s.bits, roundCount(s), s.digestLength)
}

/** The first round after `round` with something to check (a gap and region that hold its block), or -1. */
export function nextRound(s: RoundsSetup, round: number, matches: readonly Match[], newSize: number, oldSize: number): number {
  const gaps = gapsOf(matches, newSize, oldSize)
  for (let r = round + 1; r < roundCount(s); r++) if (checksOf(s, r, gaps) > 0) return r
  return -1
}

/** Bytes of round `round`'s sums over `gaps` (what its signature costs, before framing). */
export function signatureBytes(s: RoundsSetup, round: number, gaps: readonly Gap[], oldSize: number): number {
  if (isEdgeRound(s, round)) return checksOf(s, round, gaps) * roundStrong(s, round, gaps, oldSize)
  let blocks = 0
  for (const g of gaps) blocks += regionBlocks(g, s.ladder[round]!)
  return blocks * (WEAK_BYTES + roundStrong(s, round, gaps, oldSize))
}
