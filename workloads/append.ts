import { makeContent } from './content.ts'
import { epochRng, seededBase } from './base-volume.ts'
import type { Workload } from './workload.ts'

export interface AppendOptions {
  /** Bytes appended per epoch, as a share of the base size. Default 0.05. */
  share: number
  /** Bytes appended per epoch when the base is empty. Default 65536. */
  minBytes: number
}

/** A growing log or archive: each epoch appends, nothing before the old end changes. */
const NAME = 'append'

export const append: Workload<AppendOptions> = {
  name: 'append',
  summary: 'each epoch appends new data at the end (a log, a growing archive)',
  defaults: { share: 0.05, minBytes: 65536 },
  options: {
    share: { type: 'number', description: 'bytes appended per epoch as a share of the base size' },
    minBytes: { type: 'size', description: 'least bytes appended per epoch' },
  },
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
