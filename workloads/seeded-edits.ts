/**
 * The synthetic workloads' common frame: a seeded base of the run's content model (seededBase), then each
 * epoch's edits drawn from a random stream of its own (epochRng), so an epoch never depends on replaying
 * the ones before it. A workload gives its options and the function that draws one epoch.
 */
import { type OptionSchema, type OptionsOf } from '../core/options.ts'
import type { Rng } from '../core/seeded-random.ts'
import type { ReadonlyVolume } from '../core/volume.ts'
import { epochRng, seededBase } from './base-volume.ts'
import type { Mutation, Workload, WorkloadParams } from './workload.ts'

/** Draws one epoch's edits from the epoch's own stream, given the source as it stands. */
export type EpochEdits = (rng: Rng, source: ReadonlyVolume) => Mutation[]

export interface SeededEditsSpec<S extends OptionSchema> {
  readonly name: string
  readonly summary: string
  readonly options: S
  /** Called once per instance: what its epochs share (tables, a permutation), then the epoch drawer. */
  edits(params: WorkloadParams, o: OptionsOf<S>): EpochEdits
}

export function seededEditsWorkload<const S extends OptionSchema>(spec: SeededEditsSpec<S>): Workload<OptionsOf<S>> {
  return {
    name: spec.name,
    summary: spec.summary,
    options: spec.options,
    hasWriteTrace: true,
    create(params, o) {
      const draw = spec.edits(params, o)
      return {
        epochs: params.epochs,
        base: () => seededBase(spec.name, params),
        epoch: (index, source) => draw(epochRng(spec.name, params.seed, index), source),
      }
    },
  }
}
