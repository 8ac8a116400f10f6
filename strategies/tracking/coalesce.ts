import { REC_RESIZE, type JournalRecord } from './journal-records.ts'

/**
 * One extent of the final state: its pieces, end to end, land at `offset`. The pieces are views into the
 * records (no copy: the sender encodes them straight into its frames).
 */
export interface Extent {
  readonly offset: number
  readonly length: number
  readonly pieces: readonly Uint8Array[]
}

/** An extent's bytes in one array (a copy when it has several pieces). */
export function extentData(e: Extent): Uint8Array {
  if (e.pieces.length === 1) return e.pieces[0]!
  const out = new Uint8Array(e.length)
  let at = 0
  for (const p of e.pieces) {
    out.set(p, at)
    at += p.length
  }
  return out
}

/**
 * What a run of journal records leaves behind, with every overwritten byte dropped (last write wins).
 * Replaying it — truncate to `minSize`, then to `finalSize` (when there was any resize), then write the
 * extents — gives the same volume as replaying every record in order, from any state the records were
 * replayed from: a byte no record touches keeps its value either way; a byte cut by a shrink and not
 * rewritten reads zero either way; every other byte holds its last write.
 */
export interface Coalesced {
  readonly minSize: number | undefined
  readonly finalSize: number | undefined
  /** Sorted by offset, disjoint, each at most `maxExtent` bytes. */
  readonly extents: Extent[]
}

/**
 * Disjoint intervals [start, end) kept sorted in two parallel arrays. `claim` reports the parts of an
 * interval not yet covered and then covers it: one binary search and one splice per call.
 */
class ClaimedSet {
  private starts: number[] = []
  private ends: number[] = []

  claim(a: number, b: number, uncovered: (from: number, to: number) => void): void {
    const starts = this.starts
    const ends = this.ends
    // First interval that ends after a.
    let lo = 0
    let hi = ends.length
    while (lo < hi) {
      const mid = (lo + hi) >>> 1
      if (ends[mid]! <= a) lo = mid + 1
      else hi = mid
    }
    let k = lo
    let pos = a
    let mergedStart = a
    let mergedEnd = b
    while (k < starts.length && starts[k]! <= b) {
      const s = starts[k]!
      const e = ends[k]!
      if (s > pos) uncovered(pos, Math.min(s, b))
      pos = Math.max(pos, e)
      mergedStart = Math.min(mergedStart, s)
      mergedEnd = Math.max(mergedEnd, e)
      k++
    }
    if (pos < b) uncovered(pos, b)
    starts.splice(lo, k - lo, mergedStart)
    ends.splice(lo, k - lo, mergedEnd)
  }
}

/** Coalesces records (in LSN order) into the final extents; adjacent pieces are merged up to maxExtent bytes. */
export function coalesce(records: readonly JournalRecord[], maxExtent: number): Coalesced {
  const claimed = new ClaimedSet()
  const pieces: Piece[] = []
  let minSize: number | undefined
  let finalSize: number | undefined
  // Backwards, so the first write seen for a byte is its last: it claims the byte and older ones skip it.
  for (let i = records.length - 1; i >= 0; i--) {
    const rec = records[i]!
    if (rec.type === REC_RESIZE) {
      finalSize ??= rec.offset
      minSize = Math.min(minSize ?? rec.offset, rec.offset)
      // Bytes at or past the new size written before this resize were cut off by it.
      claimed.claim(rec.offset, Infinity, () => {})
      continue
    }
    if (rec.data.length === 0) continue
    claimed.claim(rec.offset, rec.offset + rec.data.length, (from, to) => {
      pieces.push({ offset: from, data: rec.data.subarray(from - rec.offset, to - rec.offset) })
    })
  }
  pieces.sort((x, y) => x.offset - y.offset)
  return { minSize, finalSize, extents: mergeAdjacent(pieces, maxExtent) }
}

/** A piece of one record's data that no later record overwrote. */
interface Piece {
  readonly offset: number
  readonly data: Uint8Array
}

/** Joins pieces that touch into extents of at most maxExtent bytes (no copy: an extent lists its pieces). */
function mergeAdjacent(pieces: readonly Piece[], maxExtent: number): Extent[] {
  const out: Extent[] = []
  let i = 0
  while (i < pieces.length) {
    const first = pieces[i]!
    let end = first.offset + first.data.length
    const run = [first.data]
    let j = i + 1
    while (j < pieces.length && pieces[j]!.offset === end && end - first.offset + pieces[j]!.data.length <= maxExtent) {
      end += pieces[j]!.data.length
      run.push(pieces[j]!.data)
      j++
    }
    out.push({ offset: first.offset, length: end - first.offset, pieces: run })
    i = j
  }
  return out
}
