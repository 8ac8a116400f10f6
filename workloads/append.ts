import { defaultsOf, defineOptions, type OptionsOf } from '../core/options.ts'
import { makeContent } from './content.ts'
import { epochRng, seededBase } from './base-volume.ts'
import type { Workload } from './workload.ts'

const OPTIONS = defineOptions({
  share: { type: 'number', min: 0, default: 0.05, description: 'bytes appended per epoch as a share of the base size' },
  minBytes: { type: 'size', default: 65536, description: 'least bytes appended per epoch (all of them when the base is empty)' },
})
export type AppendOptions = OptionsOf<typeof OPTIONS>

/** A growing log or archive: each epoch appends, nothing before the old end changes. */
const NAME = 'append'

export const append: Workload<AppendOptions> = {
  name: 'append',
  summary: 'each epoch appends new data at the end (a log, a growing archive)',
  defaults: defaultsOf(OPTIONS),
  options: OPTIONS,
  hasWriteTrace: true,
  create(params, o) {
    const bytes = Math.max(o.minBytes, Math.round(params.size * o.share))
    return {
      epochs: params.epochs,
      base: () => seededBase(NAME, params),
      epoch(index, source) {
        const rng = epochRng('append', params.seed, index)
        return [{ kind: 'overwrite', at: source.size, bytes: makeContent(rng, params.content, bytes) }]
      },
    }
  },
}
