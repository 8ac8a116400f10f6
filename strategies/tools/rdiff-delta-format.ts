/**
 * Reads a librsync delta file (format of librsync's prototab.c: magic 'rs\x026', then commands; 0x01-0x40
 * a literal of that length, 0x41-0x44 a literal with a 1/2/4/8-byte big-endian length, 0x45-0x54 a copy
 * with 1/2/4/8-byte offset and length, 0x00 the end), so the `rdiff` baseline can attribute its bytes
 * to literal data and copy commands like every other strategy, and report its literal/matched data.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs'
import type { FrameKind } from '../../core/strategy.ts'

export const RDIFF_DELTA_MAGIC = 0x72730236

/** Byte ranges of the file by kind, in file order, plus the totals rsync's stats would show. */
export interface DeltaLayout {
  /** [start, end) of each literal payload; everything else is command bytes. */
  literal: [number, number][]
  /** [start, end) of each copy command (opcode and parameters). */
  copy: [number, number][]
  literalData: number
  matchedData: number
}

const WIDTHS = [1, 2, 4, 8]

/** Parses the delta at `path`; throws on anything that is not a well-formed librsync delta. */
export function readDeltaLayout(path: string): DeltaLayout {
  const fd = openSync(path, 'r')
  try {
    const size = fstatSync(fd).size
    const head = new Uint8Array(17)
    const at = (pos: number, n: number): Uint8Array => {
      if (pos + n > size) throw new Error(`rdiff delta ${path}: truncated at byte ${pos}`)
      readSync(fd, head, 0, n, pos)
      return head
    }
    const int = (b: Uint8Array, from: number, width: number): number => {
      let v = 0
      for (let i = 0; i < width; i++) v = v * 256 + b[from + i]!
      return v
    }
    const m = at(0, 4)
    if (int(m, 0, 4) !== RDIFF_DELTA_MAGIC) throw new Error(`rdiff delta ${path}: bad magic`)
    const out: DeltaLayout = { literal: [], copy: [], literalData: 0, matchedData: 0 }
    let pos = 4
    for (;;) {
      const op = at(pos, 1)[0]!
      if (op === 0) return out
      if (op <= 0x40) {
        out.literal.push([pos + 1, pos + 1 + op])
        out.literalData += op
        pos += 1 + op
      } else if (op <= 0x44) {
        const w = WIDTHS[op - 0x41]!
        const len = int(at(pos + 1, w), 0, w)
        out.literal.push([pos + 1 + w, pos + 1 + w + len])
        out.literalData += len
        pos += 1 + w + len
      } else if (op <= 0x54) {
        const wo = WIDTHS[(op - 0x45) >> 2]!
        const wl = WIDTHS[(op - 0x45) & 3]!
        const b = at(pos + 1, wo + wl)
        out.matchedData += int(b, wo, wl)
        out.copy.push([pos, pos + 1 + wo + wl])
        pos += 1 + wo + wl
      } else {
        throw new Error(`rdiff delta ${path}: unknown command 0x${op.toString(16)} at byte ${pos}`)
      }
      if (pos > size) throw new Error(`rdiff delta ${path}: a command runs past the end`)
    }
  } finally {
    closeSync(fd)
  }
}

/** Attribution of file bytes [start, end) by a layout: literal payloads, copy commands, the rest control. */
export function layoutKinds(layout: DeltaLayout): (start: number, end: number) => Partial<Record<FrameKind, number>> {
  const overlap = (ranges: [number, number][], start: number, end: number): number => {
    // Ranges are sorted and disjoint: binary search the first that ends after start.
    let lo = 0
    let hi = ranges.length
    while (lo < hi) {
      const mid = (lo + hi) >> 1
      if (ranges[mid]![1] <= start) lo = mid + 1
      else hi = mid
    }
    let n = 0
    for (let i = lo; i < ranges.length && ranges[i]![0] < end; i++) n += Math.min(end, ranges[i]![1]) - Math.max(start, ranges[i]![0])
    return n
  }
  return (start, end) => {
    const literal = overlap(layout.literal, start, end)
    const copy = overlap(layout.copy, start, end)
    return { literal, copy, control: end - start - literal - copy }
  }
}
