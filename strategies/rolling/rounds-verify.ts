/**
 * Verified short sums of `rsync-rounds` (`verify=gap`). With `verify=sum` every sum carries its share of the
 * sync's false-match bound (~22 of its bits). With `verify=gap` a sum is sized only so that its own gap
 * expects under 2^-VERIFY_SLACK false matches, and the sender sends, per gap where it found matches, one hash
 * of those matches' new content; the receiver hashes the same old blocks and commits a gap's matches only if
 * the hashes agree (a failed gap's matches are dropped, and the receiver's next message says which). The bound
 * moves from every sum (~30,000 on the typescript pair) to every gap with matches (~3,000), at the price of one
 * more message after the last round (the verdict, before the literals are coded against R).
 *
 * The bound: in a round with U gaps, gap u expects at most P_u · K_u · 2^-s_u ≤ 2^-slack false matches
 * (P_u offsets against K_u blocks, s_u strong bits), so it holds one with probability under 2^-slack; a
 * gap's hash of h bits then lets it through with probability 2^-h (a hash of other content). So a round
 * commits a false match with probability under U · 2^-slack · 2^-h, which h = bits + log2 rounds + log2 U −
 * slack keeps under the round's share 2^-bits / rounds: the sync's bound is 2^-bits, as with verify=sum.
 * Only strong bits count (the weak filter's bits are not uniform on text); the whole-version digest and
 * the redo pass stay behind it.
 */
import type { FrameReader, FrameWriter } from '../../core/wire.ts'
import type { StrongHasher } from '../shared/strong-hash.ts'
import { BitWriter, prefixEquals } from './rounds-bits.ts'
import { regionBlocks, type Gap, type Match } from './rounds-gaps.ts'

export const VERIFY_MODES = ['gap', 'sum'] as const
export type VerifyMode = (typeof VERIFY_MODES)[number]

/**
 * Bits beyond log2 of a gap's checks in a verified sum: a gap then holds a false match with probability under
 * 2^-VERIFY_SLACK, and its matches are lost when it does. On the typescript pair (bench/rounds-driver.ts with
 * slack=N, docs/rsync-family.md) 2, 3, 4, 6, 9 bits sent 404,997, 403,087, 404,571, 409,223, 418,118 B with 586,
 * 293, 149, 38, 5 gaps failed: flat around 3-4; 4 fails half as many gaps as 3 for 0.4% more bytes.
 */
export const VERIFY_SLACK = 4

/** Tags a gap's hash input, so a one-block gap's hash is not the block's own strong sum (whose prefix the search compared). */
const TAG = 0x76 // 'v'

/** Strong bits of a verified sum over `checks` (offset, block) checks: log2 checks + slack, at least 1, at most the digest's. */
export function verifiedBits(checks: number, slack: number, digestBits: number): number {
  return Math.min(digestBits, Math.max(1, Math.ceil(Math.log2(Math.max(1, checks)) + slack)))
}

/**
 * Strong bits per gap of a verified round (the same shape as rounds-plan.ts's roundStrongBits): round 0 checks
 * (2 × old size + 1) offsets against the old version's blocks as one gap; an edge round (`edge`) makes at most
 * 2 × `edgeDepth` checks a gap (one entry for all); a search round gap g checks P_g offsets against its K_g region blocks.
 */
export function verifiedRoundBits(kind: 'first' | 'search' | 'edge', gaps: readonly Gap[], B: number, oldSize: number, slack: number, digestBits: number, edgeDepth = 1): number[] {
  if (kind === 'edge') return [verifiedBits(2 * edgeDepth, slack, digestBits)]
  if (kind === 'first') return [verifiedBits((2 * oldSize + 1) * Math.floor(oldSize / B), slack, digestBits)]
  return gaps.map((g) => (regionBlocks(g, B) === 0 ? 0 : verifiedBits((g.newEnd - g.newStart - B + 1) * regionBlocks(g, B), slack, digestBits)))
}

/** Bits of each gap's hash in a round of `units` gaps: bits + log2 rounds + log2 units − slack, 1 at least. */
export function gapHashBits(bits: number, rounds: number, units: number, slack: number, digestBits: number): number {
  return Math.min(digestBits, Math.max(1, Math.ceil(bits + Math.log2(rounds) + Math.log2(Math.max(1, units)) - slack)))
}

/** A round's matches grouped by the gap of `gaps` each lies in, only the gaps that hold any, in gap order. */
export function groupByGap(gaps: readonly Gap[], found: readonly Match[]): Match[][] {
  const sorted = [...found].sort((a, b) => a.n - b.n)
  const groups: Match[][] = []
  let gi = 0
  let open = -1
  for (const m of sorted) {
    while (gi < gaps.length && gaps[gi]!.newEnd <= m.n) gi++
    if (gi >= gaps.length || m.n < gaps[gi]!.newStart) throw new Error(`rsync-rounds: a match at ${m.n} lies in no gap of its round (a strategy bug)`)
    if (open !== gi) groups.push([])
    open = gi
    groups[groups.length - 1]!.push(m)
  }
  return groups
}

/** One gap's hash: xxh128 of a tag and each match's full xxh128, over `data` at the new (`n`) or old (`o`) offsets. */
function groupDigest(data: Uint8Array, group: readonly Match[], side: 'n' | 'o', hasher: StrongHasher): Uint8Array {
  const L = hasher.digestLength
  const input = new Uint8Array(1 + group.length * L)
  input[0] = TAG
  for (const [i, m] of group.entries()) input.set(hasher.hash(data.subarray(m[side], m[side] + m.len)), 1 + i * L)
  return hasher.hash(input)
}

/** The sender's hashes: the first `h` bits of each group's hash of its new content, one bit stream. */
export function groupHashes(src: Uint8Array, groups: readonly Match[][], h: number, hasher: StrongHasher): Uint8Array {
  const w = new BitWriter(groups.length * h)
  for (const g of groups) w.prefix(groupDigest(src, g, 'n', hasher), h)
  return w.finish()
}

/** The receiver's check: indices of the groups whose old content's hash disagrees with the sender's. */
export function failedGroups(old: Uint8Array, groups: readonly Match[][], h: number, hashes: Uint8Array, hasher: StrongHasher): number[] {
  const failed: number[] = []
  for (const [i, g] of groups.entries()) if (!prefixEquals(hashes, i * h, groupDigest(old, g, 'o', hasher), h)) failed.push(i)
  return failed
}

/** The verdict on the wire: how many groups failed, then each one's index as a step from the last. */
export function writeVerdict(w: FrameWriter, failed: readonly number[]): void {
  w.varint(failed.length)
  let last = -1
  for (const i of failed) (w.varint(i - last - 1), (last = i))
}

/** Reads a verdict over `groups` groups back, each index checked to be one. */
export function readVerdict(r: FrameReader, groups: number): number[] {
  const failed: number[] = []
  let last = -1
  for (let left = r.bounded('failed gaps', groups); left > 0; left--) failed.push((last = last + 1 + r.bounded('failed gap step', groups - last - 2)))
  return failed
}

/** The matches of the groups that passed, flat. */
export function passedMatches(groups: readonly Match[][], failed: readonly number[]): Match[] {
  const drop = new Set(failed)
  return groups.filter((_, i) => !drop.has(i)).flat()
}
