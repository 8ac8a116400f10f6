import { CHUNK, type ReadonlyVolume } from '../core/volume.ts'
import type { Mutation } from './workload.ts'

/**
 * A write trace synthesised from two images, for data that comes with none (a release series): the
 * file is set to the new size, then every sector of the new image whose bytes differ from what the file
 * holds is written, neighbouring sectors as one write. A tracker then sees the least a sector-granular
 * device would write to turn the old image into the new one in place; nothing is known about moves,
 * so an insert shows as a rewritten tail.
 */
export function sectorDiff(old: ReadonlyVolume, next: Uint8Array, sector: number): Mutation[] {
  const out: Mutation[] = []
  if (next.length !== old.size) out.push({ kind: 'truncate', size: next.length })
  const common = Math.min(old.size, next.length)
  let runStart = -1
  const flush = (end: number) => {
    if (runStart >= 0) out.push({ kind: 'overwrite', at: runStart, bytes: next.subarray(runStart, end) })
    runStart = -1
  }
  for (let base = 0; base < next.length; base += CHUNK) {
    const chunkEnd = Math.min(base + CHUNK, next.length)
    // Old bytes of this chunk; past the old end the truncate left zeros.
    const have = base < common ? Buffer.from(old.read(base, Math.min(chunkEnd, common) - base)) : Buffer.alloc(0)
    const want = Buffer.from(next.buffer, next.byteOffset + base, chunkEnd - base)
    if (have.length === want.length && have.equals(want)) {
      flush(base)
      continue
    }
    for (let off = base; off < chunkEnd; off += sector) {
      const end = Math.min(off + sector, chunkEnd)
      const w = want.subarray(off - base, end - base)
      const haveLen = Math.max(0, Math.min(end, common) - off)
      let same = haveLen === 0 ? true : have.subarray(off - base, off - base + haveLen).equals(w.subarray(0, haveLen))
      // Bytes past the old end are zeros in the file: they need a write only where the new image is not zero.
      for (let i = haveLen; same && i < w.length; i++) if (w[i] !== 0) same = false
      if (same) flush(off)
      else if (runStart < 0) runStart = off
    }
  }
  flush(next.length)
  return out
}
