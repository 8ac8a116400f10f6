/**
 * Round 0 of `rsync-rounds` with `direction=sender-first`: the sender speaks first, sending the index of
 * its new version (a sum of every B-byte block at its block boundaries, the same bit-packed sums a
 * receiver's signature holds), and the receiver searches its replica against it (rsync's search with the
 * roles swapped) and answers with the runs of new blocks it holds and where. Both sides then know the
 * matches with their old offsets, and the finer rounds go on receiver-first. Which side should speak first
 * depends on the link: the index goes down, the receiver-first signature goes up.
 */
import type { FrameReader, FrameWriter } from '../../core/wire.ts'
import type { StrongHasher } from '../shared/strong-hash.ts'
import { regionBlocks, type Gap, type Match } from './rounds-gaps.ts'
import { regionSums, searchGaps, weakBitsFor } from './rounds-search.ts'

/**
 * The new version's blocks as a "region" (rounds-search.ts pairs a gap of offsets with a region of blocks):
 * the receiver searches every offset of its replica (open-ended: the sender does not know the old size)
 * against the new blocks at 0, B, 2B, ...
 */
export function indexGap(newSize: number): Gap {
  return { newStart: 0, newEnd: Number.MAX_SAFE_INTEGER, oldStart: 0, oldEnd: newSize }
}

/** Blocks of the index. */
export function indexBlocks(newSize: number, B: number): number {
  return regionBlocks(indexGap(newSize), B)
}

/** Bytes of an index of `strong`-bit sums. */
export function indexBytes(newSize: number, B: number, strong: number): number {
  const k = indexBlocks(newSize, B)
  return Math.ceil((k * (weakBitsFor(k) + strong)) / 8)
}

/** The sender's index: its new version's block sums, `strong` bits each after the weak filter. */
export function indexSums(src: Uint8Array, B: number, strong: number, hasher: StrongHasher): Uint8Array {
  return regionSums(src, [indexGap(src.length)], B, [strong], hasher)
}

/**
 * The receiver's search of its replica against the index: matches in the new version's terms (n a new
 * block boundary, o where the replica holds it), sorted, one per new block (a block whose bytes the
 * replica holds twice takes the first place found).
 */
export function searchIndex(old: Uint8Array, newSize: number, B: number, strong: number, sums: Uint8Array, hasher: StrongHasher): Match[] {
  const found = searchGaps(old, [indexGap(newSize)], B, [strong], sums, hasher).flat()
  const byBlock = new Map<number, Match>()
  // searchGaps reads the replica as its "new" side: swap the roles back.
  for (const m of found) if (!byBlock.has(m.o)) byBlock.set(m.o, { n: m.o, o: m.n, len: B })
  return [...byBlock.values()].sort((a, b) => a.n - b.n)
}

function zigzag(v: number): number {
  return v >= 0 ? 2 * v : -2 * v - 1
}

/** The receiver's answer: runs of consecutive new blocks at consecutive replica offsets, as (blocks skipped, zigzag(offset − the one expected), count). */
export function writeIndexRuns(w: FrameWriter, matches: readonly Match[], B: number): void {
  const runs: { j: number; o: number; count: number }[] = []
  for (const m of matches) {
    const last = runs[runs.length - 1]
    const j = m.n / B
    if (last && last.j + last.count === j && last.o + last.count * B === m.o) last.count++
    else runs.push({ j, o: m.o, count: 1 })
  }
  w.varint(runs.length)
  let cursor = 0
  let expected = 0
  for (const r of runs) {
    w.varint(r.j - cursor).varint(zigzag(r.o - expected)).varint(r.count)
    cursor = r.j + r.count
    expected = r.o + r.count * B
  }
}

/** Reads the answer back into matches, each checked to lie inside both versions. */
export function readIndexRuns(r: FrameReader, newSize: number, oldSize: number, B: number): Match[] {
  const k = indexBlocks(newSize, B)
  const out: Match[] = []
  let cursor = 0
  let expected = 0
  for (let runs = r.bounded('runs', k); runs > 0; runs--) {
    const j = cursor + r.varint()
    const z = r.varint()
    const o = expected + (z % 2 === 0 ? z / 2 : -(z + 1) / 2)
    const count = r.varint()
    if (count < 1 || j + count > k || o < 0 || o + count * B > oldSize) r.fail(`a run of ${count} new blocks from block ${j} at replica offset ${o} outside either version`)
    out.push({ n: j * B, o, len: count * B })
    cursor = j + count
    expected = o + count * B
  }
  return out
}
