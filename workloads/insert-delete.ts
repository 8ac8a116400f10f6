import { defineOptions } from '../core/options.ts'
import { makeContent } from './content.ts'
import { MAX_EDIT_BYTES, MAX_EDITS_PER_EPOCH, seededEditsWorkload } from './seeded-edits.ts'
import type { Mutation } from './workload.ts'

const OPTIONS = defineOptions({
  edits: { type: 'number', integer: true, min: 0, max: MAX_EDITS_PER_EPOCH, default: 16, description: 'inserts + deletes per epoch' },
  minLength: { type: 'size', min: 1, max: MAX_EDIT_BYTES, default: 1, description: 'shortest edit' },
  maxLength: { type: 'size', min: 1, max: MAX_EDIT_BYTES, default: 1000, description: "longest edit (uniform lengths, as librsync's mutation test)" },
  insertShare: { type: 'number', min: 0, max: 1, default: 0.5, description: 'share of edits that insert (the rest delete)' },
})

/** Shifting edits as in librsync's tests/mutate.pl: everything after an edit moves. */
export const insertDelete = seededEditsWorkload({
  name: 'insert-delete',
  summary: 'inserts and deletes of 1-1000 bytes at random offsets; the tail shifts',
  options: OPTIONS,
  ordered: [['minLength', 'maxLength']],
  mostWritten: (o) => o.edits * o.maxLength,
  edits(params, o) {
    return (rng, source) => {
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
    }
  },
})
