import { CHUNK, type Volume } from '../core/volume.ts'
import { MemoryStorage } from '../core/storage.ts'
import { fillContent, type ContentModel } from './content.ts'
import { Rng } from '../core/seeded-random.ts'
import type { WorkloadParams } from './workload.ts'

/**
 * The base volume every synthetic workload starts from: `size` bytes of the content model, made 1 MiB
 * at a time (so the bytes are the same in memory and on disk, and a 4 GiB base never sits on the heap).
 */
export function seededBase(name: string, params: WorkloadParams): Volume {
  const v = (params.storage ?? new MemoryStorage()).volume(params.size)
  const rng = new Rng(`${params.seed}/${name}/base`)
  const chunk = new Uint8Array(Math.min(CHUNK, params.size))
  for (let off = 0; off < params.size; off += CHUNK) {
    const n = Math.min(CHUNK, params.size - off)
    v.write(off, fillContent(rng, params.content, chunk.subarray(0, n)))
  }
  return v
}

/** An independent stream for one epoch: epochs can be generated without replaying earlier ones. */
export function epochRng(name: string, seed: string, index: number): Rng {
  return new Rng(`${seed}/${name}/epoch/${index}`)
}

export type { ContentModel }
