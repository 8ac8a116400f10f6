import { makeContent } from './content.ts'
import { epochRng, seededBase } from './base-volume.ts'
import type { Mutation, Workload } from './workload.ts'

export interface InsertDeleteOptions {
  /** Edits per epoch. Default 16. */
  edits: number
  /** Shortest insert or delete in bytes. Default 1. */
  minLength: number
  /** Longest insert or delete in bytes (uniform in between, as librsync's mutation test). Default 1000. */
  maxLength: number
  /** Share of edits that are inserts (the rest delete). Default 0.5. */
  insertShare: number
}

/** Shifting edits as in librsync's tests/mutate.pl: everything after an edit moves. */
const NAME = 'insert-delete'

export const insertDelete: Workload<InsertDeleteOptions> = {
  name: 'insert-delete',
  summary: 'inserts and deletes of 1-1000 bytes at random offsets; the tail shifts',
  defaults: { edits: 16, minLength: 1, maxLength: 1000, insertShare: 0.5 },
  options: {
    edits: { type: 'number', description: 'inserts + deletes per epoch' },
    minLength: { type: 'size', description: 'shortest edit' },
    maxLength: { type: 'size', description: 'longest edit (uniform lengths)' },
    insertShare: { type: 'number', description: 'share of edits that insert (0-1)' },
  },
  hasWriteTrace: true,
  create(params, o) {
    return {
      epochs: params.epochs,
      base: () => seededBase(NAME, params),
      epoch(index, source) {
        const rng = epochRng('insert-delete', params.seed, index)
        let size = source.size
        const out: Mutation[] = []
        for (let i = 0; i < o.edits; i++) {
          const len = rng.range(o.minLength, o.maxLength)
          if (rng.float() < o.insertShare || size === 0) {
            out.push({ kind: 'insert', at: rng.int(size + 1), bytes: makeContent(rng, params.content, len) })
            size += len
          } else {
            const n = Math.min(len, size)
            out.push({ kind: 'delete', at: rng.int(size - n + 1), length: n })
            size -= n
          }
        }
        return out
      },
    }
  },
}
