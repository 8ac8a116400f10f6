import { fork, type ChildProcess } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { own, type Owned } from '../core/cleanup.ts'

/**
 * A worker process of a pool (the cell workers of --jobs, the fuzzer's): forked with tsx's loader, owned by
 * core/cleanup.ts so the parent's exit or Ctrl-C ends it, and its exit as a promise.
 */
export interface Worker {
  readonly child: ChildProcess
  readonly owned: Owned
  readonly exited: Promise<void>
}

/** Forks `script` as a worker named `label` (the owner's name); `execArgv` goes after tsx's loader. */
export function forkWorker(script: string, label: string, graceMs: number, execArgv: readonly string[] = [], env: NodeJS.ProcessEnv = process.env): Worker {
  const child = fork(script, [], { execArgv: ['--import', 'tsx', ...execArgv], stdio: ['ignore', 'inherit', 'inherit', 'ipc'], env })
  const exited = new Promise<void>((r) => child.once('exit', () => r()))
  return { child, owned: own(`${label} ${child.pid}`, () => endChildNow(child, graceMs)), exited }
}

/**
 * Ends a pool's workers once its work is over: after a failure they are sent SIGTERM (each then ends its
 * tools and removes its folders); any worker not gone within `graceMs` is killed; then they are disowned.
 */
export async function stopWorkers(workers: readonly Worker[], failed: boolean, graceMs: number): Promise<void> {
  for (const w of workers) if (failed && w.child.exitCode === null && w.child.signalCode === null) w.child.kill('SIGTERM')
  await Promise.all(workers.map((w) => within(w.exited, graceMs).then((ok) => ok || w.child.kill('SIGKILL'))))
  await Promise.all(workers.map((w) => w.exited))
  for (const w of workers) w.owned.disown()
}

/** True if `p` settles within `ms`. */
function within(p: Promise<void>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined
  return Promise.race([p.then(() => true), new Promise<boolean>((r) => (timer = setTimeout(() => r(false), ms)))]).finally(() => clearTimeout(timer))
}

/**
 * Ends a worker process from a signal or exit handler, where nothing asynchronous runs any more: SIGTERM
 * (it then ends its tools and removes its folders), a synchronous wait of up to `graceMs` for it to go,
 * then SIGKILL. Used by the cell workers' pool (--jobs) and the fuzzer's.
 */
export function endChildNow(child: ChildProcess, graceMs: number): void {
  const pid = child.pid
  if (pid === undefined || child.exitCode !== null || child.signalCode !== null) return
  child.kill('SIGTERM')
  const sleeper = new Int32Array(new SharedArrayBuffer(4))
  for (let waited = 0; waited < graceMs && alive(pid); waited += 10) Atomics.wait(sleeper, 0, 0, 10) // a synchronous sleep: no event loop here
  if (alive(pid)) child.kill('SIGKILL')
}

/** True while `pid` runs (a zombie, exited but not yet reaped, counts as gone). */
function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z'
  } catch {
    return false
  }
}
