/**
 * The matched context R that `rsync-context` codes its literals against: the content of every matched
 * block, in the new version's order. Both sides can make it: the sender reads it from its source at the
 * offsets the copies landed on, the receiver from its replica at the blocks the copies name. The two agree
 * exactly when every match was a true match; when a truncated strong sum let a wrong block through they do
 * not, the literals decode wrong, and the whole-volume digest sends the sync into its redo pass.
 */
import { closeSync, openSync, writeSync } from 'node:fs'
import { WireFormatError } from '../../core/errors.ts'
import { blockCount } from '../shared/block-stream.ts'
import { walkOps } from './context-frames.ts'

/** One copy: `len` bytes at replica offset `from`, landing at target offset `at`. */
export interface MatchedRange {
  at: number
  from: number
  len: number
}

/** The replica's shape as the signature gave it (size and block size). */
export interface Geometry {
  size: number
  blockSize: number
}

/** The copies of OPS frames as byte ranges, in target order (checked against the replica's block count). */
export function matchedRanges(who: string, ops: readonly Uint8Array[], g: Geometry): { ranges: MatchedRange[]; literalSize: number; refSize: number } {
  const blocks = blockCount(g.size, g.blockSize)
  const ranges: MatchedRange[] = []
  let at = 0
  let literalSize = 0
  let refSize = 0
  walkOps(
    who,
    ops,
    (n) => {
      at += n
      literalSize += n
    },
    (first, count) => {
      if (first + count > blocks) throw new WireFormatError(who, `a copy of blocks ${first}..${first + count - 1}, the replica has ${blocks}`)
      const from = first * g.blockSize
      const len = Math.min(g.size, (first + count) * g.blockSize) - from
      ranges.push({ at, from, len })
      at += len
      refSize += len
    },
  )
  return { ranges, literalSize, refSize }
}

/** Largest piece read at once, so a long run on a file-backed volume stays bounded in memory. */
const PIECE = 8 << 20

/** Writes R to `path`: every range's bytes as `read` gives them, in order. */
export function writeReference(path: string, ranges: readonly MatchedRange[], read: (r: MatchedRange, offset: number, length: number) => Uint8Array): void {
  const fd = openSync(path, 'w')
  try {
    for (const r of ranges) {
      for (let done = 0; done < r.len; done += PIECE) {
        const b = read(r, done, Math.min(PIECE, r.len - done))
        for (let w = 0; w < b.length; ) w += writeSync(fd, b, w, b.length - w)
      }
    }
  } finally {
    closeSync(fd)
  }
}

/** Writes byte pieces to `path`, one after another. */
export function writePieces(path: string, pieces: readonly Uint8Array[]): void {
  const fd = openSync(path, 'w')
  try {
    for (const b of pieces) for (let w = 0; w < b.length; ) w += writeSync(fd, b, w, b.length - w)
  } finally {
    closeSync(fd)
  }
}
