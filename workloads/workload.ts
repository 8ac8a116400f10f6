/**
 * The workload contract. A workload builds a base volume from a seed and then mutates it in epochs;
 * after each epoch the harness syncs the source to a replica that holds the previous epoch's state.
 */
import type { SchemaFor } from '../core/options.ts'
import type { ReadonlyVolume, Volume } from '../core/volume.ts'
import type { ContentModel } from './content.ts'
import type { Storage } from '../core/storage.ts'

export type Mutation =
  | { readonly kind: 'overwrite'; readonly at: number; readonly bytes: Uint8Array }
  /** Inserts bytes at `at`, shifting the tail (the device rewrites everything after `at`). */
  | { readonly kind: 'insert'; readonly at: number; readonly bytes: Uint8Array }
  /** Removes `length` bytes at `at`, shifting the tail down. */
  | { readonly kind: 'delete'; readonly at: number; readonly length: number }
  | { readonly kind: 'truncate'; readonly size: number }

/** What every workload is given, from the run's config. */
export interface WorkloadParams {
  /** Base volume size in bytes. */
  size: number
  /** Number of epochs (syncs) after the base. */
  epochs: number
  seed: string
  content: ContentModel
  /** Where to make volumes (default: in memory). */
  storage?: Storage
}

export interface WorkloadInstance {
  /** Builds the base volume (epoch 0), the state the replica starts in. */
  base(): Volume
  /**
   * The mutations of epoch `index` (1-based), given the source as it stands. Called once per epoch in
   * order; the same seed gives the same mutations.
   */
  epoch(index: number, source: ReadonlyVolume): Mutation[]
  /** Number of epochs this instance has (a file pair has exactly one). */
  readonly epochs: number
}

export interface Workload<O extends object = object> {
  readonly name: string
  readonly summary: string
  readonly options: SchemaFor<O>
  /**
   * False when the workload knows only before/after images (a file pair): no write trace for
   * trackers, and no edit list for the oracle.
   */
  readonly hasWriteTrace: boolean
  /**
   * Where the write trace comes from when there is one: 'recorded' (default: the writes the workload
   * made, which also give the oracle its edit list) or 'synthesised' (made up from the byte difference of
   * two images, as for a release series: trackers can run, but there is no oracle bound).
   */
  readonly trace?: 'recorded' | 'synthesised'
  /**
   * True when `epoch` reads only `source.size`, never its bytes: the harness then draws the epochs
   * against a stand-in that follows the size (workloads/apply-mutations.ts sizeAfter), and the base needs
   * no working copy to replay them on.
   */
  readonly sizeOnlyEpochs?: boolean
  /** True when the volume's size comes from the user's data or a download, not --size (which may then be 0). */
  readonly sizedByData?: boolean
  /** Checks resolved options (and the run's shape) before anything runs or is written; throws a ConfigError. */
  validate?(opts: O, run: { epochs: number; size: number }): void
  create(params: WorkloadParams, opts: O): WorkloadInstance
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyWorkload = Workload<any>

/** What the `trace` column says about a workload: recorded, synthesised, or none (before/after images only). */
export function traceOf(w: AnyWorkload): 'recorded' | 'synthesised' | 'none' {
  return w.hasWriteTrace ? (w.trace ?? 'recorded') : 'none'
}
