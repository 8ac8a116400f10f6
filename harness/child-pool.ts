import { fork, type ChildProcess } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import type { RunConfig } from './config.ts'
import type { ResultRow } from '../core/result-row.ts'
import type { CellPlan } from './run-matrix.ts'

/** Messages between the pool and a cell worker. */
export type ToWorker = { type: 'init'; config: RunConfig; runId: string; workDir?: string; warmup: boolean } | { type: 'cell'; id: number; cell: CellPlan }
export type FromWorker = { type: 'ready' } | { type: 'rows'; id: number; rows: ResultRow[] } | { type: 'error'; id: number; message: string }

const WORKER = fileURLToPath(new URL('./cell-worker.ts', import.meta.url))

/**
 * Runs cells in `jobs` child processes. Processes, not worker threads: process.cpuUsage() is per process,
 * so each cell's CPU is its own (threads would share one count), and tsx's loader reaches a child process
 * where on Node 20 it does not reach a worker thread. Each child keeps its workload materialised between
 * cells of the same workload and seed.
 */
export async function runInChildren(
  config: RunConfig,
  cells: CellPlan[],
  o: { runId: string; workDir?: string; warmup: boolean; jobs: number },
  finished: (cell: CellPlan, rows: ResultRow[]) => void,
): Promise<void> {
  let next = 0
  const children: ChildProcess[] = []
  try {
    await new Promise<void>((resolve, reject) => {
      let running = 0
      let failed = false
      const fail = (err: Error) => {
        if (failed) return
        failed = true
        reject(err)
      }
      const feed = (child: ChildProcess) => {
        if (failed) return
        if (next >= cells.length) {
          child.send({ type: 'exit' })
          if (--running === 0) resolve()
          return
        }
        const id = next++
        child.send({ type: 'cell', id, cell: cells[id]! } satisfies ToWorker)
      }
      const count = Math.min(o.jobs, cells.length)
      if (count === 0) return resolve()
      for (let j = 0; j < count; j++) {
        const child = fork(WORKER, [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] })
        children.push(child)
        running++
        child.on('message', (m: FromWorker) => {
          if (m.type === 'ready') feed(child)
          else if (m.type === 'rows') {
            finished(cells[m.id]!, m.rows)
            feed(child)
          } else fail(new Error(`cell ${cells[m.id]?.label}: ${m.message}`))
        })
        child.on('exit', (code) => {
          if (code !== 0 && code !== null) fail(new Error(`a cell worker exited with code ${code}`))
        })
        child.on('error', fail)
        child.send({ type: 'init', config, runId: o.runId, workDir: o.workDir, warmup: o.warmup } satisfies ToWorker)
      }
    })
  } finally {
    for (const c of children) if (c.exitCode === null) c.kill()
  }
}
