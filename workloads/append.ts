import { defineOptions } from '../core/options.ts'
import { makeContent } from './content.ts'
import { MAX_EDIT_BYTES, seededEditsWorkload } from './seeded-edits.ts'

const OPTIONS = defineOptions({
  share: { type: 'number', min: 0, max: 16, default: 0.05, description: 'bytes appended per epoch as a share of the base size' },
  minBytes: { type: 'size', min: 0, max: MAX_EDIT_BYTES, default: 65536, description: 'least bytes appended per epoch (all of them when the base is empty)' },
})

/** A growing log or archive: each epoch appends, nothing before the old end changes. */
export const append = seededEditsWorkload({
  name: 'append',
  summary: 'each epoch appends new data at the end (a log, a growing archive)',
  options: OPTIONS,
  mostWritten: (o, size) => Math.max(o.minBytes, Math.round(size * o.share)),
  edits(params, o) {
    const bytes = Math.max(o.minBytes, Math.round(params.size * o.share))
    return (rng, source) => {
      return [{ kind: 'overwrite', at: source.size, bytes: makeContent(rng, params.content, bytes) }]
    }
  },
})
