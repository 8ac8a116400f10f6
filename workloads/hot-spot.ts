import { defineOptions } from '../core/options.ts'
import { makeContent } from './content.ts'
import { MAX_EDIT_BYTES, MAX_EDITS_PER_EPOCH, seededEditsWorkload } from './seeded-edits.ts'
import { Rng } from '../core/seeded-random.ts'
import type { Mutation } from './workload.ts'

const OPTIONS = defineOptions({
  writes: { type: 'number', integer: true, min: 0, max: MAX_EDITS_PER_EPOCH, default: 512, description: 'writes per epoch' },
  region: { type: 'size', min: 1, max: MAX_EDIT_BYTES, default: 4096, description: 'region size (the unit that is hot or cold)' },
  skew: { type: 'number', min: 0, max: 16, default: 1.1, description: 'Zipf exponent over regions: higher means fewer, hotter regions' },
  maxLength: { type: 'size', min: 1, max: MAX_EDIT_BYTES, default: 4096, description: 'longest write inside a region' },
})

/**
 * Zipf-skewed rewrites: a few regions (scattered by a seeded permutation) take most writes, many of
 * them several times an epoch, as a database's hot pages do. Tracking pays once per block, a journal
 * once per write.
 */
export const hotSpot = seededEditsWorkload({
  name: 'hot-spot',
  summary: 'Zipf-skewed rewrites of the same regions many times an epoch (hot database pages)',
  options: OPTIONS,
  // A write stays inside its region.
  mostWritten: (o) => o.writes * Math.min(o.maxLength, o.region),
  edits(params, o) {
    const regions = Math.max(1, Math.floor(params.size / o.region))
    // Cumulative Zipf weights, searched by bisection per write.
    const cdf = new Float64Array(regions)
    let total = 0
    for (let i = 0; i < regions; i++) cdf[i] = total += 1 / Math.pow(i + 1, o.skew)
    // Rank → region: a seeded shuffle so the hot regions are scattered over the volume.
    const place = new Uint32Array(regions)
    for (let i = 0; i < regions; i++) place[i] = i
    const shuffle = new Rng(`${params.seed}/hot-spot/placement`)
    for (let i = regions - 1; i > 0; i--) {
      const j = shuffle.int(i + 1)
      const t = place[i]!
      place[i] = place[j]!
      place[j] = t
    }
    return (rng, source) => {
      const out: Mutation[] = []
      if (source.size === 0) return out
      for (let i = 0; i < o.writes; i++) {
        const u = rng.float() * total
        let lo = 0
        let hi = regions - 1
        while (lo < hi) {
          const mid = (lo + hi) >>> 1
          if (cdf[mid]! < u) lo = mid + 1
          else hi = mid
        }
        const start = place[lo]! * o.region
        const room = Math.min(o.region, source.size - start)
        if (room <= 0) continue
        const len = rng.range(1, Math.min(o.maxLength, room))
        out.push({ kind: 'overwrite', at: start + rng.int(room - len + 1), bytes: makeContent(rng, params.content, len) })
      }
      return out
    }
  },
})
