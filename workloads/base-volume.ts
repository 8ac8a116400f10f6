import { MemoryVolume } from '../harness/volume.ts'
import { fillContent, type ContentModel } from './content.ts'
import { Rng } from './seeded-random.ts'
import type { WorkloadParams } from './workload.ts'

/** The base volume every synthetic workload starts from: `size` bytes of the content model. */
export function seededBase(name: string, params: WorkloadParams): MemoryVolume {
  const v = new MemoryVolume(params.size)
  fillContent(new Rng(`${params.seed}/${name}/base`), params.content, v.read(0, params.size))
  return v
}

/** An independent stream for one epoch: epochs can be generated without replaying earlier ones. */
export function epochRng(name: string, seed: string, index: number): Rng {
  return new Rng(`${seed}/${name}/epoch/${index}`)
}

export type { ContentModel }
