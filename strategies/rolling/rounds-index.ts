/**
 * The search rounds of `rsync-rounds` with `direction=sender-first`: the sender signs, the receiver
 * searches. For each gap the sender sends the sums of its new bytes' blocks (at the gap's start + i·B; in
 * round 0 the whole new version, the index), and the receiver rolls over every offset of the gap's old
 * region (a cut region's two windows, rounds-gaps.ts) against them and answers with the runs of new blocks
 * it holds and where. Both sides then know the matches with their old offsets, as after a receiver-first
 * round. A gap's new side is about half a cut region's blocks, so the finer rounds sign fewer blocks; which
 * side should speak first also depends on the link: the sender's sums go down, the receiver's up.
 */
import type { FrameReader, FrameWriter } from '../../core/wire.ts'
import type { StrongHasher } from '../shared/strong-hash.ts'
import { BitWriter } from './rounds-bits.ts'
import { windowBlocks, type Gap, type Match } from './rounds-gaps.ts'
import { searchRange, weakBitsFor, writeBlockSum } from './rounds-search.ts'

/** A gap's blocks on the sender's side: its new bytes at newStart + i·B (round 0's open-ended gap: up to the new size). */
export function gapNewBlocks(g: Gap, B: number, newSize: number): number {
  return Math.max(0, Math.floor((Math.min(g.newEnd, newSize) - g.newStart) / B))
}

/** Where the receiver searches a gap: its whole old region, or a cut region's two windows of gap + one block. */
export function oldRanges(g: Gap, B: number): [number, number][] {
  const span = windowBlocks(g.newEnd - g.newStart, B) * B
  if (g.oldEnd - g.oldStart <= 2 * span) return [[g.oldStart, g.oldEnd]]
  return [
    [g.oldStart, g.oldStart + span],
    [g.oldEnd - span, g.oldEnd],
  ]
}

/** Offsets the receiver checks for a gap. */
export function oldOffsets(g: Gap, B: number): number {
  let n = 0
  for (const [a, b] of oldRanges(g, B)) n += Math.max(0, b - a - B + 1)
  return n
}

/** Whether the sender signs the gap: it holds a block, and its region can hold one (round 0's open gap always). */
function signed(g: Gap, B: number, newSize: number): boolean {
  return gapNewBlocks(g, B, newSize) > 0 && (g.newEnd === Number.MAX_SAFE_INTEGER || oldOffsets(g, B) > 0)
}

/**
 * Strong bits per gap (0 where not signed), the bound split as a receiver-first round splits it
 * (rounds-plan.ts) with the roles swapped: gap g's P_g replica offsets against K_g of the round's K new
 * blocks get bitsFor(P_g · K) bits. Not for round 0 (the sender does not know the old size: rounds-plan.ts).
 */
export function senderStrongBits(gaps: readonly Gap[], B: number, newSize: number, bitsFor: (comparisons: number) => number): number[] {
  let K = 0
  for (const g of gaps) if (signed(g, B, newSize)) K += gapNewBlocks(g, B, newSize)
  return gaps.map((g) => (signed(g, B, newSize) ? bitsFor(oldOffsets(g, B) * K) : 0))
}

/** Bytes of the sender's sums. */
export function senderSumsBytes(gaps: readonly Gap[], B: number, newSize: number, strong: readonly number[]): number {
  let bits = 0
  for (const [i, g] of gaps.entries()) {
    if (!signed(g, B, newSize)) continue
    const k = gapNewBlocks(g, B, newSize)
    bits += k * (weakBitsFor(k) + strong[i]!)
  }
  return Math.ceil(bits / 8)
}

/** The sender's sums: every signed gap's new blocks, one bit stream. */
export function senderSums(src: Uint8Array, gaps: readonly Gap[], B: number, strong: readonly number[], hasher: StrongHasher): Uint8Array {
  const w = new BitWriter(8 * senderSumsBytes(gaps, B, src.length, strong))
  for (const [i, g] of gaps.entries()) {
    if (!signed(g, B, src.length)) continue
    const k = gapNewBlocks(g, B, src.length)
    for (let j = 0; j < k; j++) writeBlockSum(w, src, g.newStart + j * B, B, weakBitsFor(k), strong[i]!, hasher)
  }
  return w.finish()
}

/**
 * The receiver's search: per signed gap, the matches in the new version's terms (n a block of the gap, o
 * where the replica holds it), sorted, one per new block (a block the replica holds twice takes the first place found).
 */
export function receiverSearch(old: Uint8Array, gaps: readonly Gap[], B: number, newSize: number, strong: readonly number[], sums: Uint8Array, hasher: StrongHasher): Match[][] {
  const found: Match[][] = []
  let at = 0
  for (const [i, g] of gaps.entries()) {
    if (!signed(g, B, newSize)) continue
    const k = gapNewBlocks(g, B, newSize)
    const gapSums = { sums, at, weak: weakBitsFor(k), strong: strong[i]! }
    const byBlock = new Map<number, Match>()
    for (const [a, b] of oldRanges(g, B)) {
      for (const [pos, j] of searchRange(old, a, Math.min(b, old.length), B, gapSums, k, hasher)) if (!byBlock.has(j)) byBlock.set(j, { n: g.newStart + j * B, o: pos, len: B })
    }
    found.push([...byBlock.values()].sort((x, y) => x.n - y.n))
    at += k * (gapSums.weak + gapSums.strong)
  }
  return found
}

function zigzag(v: number): number {
  return v >= 0 ? 2 * v : -2 * v - 1
}

/** The receiver's answer, per signed gap: runs of consecutive new blocks at consecutive replica offsets, as (blocks skipped, zigzag(offset − the one expected), count). */
export function writeHeld(w: FrameWriter, found: readonly Match[][], gaps: readonly Gap[], B: number, newSize: number): void {
  let fi = 0
  for (const g of gaps) {
    if (!signed(g, B, newSize)) continue
    const runs: { j: number; o: number; count: number }[] = []
    for (const m of found[fi++]!) {
      const last = runs[runs.length - 1]
      const j = (m.n - g.newStart) / B
      if (last && last.j + last.count === j && last.o + last.count * B === m.o) last.count++
      else runs.push({ j, o: m.o, count: 1 })
    }
    w.varint(runs.length)
    let cursor = 0
    let expected = g.oldStart
    for (const r of runs) {
      w.varint(r.j - cursor).varint(zigzag(r.o - expected)).varint(r.count)
      cursor = r.j + r.count
      expected = r.o + r.count * B
    }
  }
}

/** Reads the answer back into matches, each checked to lie inside its gap and the replica. */
export function readHeld(r: FrameReader, gaps: readonly Gap[], B: number, newSize: number, oldSize: number): Match[] {
  const out: Match[] = []
  for (const g of gaps) {
    if (!signed(g, B, newSize)) continue
    const k = gapNewBlocks(g, B, newSize)
    let cursor = 0
    let expected = g.oldStart
    for (let runs = r.bounded('runs', k); runs > 0; runs--) {
      const j = cursor + r.varint()
      const z = r.varint()
      const o = expected + (z % 2 === 0 ? z / 2 : -(z + 1) / 2)
      const count = r.varint()
      if (count < 1 || j + count > k || o < 0 || o + count * B > oldSize) r.fail(`a run of ${count} new blocks from block ${j} at replica offset ${o} outside its gap or the replica`)
      out.push({ n: g.newStart + j * B, o, len: count * B })
      cursor = j + count
      expected = o + count * B
    }
  }
  return out
}
