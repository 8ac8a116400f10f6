import { defineOptions } from '../core/options.ts'
import { makeContent } from './content.ts'
import { seededEditsWorkload } from './seeded-edits.ts'
import type { Mutation } from './workload.ts'

const OPTIONS = defineOptions({
  writes: { type: 'number', integer: true, min: 0, default: 64, description: 'overwrites per epoch' },
  minLength: { type: 'size', min: 1, default: 64, description: 'shortest write' },
  maxLength: { type: 'size', min: 1, default: 65536, description: 'longest write (log-uniform lengths)' },
  alignedShare: { type: 'number', min: 0, max: 1, default: 0.5, description: "share of writes aligned in offset and length, like a file system's" },
  alignment: { type: 'size', min: 1, default: 4096, description: 'alignment of aligned writes' },
})

/** Scattered in-place overwrites: the volume never changes size, nothing shifts. */
export const randomOverwrite = seededEditsWorkload({
  name: 'random-overwrite',
  summary: 'scattered in-place overwrites, aligned and unaligned, log-uniform lengths',
  options: OPTIONS,
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
