/**
 * The fuzzer's cases split across processes (`npm run fuzz -- --jobs N`): a strategy's cases go out in
 * fixed ranges ("chunks") of CHUNK cases, each range to whichever worker is free. A case depends only on
 * the plan and its index (apps/fuzz.ts fuzzCases), and the ranges are joined in case order, so the same
 * seed gives the same cases and the same findings in the same order whatever N is. Processes, as for
 * `deltabench run --jobs`: each worker owns its temp folders and tool process groups (core/cleanup.ts)
 * and ends them on exit, on a signal and when its parent goes; the parent registers each worker, so
 * Ctrl-C or an exit of the parent ends them too.
 */
import type { ChildProcess } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { liveSince, releaseSince, resourceMark } from '../core/cleanup.ts'
import { forkWorker, stopWorkers, type Worker } from '../harness/worker-process.ts'
import { fuzzWorkerEnv } from './fuzz-tmp.ts'
import type { AnyStrategy } from '../core/strategy.ts'
import { fuzzCases, FuzzScenarios, type FuzzPlan, type FuzzReport } from './fuzz.ts'

/** Cases per range: small enough to balance two workers and to resume a night close to where it stopped, large enough that a range's scenario set-up (8 reference syncs, once per worker and strategy) is paid rarely. */
export const CHUNK = 250

/** A plan as it crosses to a worker: the strategy by name. */
export type WirePlan = Omit<FuzzPlan, 'strategy'> & { strategy: string }

export type ToFuzzWorker = { type: 'range'; id: number; plan: WirePlan; from: number; to: number } | { type: 'exit' }
export type FromFuzzWorker = { type: 'ready' } | { type: 'report'; id: number; report: FuzzReport; left: string[]; ms: number } | { type: 'error'; id: number; message: string }

/** One range of one plan's cases. */
export interface FuzzTask {
  id: number
  plan: FuzzPlan
  from: number
  to: number
}

/** What a finished range gives: its report and what its syncs left held (ended since). */
export interface TaskResult {
  report: FuzzReport
  left: string[]
  /** Wall time of the range where it ran. */
  ms: number
}

/** A plan's cases [0, cases) cut into CHUNK-sized tasks, numbered from `firstId`. */
export function chunkTasks(plan: FuzzPlan, cases: number, firstId = 0, chunk = CHUNK): FuzzTask[] {
  const tasks: FuzzTask[] = []
  for (let from = 0; from < cases; from += chunk) tasks.push({ id: firstId + tasks.length, plan, from, to: Math.min(cases, from + chunk) })
  return tasks
}

const WORKER = fileURLToPath(new URL('./fuzz-worker.ts', import.meta.url))
/** How long a worker has to end its tools and folders on SIGTERM before it is killed. */
const GRACE_MS = 5_000

export interface PoolOptions {
  jobs: number
  /** Called as each task finishes (in the order they finish). */
  done: (task: FuzzTask, result: TaskResult) => void
  /** No task starts after this (Date.now() ms); those running finish. */
  deadline?: number
}

/** Runs the tasks, in this process when jobs is 1, else in `jobs` workers. Returns the tasks that did not run (deadline). */
export async function runTasks(tasks: readonly FuzzTask[], o: PoolOptions): Promise<FuzzTask[]> {
  return o.jobs <= 1 ? runHere(tasks, o) : runInWorkers(tasks, o)
}

const late = (o: PoolOptions) => o.deadline !== undefined && Date.now() >= o.deadline

async function runHere(tasks: readonly FuzzTask[], o: PoolOptions): Promise<FuzzTask[]> {
  let scenarios: FuzzScenarios | undefined
  for (let k = 0; k < tasks.length; k++) {
    if (late(o)) return tasks.slice(k)
    const t = tasks[k]!
    if (scenarios?.plan !== t.plan) scenarios = new FuzzScenarios(t.plan)
    const t0 = performance.now()
    const mark = resourceMark() // what this process owned before the range (the run's temp folder) is not the range's
    const report = await fuzzCases(scenarios, t.from, t.to)
    const left = liveSince(mark)
    releaseSince(mark)
    o.done(t, { report, left, ms: performance.now() - t0 })
  }
  return []
}

const wire = (p: FuzzPlan): WirePlan => ({ ...p, strategy: (p.strategy as AnyStrategy).name })

async function runInWorkers(tasks: readonly FuzzTask[], o: PoolOptions): Promise<FuzzTask[]> {
  let next = 0
  const workers: Worker[] = []
  let failed = false
  try {
    await new Promise<void>((resolve, reject) => {
      let running = 0
      const fail = (err: Error) => {
        if (failed) return
        failed = true
        reject(err)
      }
      const feed = (child: ChildProcess) => {
        if (failed) return
        if (next >= tasks.length || late(o)) {
          child.send({ type: 'exit' } satisfies ToFuzzWorker)
          if (--running === 0) resolve()
          return
        }
        const t = tasks[next++]!
        const busy = { child, task: t }
        inFlight.set(child, busy.task)
        child.send({ type: 'range', id: t.id, plan: wire(t.plan), from: t.from, to: t.to } satisfies ToFuzzWorker)
      }
      const inFlight = new Map<ChildProcess, FuzzTask>()
      const count = Math.min(o.jobs, tasks.length)
      if (count === 0) return resolve()
      for (let j = 0; j < count; j++) {
        const worker = forkWorker(WORKER, 'fuzz worker', GRACE_MS, [], fuzzWorkerEnv())
        const child = worker.child
        workers.push(worker)
        running++
        child.on('message', (m: FromFuzzWorker) => {
          if (m.type === 'ready') return feed(child)
          const t = inFlight.get(child)!
          inFlight.delete(child)
          if (m.type === 'report') {
            o.done(t, { report: m.report, left: m.left, ms: m.ms })
            feed(child)
          } else fail(new Error(`fuzz: ${t.plan.strategy.name} cases ${t.from}-${t.to - 1}: ${m.message}`))
        })
        child.on('exit', (code, signal) => {
          if (inFlight.has(child) || (code !== 0 && code !== null)) fail(new Error(`fuzz: a worker exited (${signal ?? `code ${code}`}) with cases in hand`))
        })
        child.on('error', fail)
      }
    })
  } finally {
    await stopWorkers(workers, failed, GRACE_MS)
  }
  return tasks.slice(next)
}
