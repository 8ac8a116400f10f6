import { defineOptions } from '../core/options.ts'
import { makeContent } from './content.ts'
import { MAX_EDIT_BYTES, MAX_EDITS_PER_EPOCH, seededEditsWorkload } from './seeded-edits.ts'
import type { Mutation } from './workload.ts'

const OPTIONS = defineOptions({
  writes: { type: 'number', integer: true, min: 0, max: MAX_EDITS_PER_EPOCH, default: 64, description: 'overwrites per epoch' },
  minLength: { type: 'size', min: 1, max: MAX_EDIT_BYTES, default: 64, description: 'shortest write' },
  maxLength: { type: 'size', min: 1, max: MAX_EDIT_BYTES, default: 65536, description: 'longest write (log-uniform lengths)' },
  alignedShare: { type: 'number', min: 0, max: 1, default: 0.5, description: "share of writes aligned in offset and length, like a file system's" },
  alignment: { type: 'size', min: 1, max: MAX_EDIT_BYTES, default: 4096, description: 'alignment of aligned writes' },
})

/** Scattered in-place overwrites: the volume never changes size, nothing shifts. */
export const randomOverwrite = seededEditsWorkload({
  name: 'random-overwrite',
  summary: 'scattered in-place overwrites, aligned and unaligned, log-uniform lengths',
  options: OPTIONS,
  ordered: [['minLength', 'maxLength']],
  // A write is cut to the volume's size.
  mostWritten: (o, size) => o.writes * Math.min(size, o.maxLength),
  edits(params, o) {
    return (rng, source) => {
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
    }
  },
})
