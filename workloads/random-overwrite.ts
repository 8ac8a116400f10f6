import { makeContent } from './content.ts'
import { epochRng, seededBase } from './base-volume.ts'
import type { Mutation, Workload } from './workload.ts'

export interface RandomOverwriteOptions {
  /** Overwrites per epoch. Default 64. */
  writes: number
  /** Shortest write in bytes. Default 64. */
  minLength: number
  /** Longest write in bytes (lengths are log-uniform in between). Default 65536. */
  maxLength: number
  /** Share of writes aligned to `alignment` in offset and length, like a file system's. Default 0.5. */
  alignedShare: number
  /** Alignment of aligned writes in bytes. Default 4096. */
  alignment: number
}

/** Scattered in-place overwrites: the volume never changes size, nothing shifts. */
const NAME = 'random-overwrite'

export const randomOverwrite: Workload<RandomOverwriteOptions> = {
  name: 'random-overwrite',
  summary: 'scattered in-place overwrites, aligned and unaligned, log-uniform lengths',
  defaults: { writes: 64, minLength: 64, maxLength: 65536, alignedShare: 0.5, alignment: 4096 },
  options: {
    writes: { type: 'number', description: 'overwrites per epoch' },
    minLength: { type: 'size', description: 'shortest write' },
    maxLength: { type: 'size', description: 'longest write (log-uniform lengths)' },
    alignedShare: { type: 'number', description: 'share of writes aligned in offset and length (0-1)' },
    alignment: { type: 'size', description: 'alignment of aligned writes' },
  },
  hasWriteTrace: true,
  create(params, o) {
    return {
      epochs: params.epochs,
      base: () => seededBase(NAME, params),
      epoch(index, source) {
        const rng = epochRng('random-overwrite', params.seed, index)
        const size = source.size
        const out: Mutation[] = []
        if (size === 0) return out
        for (let i = 0; i < o.writes; i++) {
          let len = Math.min(size, rng.logRange(o.minLength, o.maxLength))
          let at = rng.int(size - len + 1)
          if (rng.float() < o.alignedShare && size >= o.alignment) {
            len = Math.max(o.alignment, Math.floor(len / o.alignment) * o.alignment)
            at = Math.floor(at / o.alignment) * o.alignment
            if (at + len > size) len = Math.max(0, Math.floor((size - at) / o.alignment) * o.alignment)
          }
          if (len > 0) out.push({ kind: 'overwrite', at, bytes: makeContent(rng, params.content, len) })
        }
        return out
      },
    }
  },
}
