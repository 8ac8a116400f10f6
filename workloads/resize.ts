import { defineOptions } from '../core/options.ts'
import { makeContent } from './content.ts'
import { MAX_EDITS_PER_EPOCH, seededEditsWorkload } from './seeded-edits.ts'
import type { Mutation } from './workload.ts'

const OPTIONS = defineOptions({
  share: { type: 'number', min: 0, max: 16, default: 0.25, description: 'largest size change per epoch as a share of the base size' },
  writes: { type: 'number', integer: true, min: 0, max: MAX_EDITS_PER_EPOCH, default: 4, description: 'overwrites per epoch besides the resize' },
})

/** Growth and shrinkage: each epoch truncates or extends (sometimes to empty) and writes a little. */
export const resize = seededEditsWorkload({
  name: 'resize',
  summary: 'the volume grows and shrinks each epoch (sometimes to empty), with a few overwrites',
  options: OPTIONS,
  // The growth step, then writes of at most 8 KiB (the drawer's logRange).
  mostWritten: (o, size) => Math.round(size * o.share) + o.writes * 8192,
  edits(params, o) {
    const step = Math.max(1, Math.round(params.size * o.share))
    return (rng, source) => {
      const out: Mutation[] = []
      let size = source.size
      const roll = rng.float()
      if (roll < 0.1) size = 0
      else if (roll < 0.55) size = Math.max(0, size - rng.range(1, step))
      else {
        // Grow with data (an overwrite past the end) or with a hole (a truncate up reads zeros).
        const grow = rng.range(1, step)
        if (rng.float() < 0.5) out.push({ kind: 'overwrite', at: size, bytes: makeContent(rng, params.content, grow) })
        size += grow
      }
      out.push({ kind: 'truncate', size })
      for (let i = 0; i < o.writes && size > 0; i++) {
        const len = Math.min(size, rng.logRange(1, 8192))
        out.push({ kind: 'overwrite', at: rng.int(size - len + 1), bytes: makeContent(rng, params.content, len) })
      }
      return out
    }
  },
})
