import { makeContent } from './content.ts'
import { epochRng, seededBase } from './base-volume.ts'
import { Rng } from '../core/seeded-random.ts'
import type { Mutation, Workload } from './workload.ts'

export interface HotSpotOptions {
  /** Writes per epoch. Default 512. */
  writes: number
  /** Size of a region (the unit that is hot or cold). Default 4096. */
  region: number
  /** Zipf exponent over regions: higher means fewer, hotter regions. Default 1.1. */
  skew: number
  /** Longest write within a region. Default 4096. */
  maxLength: number
}

/**
 * Zipf-skewed rewrites: a few regions (scattered by a seeded permutation) take most writes, many of
 * them several times an epoch, as a database's hot pages do. Tracking pays once per block, a journal
 * once per write.
 */
const NAME = 'hot-spot'

export const hotSpot: Workload<HotSpotOptions> = {
  name: 'hot-spot',
  summary: 'Zipf-skewed rewrites of the same regions many times an epoch (hot database pages)',
  defaults: { writes: 512, region: 4096, skew: 1.1, maxLength: 4096 },
  options: {
    writes: { type: 'number', description: 'writes per epoch' },
    region: { type: 'size', description: 'region size (unit of hotness)' },
    skew: { type: 'number', description: 'Zipf exponent over regions' },
    maxLength: { type: 'size', description: 'longest write inside a region' },
  },
  hasWriteTrace: true,
  create(params, o) {
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
    return {
      epochs: params.epochs,
      base: () => seededBase(NAME, params),
      epoch(index, source) {
        const rng = epochRng('hot-spot', params.seed, index)
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
      },
    }
  },
}
