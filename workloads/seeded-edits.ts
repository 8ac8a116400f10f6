/**
 * The synthetic workloads' common frame: a seeded base of the run's content model (seededBase), then each
 * epoch's edits drawn from a random stream of its own (epochRng), so an epoch never depends on replaying
 * the ones before it. A workload gives its options and the function that draws one epoch.
 */
import { ConfigError } from '../core/errors.ts'
import { type OptionSchema, type OptionsOf } from '../core/options.ts'
import type { Rng } from '../core/seeded-random.ts'
import { epochRng, seededBase } from './base-volume.ts'
import type { Mutation, Workload, WorkloadParams } from './workload.ts'

/** Draws one epoch's edits from the epoch's own stream, given the source's size as it stands (never its bytes: sizeOnlyEpochs). */
export type EpochEdits = (rng: Rng, source: { readonly size: number }) => Mutation[]

export interface SeededEditsSpec<S extends OptionSchema> {
  readonly name: string
  readonly summary: string
  readonly options: S
  /** The most bytes one epoch can write, for a volume of `size` bytes: held to MAX_EPOCH_BYTES before a run. */
  mostWritten?(o: OptionsOf<S>, size: number): number
  /** Pairs of options where the first may not exceed the second: [['minLength', 'maxLength']]. */
  ordered?: readonly (readonly [keyof OptionsOf<S> & string, keyof OptionsOf<S> & string])[]
  /** Called once per instance: what its epochs share (tables, a permutation), then the epoch drawer. */
  edits(params: WorkloadParams, o: OptionsOf<S>): EpochEdits
}

/** Most edits an epoch may draw: its edit list is held in memory (a million edits is a few hundred MB). */
export const MAX_EDITS_PER_EPOCH = 1_000_000
/** Longest single edit: one edit's bytes are made in one buffer. */
export const MAX_EDIT_BYTES = 1 << 30

/** What one epoch may write: 16 rewrites of the volume (beyond that every byte has long changed), or 256 MiB for small volumes. */
export function maxEpochBytes(size: number): number {
  return Math.max(16 * size, 256 << 20)
}

function checkSeededOptions<S extends OptionSchema>(spec: SeededEditsSpec<S>, o: OptionsOf<S>, size: number): void {
  const values = o as Record<string, number>
  for (const [low, high] of spec.ordered ?? []) {
    if (values[low]! > values[high]!) throw new ConfigError(`${spec.name}.${low} ${values[low]} is above ${spec.name}.${high} ${values[high]}; set ${low} <= ${high}, e.g. --opt ${spec.name}.${low}=${values[high]}`)
  }
  const most = spec.mostWritten?.(o, size)
  if (most !== undefined && most > maxEpochBytes(size)) {
    throw new ConfigError(`${spec.name}: these options may write ${most} bytes an epoch, more than ${maxEpochBytes(size)} (16× the ${size}-byte volume, or 256 MiB); lower the count or the lengths (deltabench list shows ${spec.name}'s options)`)
  }
}

export function seededEditsWorkload<const S extends OptionSchema>(spec: SeededEditsSpec<S>): Workload<OptionsOf<S>> {
  return {
    name: spec.name,
    summary: spec.summary,
    options: spec.options,
    hasWriteTrace: true,
    sizeOnlyEpochs: true,
    validate: (o, run) => checkSeededOptions(spec, o, run.size),
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
