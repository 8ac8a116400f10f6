import { applyMutation, NO_OBSERVER } from '../workloads/apply-mutations.ts'
import type { AnyWorkload, Mutation, WorkloadParams } from '../workloads/workload.ts'
import { EpochOracle, type OracleBound } from './oracle.ts'
import { MemoryVolume } from './volume.ts'

/** A workload materialised once per (workload, seed) and replayed for every strategy and block size. */
export interface PreparedWorkload {
  workload: AnyWorkload
  options: Record<string, unknown>
  params: WorkloadParams
  base: Uint8Array
  epochs: Mutation[][]
  /** The oracle bound per epoch (null when the workload has no edit list, as for a file pair). */
  oracle: (OracleBound | null)[]
  /** Largest size the source reaches in any epoch. */
  maxSize: number
}

/**
 * The space a receiver gets for its replica: twice the largest source plus 64 MiB. A real receiver has a
 * disk; this one has memory, and a forged size in a frame must meet a typed error, not a huge allocation.
 */
export function replicaQuota(p: PreparedWorkload): number {
  return 2 * p.maxSize + (64 << 20)
}

export function prepareWorkload(workload: AnyWorkload, options: Record<string, unknown>, params: WorkloadParams): PreparedWorkload {
  const instance = workload.create(params, options)
  const scratch = instance.base() as MemoryVolume
  const base = new Uint8Array(scratch.read(0, scratch.size)) // a copy (Buffer#slice would be a view)
  const epochs: Mutation[][] = []
  const oracle: (OracleBound | null)[] = []
  let maxSize = scratch.size
  for (let e = 1; e <= instance.epochs; e++) {
    const muts = instance.epoch(e, scratch)
    const o = new EpochOracle(scratch.size)
    for (const m of muts) {
      o.apply(m)
      applyMutation(scratch, m, NO_OBSERVER, workload.name)
    }
    epochs.push(muts)
    maxSize = Math.max(maxSize, scratch.size)
    oracle.push(workload.hasWriteTrace ? o.bound() : null)
  }
  return { workload, options, params, base, epochs, oracle, maxSize }
}
