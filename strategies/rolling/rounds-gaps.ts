/**
 * The matches `rsync-rounds` has found so far and the gaps they leave. Locality: a gap of the new version
 * lies between the same matched neighbours as its old version, so both sides (once the receiver has the
 * match list) pair each new gap with the old region between the same neighbours, and the next round
 * searches each gap only against its own region's blocks.
 */

/** `len` bytes at old offset `o` are the new version's bytes at offset `n`. */
export interface Match {
  n: number
  o: number
  len: number
}

/** An unmatched stretch [newStart, newEnd) of the new version and the old region [oldStart, oldEnd) paired with it. */
export interface Gap {
  newStart: number
  newEnd: number
  oldStart: number
  oldEnd: number
}

/** The gaps between sorted, non-overlapping matches (a region is empty where the neighbours moved past each other). */
export function gapsOf(matches: readonly Match[], newSize: number, oldSize: number): Gap[] {
  const gaps: Gap[] = []
  let n = 0
  let o = 0
  for (let i = 0; i <= matches.length; i++) {
    const m = matches[i]
    const newEnd = m ? m.n : newSize
    const oldEnd = m ? m.o : oldSize
    if (newEnd > n) gaps.push({ newStart: n, newEnd, oldStart: o, oldEnd: Math.max(o, oldEnd) })
    if (m) {
      n = m.n + m.len
      o = m.o + m.len
    }
  }
  return gaps
}

/**
 * Region blocks a gap is searched against, 0 when the gap cannot hold a block. A region much longer than
 * its gap (a deletion, or neighbours that matched far apart in the old version, as repeated files in a tar
 * do) is cut to a window of gap + one block beside each neighbour, where an edit's old bytes lie: without
 * that, the typescript pair's round-1 regions added up to 290 MB of a 22 MB old version.
 */
export function regionBlocks(g: Gap, blockSize: number): number {
  const gapLen = g.newEnd - g.newStart
  if (gapLen < blockSize) return 0
  return Math.min(Math.floor((g.oldEnd - g.oldStart) / blockSize), 2 * windowBlocks(gapLen, blockSize))
}

/** Blocks in each neighbour's window. */
export function windowBlocks(gapLen: number, blockSize: number): number {
  return Math.floor(Math.min(gapLen + blockSize, Number.MAX_SAFE_INTEGER / 4) / blockSize)
}

/** Old offset of region block j: from the left neighbour on, and (for a cut region) the right window's blocks end at the right neighbour. */
export function blockOffset(g: Gap, blockSize: number, j: number): number {
  const w = windowBlocks(g.newEnd - g.newStart, blockSize)
  if (Math.floor((g.oldEnd - g.oldStart) / blockSize) <= 2 * w || j < w) return g.oldStart + j * blockSize
  return g.oldEnd - (2 * w - j) * blockSize
}

/** (offset, block) checks a round makes: every offset of every searched gap against its region's blocks. */
export function comparisonsOf(gaps: readonly Gap[], blockSize: number): number {
  let c = 0
  for (const g of gaps) {
    const k = regionBlocks(g, blockSize)
    if (k > 0) c += (g.newEnd - g.newStart - blockSize + 1) * k
  }
  return c
}

/** Merges a round's matches (all inside gaps) into the sorted list, joining neighbours that continue each other. */
export function mergeMatches(old: readonly Match[], found: readonly Match[]): Match[] {
  const all = [...old, ...found].sort((a, b) => a.n - b.n)
  const out: Match[] = []
  for (const m of all) {
    const last = out[out.length - 1]
    if (last && last.n + last.len === m.n && last.o + last.len === m.o) last.len += m.len
    else out.push({ ...m })
  }
  return out
}

/** Bytes of the new version the matches cover. */
export function matchedBytes(matches: readonly Match[]): number {
  let n = 0
  for (const m of matches) n += m.len
  return n
}
