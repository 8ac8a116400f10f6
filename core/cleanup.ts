/**
 * The process-wide owner of what must not outlive the process: temp folders, child processes, volume
 * folders. Each registers a release (synchronous, so it can run from an 'exit' or signal handler) and
 * drops it once its own owner has ended it; `releaseAll` ends whatever is still registered, newest
 * first (a tool is killed before the folder it works in is removed). It runs on the process's 'exit'
 * event by itself; the CLI's SIGINT/SIGTERM handler (apps/interrupt.ts) calls it before exiting, since
 * Node runs no 'exit' handler when a signal kills it.
 */

/** A registered resource: `release` ends it now (once); `disown` drops it when its owner already did. */
export interface Owned {
  release(): void
  disown(): void
}

const live = new Map<number, { what: string; release: () => void }>()
let nextId = 0
let hooked = false

/** Registers `release` (must be synchronous); `what` names the resource in `liveResources`. */
export function own(what: string, release: () => void): Owned {
  if (!hooked) {
    hooked = true
    process.on('exit', releaseAll)
  }
  const id = nextId++
  live.set(id, { what, release })
  return {
    release: () => {
      const entry = live.get(id)
      if (!entry) return
      live.delete(id)
      entry.release()
    },
    disown: () => void live.delete(id),
  }
}

/** Ends every registered resource, newest first; a release that throws does not stop the others. Returns how many ran. */
export function releaseAll(): number {
  return releaseSince(0)
}

/**
 * A mark of what is registered now: `liveSince(mark)` and `releaseSince(mark)` then see only what was
 * registered after it (a fuzz range inside a process that owns more, e.g. the run's own temp folder).
 */
export function resourceMark(): number {
  return nextId
}

/** What was registered after `mark` and is still registered. */
export function liveSince(mark: number): string[] {
  return [...live.entries()].filter(([id]) => id >= mark).map(([, e]) => e.what)
}

/** Ends what was registered after `mark`, newest first, as releaseAll does; returns how many ran. */
export function releaseSince(mark: number): number {
  const entries = [...live.entries()].filter(([id]) => id >= mark).reverse()
  for (const [id] of entries) live.delete(id)
  for (const [, e] of entries) {
    try {
      e.release()
    } catch {
      // Best effort: the process is ending, and one stuck resource must not keep the rest alive.
    }
  }
  return entries.length
}

/** What is registered now (tests, diagnostics). */
export function liveResources(): string[] {
  return [...live.values()].map((e) => e.what)
}

/** Sends `signal` to a process group (a detached child and everything it started); false if it is gone. */
export function killGroup(pid: number | undefined, signal: NodeJS.Signals = 'SIGKILL'): boolean {
  if (pid === undefined) return false
  try {
    process.kill(-pid, signal)
    return true
  } catch {
    return false // ESRCH: the group is gone
  }
}
