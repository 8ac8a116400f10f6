import type { ChildProcess } from 'node:child_process'
import { mkdirSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { fileURLToPath } from 'node:url'
import type { RunConfig } from './config.ts'
import type { ResultRow } from '../core/result-row.ts'
import type { CellPlan } from './run-matrix.ts'
import { CellDealer } from './cell-dealer.ts'
import { forkWorker, stopWorkers, type Worker } from './worker-process.ts'
import { makeTempDir, removeTempDir } from '../core/temp-dir.ts'

/** Messages between the pool and a cell worker. */
export type ToWorker = { type: 'init'; config: RunConfig; runId: string; workDir?: string; warmup: boolean } | { type: 'cell'; id: number; cell: CellPlan }
export type FromWorker = { type: 'ready' } | { type: 'rows'; id: number; rows: ResultRow[] } | { type: 'error'; id: number; message: string }

const WORKER = fileURLToPath(new URL('./cell-worker.ts', import.meta.url))
/** How long a worker has to end on its own (clean up its volumes and tools) before it is killed. */
const GRACE_MS = 5_000

/**
 * Runs cells in `jobs` child processes. Processes, not worker threads: process.cpuUsage() is per process,
 * so each cell's CPU is its own (threads would share one count), and tsx's loader reaches a child process
 * where on Node 20 it does not reach a worker thread. Each child keeps its workload materialised between
 * cells of the same workload and seed.
 *
 * Ownership: with file storage the workers' volume folders go inside one folder the pool makes and
 * removes, so even a worker killed outright leaves none; each worker is registered with core/cleanup.ts
 * (ended with the parent on Ctrl-C or an exit) and is waited for before the pool returns.
 */
export async function runInChildren(
  config: RunConfig,
  cells: CellPlan[],
  o: { runId: string; workDir?: string; warmup: boolean; jobs: number },
  finished: (cell: CellPlan, rows: ResultRow[]) => void,
): Promise<void> {
  const dealer = new CellDealer(cells)
  const children: Worker[] = []
  const jobsDir = config.storage === 'file' ? makeTempDir('jobs', ensured(o.workDir ?? tmpdir())) : undefined
  let failed = false
  try {
    await new Promise<void>((resolve, reject) => {
      let running = 0
      const fail = (err: Error) => {
        if (failed) return
        failed = true
        reject(err)
      }
      const feed = (child: ChildProcess, worker: number) => {
        if (failed) return
        const id = dealer.next(worker)
        if (id === undefined) {
          child.send({ type: 'exit' })
          if (--running === 0) resolve()
          return
        }
        child.send({ type: 'cell', id, cell: cells[id]! } satisfies ToWorker)
      }
      const count = Math.min(o.jobs, cells.length)
      if (count === 0) return resolve()
      for (let j = 0; j < count; j++) {
        // Profiling flags reach the workers too (node --cpu-prof --cpu-prof-dir=DIR bin/deltabench.js run --jobs 2 ...).
        const profile = process.execArgv.filter((a) => a.startsWith('--cpu-prof'))
        const worker = forkWorker(WORKER, 'cell worker', GRACE_MS, profile)
        const child = worker.child
        children.push(worker)
        running++
        child.on('message', (m: FromWorker) => {
          if (m.type === 'ready') feed(child, j)
          else if (m.type === 'rows') {
            // The next cell first: recording the rows fsyncs, and the worker need not sit idle through it.
            feed(child, j)
            finished(cells[m.id]!, m.rows)
          } else fail(new Error(`cell ${cells[m.id]?.label}: ${m.message}`))
        })
        child.on('exit', (code) => {
          if (code !== 0 && code !== null) fail(new Error(`a cell worker exited with code ${code}`))
        })
        child.on('error', fail)
        child.send({ type: 'init', config, runId: o.runId, workDir: jobsDir ?? o.workDir, warmup: o.warmup } satisfies ToWorker)
      }
    })
  } finally {
    // Told to exit (or, after a failure, to stop): each worker removes its volumes and ends; killed if it does not within the grace time.
    await stopWorkers(children, failed, GRACE_MS)
    if (jobsDir) removeTempDir(jobsDir)
  }
}

function ensured(dir: string): string {
  mkdirSync(dir, { recursive: true })
  return dir
}
