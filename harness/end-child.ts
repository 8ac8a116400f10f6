import type { ChildProcess } from 'node:child_process'
import { readFileSync } from 'node:fs'

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
