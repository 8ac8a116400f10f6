/**
 * What both halves of `rsync-rounds` work out alike from what they both know (the ladder, the sizes, the
 * matches so far): each round's gaps and strong-sum length, and which rung comes next.
 */
import { edgeChecks } from './rounds-edges.ts'
import { comparisonsOf, gapsOf, regionBlocks, type Gap, type Match } from './rounds-gaps.ts'
import { weakBitsFor } from './rounds-search.ts'
import { strongBitsFor } from './rounds-ladder.ts'
import { gapNewBlocks, senderStrongBits, senderSumsBytes } from './rounds-index.ts'
import { matchedBytes, mergeMatches } from './rounds-gaps.ts'
import { gapHashBits, VERIFY_SLACK, verifiedRoundBits, type VerifyMode } from './rounds-verify.ts'

/** What a plan needs: the search and edge ladders, the bound's bits, the digest length, and the pass (2: full-length sums). */
export interface RoundsSetup {
  ladder: readonly number[]
  /** Block sizes of the edge rounds (continuation checks, rounds-edges.ts) after the search rounds. */
  edges: readonly number[]
  bits: number
  digestLength: number
  pass: number
  /** Who speaks first in round 0 (rounds-index.ts); the finer rounds and the redo pass are receiver-first. */
  direction?: RoundsDirection
  /** How false matches are kept out (rounds-verify.ts): per gap (`gap`) or by every sum's length (`sum`, the default here). */
  verify?: VerifyMode
  /** Continuation checks per gap edge in an edge round (rounds-edges.ts), 1 unless the driver asks for more. */
  edgeDepth?: number
  /** Bits beyond log2 of a gap's checks in a verified sum (VERIFY_SLACK unless a test or the driver forces another). */
  slack?: number
}

export const ROUNDS_DIRECTIONS = ['receiver-first', 'sender-first'] as const
export type RoundsDirection = (typeof ROUNDS_DIRECTIONS)[number]

/** A round's matched bytes over the next round's signature bytes below which no finer round follows. */
export const CONTINUE_RATIO = 2

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

/**
 * The strong-sum bits of round `round`, one entry per gap (0 where the gap is not searched; an edge round's
 * checks all get the first entry). A sync's false-match budget 2^-bits is split evenly over its rounds, and a
 * search round's share is split over its gaps in proportion to their region blocks: gap g, with P_g offsets
 * against K_g of the round's K blocks, gets s_g = log2(P_g · K) + bits + log2 rounds, so its P_g · K_g
 * checks pass by chance with probability under (K_g / K) · 2^-bits / rounds, and the round's under
 * 2^-bits / rounds. That choice minimises the round's Σ K_g · s_g for the bound (a Lagrange multiplier:
 * ∂/∂s_g of Σ K_g s_g + λ Σ P_g K_g 2^-s_g is 0 where 2^-s_g ∝ 1/P_g): a short gap's blocks get shorter sums.
 * Round 0 counts 2 × the old size + 1 offsets (the receiver does not know the new size yet: a new version
 * over twice as large gets a weaker round-0 bound, and the digest still catches what passes). Pass 2 sends
 * full-length sums.
 */
export function roundStrongBits(s: RoundsSetup, round: number, gaps: readonly Gap[], oldSize: number): number[] {
  const full = 8 * s.digestLength
  const rounds = roundCount(s)
  const B = roundBlock(s, round)
  if (gapVerified(s)) return verifiedRoundBits(isEdgeRound(s, round) ? 'edge' : round === 0 ? 'first' : 'search', gaps, B, oldSize, slackOf(s), full, s.edgeDepth ?? 1)
  if (isEdgeRound(s, round)) {
    const checks = roundEdgeChecks(s, gaps, B).length
    return [s.pass > 1 ? full : strongBitsFor(checks, s.bits, rounds, full)]
  }
  if (round === 0) return [s.pass > 1 ? full : strongBitsFor((2 * oldSize + 1) * Math.floor(oldSize / B), s.bits, rounds, full)]
  let K = 0
  for (const g of gaps) K += regionBlocks(g, B)
  return gaps.map((g) => (regionBlocks(g, B) === 0 ? 0 : s.pass > 1 ? full : strongBitsFor((g.newEnd - g.newStart - B + 1) * K, s.bits, rounds, full)))
}

/** The most bits a sum of the round gets: sent in the signature's header, so two halves with another plan disagree at once. */
export function roundStrong(s: RoundsSetup, round: number, gaps: readonly Gap[], oldSize: number): number {
  return roundStrongBits(s, round, gaps, oldSize).reduce((a, b) => Math.max(a, b), 0)
}

/** The checks round `round` makes: (offset, block) pairs for a search round, one per edge check for an edge round. */
function checksOf(s: Pick<RoundsSetup, 'ladder' | 'edges' | 'edgeDepth'>, round: number, gaps: readonly Gap[]): number {
  const B = roundBlock(s, round)
  return isEdgeRound(s, round) ? roundEdgeChecks(s, gaps, B).length : comparisonsOf(gaps, B)
}

/** The first round after `round` with something to check (a gap and region that hold its block), or -1. */
export function nextRound(s: RoundsSetup, round: number, matches: readonly Match[], newSize: number, oldSize: number): number {
  const gaps = gapsOf(matches, newSize, oldSize)
  for (let r = round + 1; r < roundCount(s); r++) if (checksOf(s, r, gaps) > 0) return r
  return -1
}

/** Bytes of round `round`'s sums over `gaps` (what its signature costs, before framing). */
export function signatureBytes(s: RoundsSetup, round: number, gaps: readonly Gap[], oldSize: number): number {
  // A later round's gaps end inside the new version, so no new size is needed to count their blocks.
  if (senderSigns(s, round) && round > 0) return senderSumsBytes(gaps, roundBlock(s, round), Number.MAX_SAFE_INTEGER, senderRoundBits(s, round, gaps, Number.MAX_SAFE_INTEGER))
  const strong = roundStrongBits(s, round, gaps, oldSize)
  if (isEdgeRound(s, round)) return Math.ceil((checksOf(s, round, gaps) * strong[0]!) / 8)
  let bits = 0
  const B = roundBlock(s, round)
  for (const [i, g] of (round === 0 ? gaps.slice(0, 1) : gaps).entries()) bits += regionBlocks(g, B) * (weakBitsFor(regionBlocks(g, B)) + strong[i]!)
  return Math.ceil(bits / 8)
}

/**
 * Whether this pass checks each gap's matches with one hash (verify=gap, rounds-verify.ts) instead of sizing
 * every sum for the bound: pass 1 of a receiver-first sync (sender-first rounds and the redo pass size sums as verify=sum).
 */
export function gapVerified(s: RoundsSetup): boolean {
  return s.verify === 'gap' && s.pass === 1 && s.direction !== 'sender-first'
}

/** The verified sums' slack bits of this setup. */
export function slackOf(s: Pick<RoundsSetup, 'slack'>): number {
  return s.slack ?? VERIFY_SLACK
}

/** An edge round's checks at block size `B` over `gaps`, `edgeDepth` a gap edge. */
export function roundEdgeChecks(s: Pick<RoundsSetup, 'edgeDepth'>, gaps: readonly Gap[], B: number) {
  return edgeChecks(gaps, B, s.edgeDepth ?? 1)
}

/** Bits of each gap's hash in a verified round over `gaps` (rounds-verify.ts). */
export function roundHashBits(s: RoundsSetup, gaps: readonly Gap[]): number {
  return gapHashBits(s.bits, roundCount(s), gaps.length, slackOf(s), 8 * s.digestLength)
}

/** Whether the sender signs round `round` (sender-first search rounds of pass 1, rounds-index.ts); else the receiver does. */
export function senderSigns(s: RoundsSetup, round: number): boolean {
  return s.direction === 'sender-first' && s.pass === 1 && !isEdgeRound(s, round)
}

/**
 * Strong bits per gap of a round the sender signs. Round 0 (the index of the whole new version): the
 * receiver checks every replica offset, and the sender, not knowing the replica's size, counts 2 × its own
 * size + 1 (the mirror of a receiver-first round 0). Later rounds split the bound as rounds-index.ts says.
 */
export function senderRoundBits(s: RoundsSetup, round: number, gaps: readonly Gap[], newSize: number): number[] {
  const B = roundBlock(s, round)
  const bitsFor = (comparisons: number) => strongBitsFor(comparisons, s.bits, roundCount(s), 8 * s.digestLength)
  if (round === 0) return [bitsFor((2 * newSize + 1) * gapNewBlocks(gaps[0]!, B, newSize))]
  return senderStrongBits(gaps, B, newSize, bitsFor)
}

/**
 * Whether a finer round follows round `round`: only if its matches (`found`) cover at least CONTINUE_RATIO ×
 * the bytes the next round's sums would cost. Gaps of new data (random overwrites) found little when cut
 * at the edges, and signing them finer would cost more than it could save; edited text keeps finding
 * matches. Both sides know every input, so whichever side answers a round decides.
 */
export function worthAnother(s: RoundsSetup, round: number, before: readonly Match[], found: readonly Match[], newSize: number, oldSize: number): boolean {
  const merged = mergeMatches(before, found)
  const next = nextRound(s, round, merged, newSize, oldSize)
  if (next < 0) return false
  return matchedBytes(found) >= CONTINUE_RATIO * signatureBytes(s, next, gapsOf(merged, newSize, oldSize), oldSize)
}
