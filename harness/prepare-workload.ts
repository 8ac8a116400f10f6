import { applyMutation, NO_OBSERVER } from '../workloads/apply-mutations.ts'
import { traceOf, type AnyWorkload, type Mutation, type WorkloadParams } from '../workloads/workload.ts'
import { EpochOracle, type OracleBound } from './oracle.ts'
import { MemoryVolume } from './volume.ts'

/** A workload materialised once per (workload, seed) and replayed for every strategy and block size. */
export interface PreparedWorkload {
  workload: AnyWorkload
  options: Record<string, unknown>
  params: WorkloadParams
  base: Uint8Array
  epochs: Mutation[][]
  /** The oracle bound per epoch (null without a recorded edit list: a file pair, a synthesised trace). */
  oracle: (OracleBound | null)[]
}

export function prepareWorkload(workload: AnyWorkload, options: Record<string, unknown>, params: WorkloadParams): PreparedWorkload {
  const instance = workload.create(params, options)
  const scratch = instance.base() as MemoryVolume
  const base = new Uint8Array(scratch.read(0, scratch.size)) // a copy (Buffer#slice would be a view)
  const epochs: Mutation[][] = []
  const oracle: (OracleBound | null)[] = []
  for (let e = 1; e <= instance.epochs; e++) {
    const muts = instance.epoch(e, scratch)
    const o = new EpochOracle(scratch.size)
    for (const m of muts) {
      o.apply(m)
      applyMutation(scratch, m, NO_OBSERVER, workload.name)
    }
    epochs.push(muts)
    oracle.push(traceOf(workload) === 'recorded' ? o.bound() : null)
  }
  return { workload, options, params, base, epochs, oracle }
}
