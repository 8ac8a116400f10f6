import { applyMutation, NO_OBSERVER, sizeAfter } from '../workloads/apply-mutations.ts'
import { MemoryVolume, type ReadonlyVolume } from '../core/volume.ts'
import { WorkloadError } from '../core/errors.ts'
import { traceOf, type AnyWorkload, type Mutation, type WorkloadParams } from '../workloads/workload.ts'
import { EpochOracle, type OracleBound } from './oracle.ts'
import { adoptedImage, MemoryStorage, type BaseImage, type Storage } from '../core/storage.ts'
import type { FloorLevel } from './floor-level.ts'
import { floorMaker, type FloorOptions } from './local-floor.ts'

/** A workload materialised once per (workload, seed) and replayed for every strategy and block size. */
export interface PreparedWorkload {
  workload: AnyWorkload
  options: Record<string, unknown>
  params: WorkloadParams
  base: BaseImage
  /** Where the cells' volumes are made. */
  storage: Storage
  epochs: Mutation[][]
  /** The oracle bound per epoch (null without a recorded edit list: a file pair, a synthesised trace). */
  oracle: (OracleBound | null)[]
  /**
   * The practical floor per epoch (harness/local-floor.ts): the best local delta of the epoch's old and new
   * versions; absent or null where it was not computed (--floor off).
   */
  localFloor?: (LocalFloor | null)[]
  /** Largest size the source reaches in any epoch. */
  maxSize: number
}

/** The best local delta of one epoch: its size and the tool that made it. */
export interface LocalFloor {
  bytes: number
  tool: string
}

/**
 * The space a receiver gets for its replica: twice the largest source plus 64 MiB. A real receiver has a
 * disk; this one has memory, and a forged size in a frame must meet a typed error, not a huge allocation.
 */
export function replicaQuota(p: PreparedWorkload): number {
  return 2 * p.maxSize + (64 << 20)
}

/** Bytes of mutations applied between two yields: a few ms of work, so a signal is handled well within 1 s. */
const YIELD_BYTES = 8 << 20

/** A mutation's size in bytes, to count the work between yields. */
function mutationBytes(m: Mutation): number {
  return 'bytes' in m && m.bytes instanceof Uint8Array ? m.bytes.length : 64
}

/**
 * The materialisation as a generator that pauses at its checkpoints (after the base, each epoch's
 * generation, every YIELD_BYTES of applied writes, each floor), so one body serves the synchronous caller
 * (which runs straight through) and the asynchronous one (which lets the event loop turn at each pause).
 */
function* preparing(workload: AnyWorkload, options: Record<string, unknown>, params: WorkloadParams, floor: FloorLevel, floorOptions?: FloorOptions): Generator<void, PreparedWorkload> {
  const storage = params.storage ?? new MemoryStorage()
  const instance = workload.create({ ...params, storage }, options)
  const floors = floorMaker(floor, floorOptions)
  const scratch = instance.base()
  // Without floors, a workload whose epochs read only the size needs no copy to replay them on: the base
  // keeps the scratch's own bytes (a 64 MiB copy into fresh memory saved) and the epochs follow the size.
  const sizeOnly = !floors && workload.sizeOnlyEpochs === true
  const adopted = sizeOnly && storage.kind === 'memory' && scratch instanceof MemoryVolume
  const base = adopted ? adoptedImage(scratch.read(0, scratch.size)) : storage.image(scratch)
  const sized = { size: scratch.size, read: (): Uint8Array => { throw new WorkloadError(workload.name, 'declares sizeOnlyEpochs but read the source\'s bytes') } }
  const source: ReadonlyVolume = sizeOnly ? sized : scratch
  const epochs: Mutation[][] = []
  const oracle: (OracleBound | null)[] = []
  const localFloor: (LocalFloor | null)[] = []
  let maxSize = scratch.size
  try {
    yield
    floors?.next(scratch)
    for (let e = 1; e <= instance.epochs; e++) {
      const muts = instance.epoch(e, source)
      yield
      const o = new EpochOracle(source.size)
      let since = 0
      for (const m of muts) {
        o.apply(m)
        if (sizeOnly) sized.size = sizeAfter(sized.size, m, workload.name)
        else applyMutation(scratch, m, NO_OBSERVER, workload.name)
        if ((since += mutationBytes(m)) >= YIELD_BYTES) {
          since = 0
          yield
        }
      }
      epochs.push(muts)
      maxSize = Math.max(maxSize, source.size)
      oracle.push(traceOf(workload) === 'recorded' ? o.bound() : null)
      if (floors) localFloor.push(floors.next(scratch))
      yield
    }
  } catch (err) {
    // Stopped mid-way (an error, or the async caller's interrupt): the base is no one's to release but ours.
    base.release()
    throw err
  } finally {
    floors?.close()
    if (!adopted) storage.release(scratch)
  }
  return { workload, options, params, base, storage, epochs, oracle, ...(floors ? { localFloor } : {}), maxSize }
}

/**
 * Materialises a workload: its base image and every epoch's mutations, with the oracle bound of each epoch
 * and, unless `floor` is off (the default here; a run passes its --floor), the local-delta floor of each.
 */
export function prepareWorkload(workload: AnyWorkload, options: Record<string, unknown>, params: WorkloadParams, floor: FloorLevel = 'off', floorOptions?: FloorOptions): PreparedWorkload {
  const steps = preparing(workload, options, params, floor, floorOptions)
  for (;;) {
    const step = steps.next()
    if (step.done) return step.value
  }
}

/**
 * The same, letting the event loop turn at every checkpoint: SIGINT/SIGTERM (apps/interrupt.ts) are only
 * handled between macrotasks, and generating a large workload used to hold the loop for seconds.
 */
export async function prepareWorkloadAsync(workload: AnyWorkload, options: Record<string, unknown>, params: WorkloadParams, floor: FloorLevel = 'off', floorOptions?: FloorOptions): Promise<PreparedWorkload> {
  const steps = preparing(workload, options, params, floor, floorOptions)
  for (;;) {
    const step = steps.next()
    if (step.done) return step.value
    // setImmediate, not a microtask: signal handles are polled in the loop's I/O phase, before the check phase.
    await new Promise((r) => setImmediate(r))
  }
}
