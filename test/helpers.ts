import { findStrategy, findWorkload } from '../harness/config.ts'
import { prepareWorkload, type PreparedWorkload } from '../harness/prepare-workload.ts'
import { memoryImage, MemoryStorage, type BaseImage } from '../core/storage.ts'
import { randomOverwrite } from '../workloads/random-overwrite.ts'
import type { AnyWorkload, Mutation } from '../workloads/workload.ts'
import type { ResultRow } from '../core/result-row.ts'
import { runCell } from '../harness/run-cell.ts'
import type { AnyStrategy, Frame, Half, ReceiverContext, SenderContext } from '../core/strategy.ts'
import { STRATEGIES } from '../strategies/index.ts'
import { it } from 'vitest'
import type { ContentModel } from '../workloads/content.ts'
import { defaultOptions } from '../core/options.ts'

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
  /** Measure the first sync from a fresh start (no priming sync). */
  cold?: boolean
}

/** Runs one cell through the real harness path (prepare, apply, sync, verify) and returns its rows. */
export async function quickRun(q: QuickRun): Promise<ResultRow[]> {
  const strategy = typeof q.strategy === 'string' ? findStrategy(q.strategy) : q.strategy
  const workload = findWorkload(q.workload)
  const prepared = prepareWorkload(workload, { ...defaultOptions(workload), ...q.workloadOptions }, {
    size: q.size,
    epochs: q.epochs ?? 3,
    seed: q.seed ?? '1',
    content: q.content ?? 'mixed',
  })
  return runCell({ runId: 'test', strategy, options: { ...defaultOptions(strategy), ...q.strategyOptions, blockSize: q.blockSize }, prepared, cold: q.cold })
}

/** A PreparedWorkload from hand-made bytes and epochs (no oracle), for tests that script their own edits. */
export function preparedFrom(base: Uint8Array, epochs: Mutation[][], workload: AnyWorkload = randomOverwrite): PreparedWorkload {
  let size = base.length
  let maxSize = size
  for (const epoch of epochs) {
    for (const m of epoch) {
      size = m.kind === 'truncate' ? m.size : m.kind === 'delete' ? size - m.length : m.kind === 'insert' ? size + m.bytes.length : Math.max(size, m.at + m.bytes.length)
      maxSize = Math.max(maxSize, size)
    }
  }
  return { workload, options: {}, params: { size: base.length, epochs: epochs.length, seed: 't', content: 'random' }, base: memoryImage(base), storage: new MemoryStorage(), epochs, oracle: epochs.map(() => null), maxSize }
}

/** The bytes of a base image (a copy), for tests that compare whole volumes. */
export function imageBytes(img: BaseImage): Uint8Array {
  const v = img.clone()
  return new Uint8Array(v.read(0, v.size))
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

/**
 * A strategy broken on purpose: its `side` half runs as before, and `after` sees what each step returned
 * (and may change it, or the stage), with whether the half is now done.
 */
export function afterEachStep<S extends 'sender' | 'receiver'>(
  strategy: AnyStrategy,
  name: string,
  side: S,
  after: (out: Frame[], done: boolean, ctx: S extends 'sender' ? SenderContext : ReceiverContext) => void,
): AnyStrategy {
  const wrap = async (ctx: SenderContext & ReceiverContext, o: Parameters<AnyStrategy['sender']>[1]): Promise<Half> => {
    const inner: Half = await (side === 'sender' ? strategy.sender(ctx, o) : strategy.receiver(ctx, o))
    return {
      get done() {
        return inner.done
      },
      async step(inbox) {
        const out = await inner.step(inbox)
        after(out, inner.done, ctx)
        return out
      },
    }
  }
  return { ...strategy, name, [side]: wrap }
}
