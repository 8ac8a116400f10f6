import { findStrategy, findWorkload } from '../harness/config.ts'
import { prepareWorkload } from '../harness/prepare-workload.ts'
import type { ResultRow } from '../harness/record.ts'
import { runCell } from '../harness/run-cell.ts'
import type { AnyStrategy } from '../strategies/strategy.ts'
import { STRATEGIES } from '../strategies/index.ts'
import { it } from 'vitest'
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

/**
 * The registered strategies this machine can run. For each one it cannot (a missing tool), a skipped
 * test whose name gives the reason and the apt-get line, so the gap shows in every run's output.
 */
export function runnableStrategies(suite: string): AnyStrategy[] {
  const out: AnyStrategy[] = []
  for (const s of STRATEGIES) {
    const missing = s.unavailable?.()
    if (missing) it.skip(`${suite}: ${s.name} skipped: ${missing}`, () => {})
    else out.push(s)
  }
  return out
}
