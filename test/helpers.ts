import { findStrategy, findWorkload } from '../harness/config.ts'
import { prepareWorkload } from '../harness/prepare-workload.ts'
import type { ResultRow } from '../harness/record.ts'
import { runCell } from '../harness/run-cell.ts'
import type { AnyStrategy } from '../strategies/strategy.ts'
import type { ContentModel } from '../workloads/content.ts'

export interface QuickRun {
  strategy: string | AnyStrategy
  workload: string
  blockSize: number
  size: number
  seed?: string
  epochs?: number
  content?: ContentModel
  strategyOptions?: Record<string, unknown>
  workloadOptions?: Record<string, unknown>
}

/** Runs one cell through the real harness path (prepare, apply, sync, verify) and returns its rows. */
export async function quickRun(q: QuickRun): Promise<ResultRow[]> {
  const strategy = typeof q.strategy === 'string' ? findStrategy(q.strategy) : q.strategy
  const workload = findWorkload(q.workload)
  const prepared = prepareWorkload(workload, { ...workload.defaults, ...q.workloadOptions }, {
    size: q.size,
    epochs: q.epochs ?? 3,
    seed: q.seed ?? '1',
    content: q.content ?? 'mixed',
  })
  return runCell({ runId: 'test', strategy, options: { ...strategy.defaults, ...q.strategyOptions, blockSize: q.blockSize }, prepared })
}
