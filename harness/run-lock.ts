/**
 * The lock on a run folder: one run (or tune) writes a folder at a time. The lock is a file created
 * exclusively in the folder, holding the pid, host and start time of its holder; it is removed on success,
 * on error and on a signal. A lock whose pid is dead on this host is stale and taken over with a note; a
 * live one (or one from another host, whose pid cannot be checked) is refused with its holder named.
 */
import { linkSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs'
import { hostname } from 'node:os'
import { join } from 'node:path'
import { ConfigError } from '../core/errors.ts'

/** The lock's file name in the folder it guards. */
export const LOCK_FILE = '.deltabench.lock'

/** Who holds a lock: what the lock file records. */
export interface LockHolder {
  pid: number
  host: string
  /** ISO time the holder took the lock. */
  started: string
  /** What the holder is doing, for the message: "run", "tune". */
  what: string
}

export interface RunLock {
  readonly path: string
  /** Removes the lock file (idempotent). */
  release(): void
}

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const

function describe(h: LockHolder): string {
  return `deltabench ${h.what} (pid ${h.pid} on ${h.host}, since ${h.started})`
}

function readText(path: string): string | null {
  try {
    return readFileSync(path, 'utf8')
  } catch {
    return null
  }
}

function parseHolder(text: string): LockHolder | null {
  try {
    const h = JSON.parse(text) as Partial<LockHolder>
    return typeof h.pid === 'number' && typeof h.host === 'string' ? { pid: h.pid, host: h.host, started: String(h.started), what: String(h.what ?? 'run') } : null
  } catch {
    return null
  }
}

/** True when pid names no process on this machine (EPERM means it lives under another user). */
function pidIsDead(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return false
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ESRCH'
  }
}

/** Creates `path` holding `text`, or fails with EEXIST: written aside and linked in, so the lock is never seen half-written. */
function createExclusive(path: string, text: string): boolean {
  const tmp = `${path}.${process.pid}.tmp`
  writeFileSync(tmp, text)
  try {
    linkSync(tmp, path)
    return true
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false
    throw err
  } finally {
    unlinkSync(tmp)
  }
}

/**
 * Takes the lock on `dir` (which must exist) for `what`, or throws a ConfigError naming the holder.
 * `onNote` is told when a stale lock was taken over.
 */
export function acquireRunLock(dir: string, what: string, onNote: (message: string) => void = () => {}): RunLock {
  const path = join(dir, LOCK_FILE)
  const me: LockHolder = { pid: process.pid, host: hostname(), started: new Date().toISOString(), what }
  const text = JSON.stringify(me) + '\n'
  // A few tries: another follows a stale lock removed, or a lock released while we looked.
  for (let attempt = 0; attempt < 3; attempt++) {
    if (createExclusive(path, text)) return holdUntilExit(path, text)
    const seen = readText(path)
    // Gone between our try and this read: its holder just released it.
    if (seen === null) continue
    const holder = parseHolder(seen)
    if (!holder) throw new ConfigError(`${dir} is locked by ${path}, which is not a deltabench lock file; if no deltabench is using ${dir}, delete ${path} and retry`)
    if (holder.host !== me.host) throw new ConfigError(`${dir} is in use by ${describe(holder)}, another host; wait for it to finish, or, if it is gone, delete ${path}`)
    if (!pidIsDead(holder.pid)) throw new ConfigError(`${dir} is in use by ${describe(holder)}; wait for it to finish or choose another --out`)
    // Re-read just before removing: if another process took the stale lock over meanwhile, its lock is not
    // ours to remove (two takers reading the same stale lock within microseconds remain a window).
    if (readText(path) !== seen) continue
    try {
      unlinkSync(path)
    } catch (err) {
      // Removed meanwhile by another taker: try again, as it did.
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err
    }
    onNote(`took over the stale lock of ${describe(holder)}: that process is gone`)
  }
  throw new ConfigError(`${dir}: another deltabench took its lock over at the same moment; retry`)
}

/**
 * The lock, released by `release`, or when the process exits (process.exit, the end of the event loop), or
 * on a signal. A signal handler installed by someone else owns the exit (it must end through process.exit,
 * which releases); with none, the lock's handler releases and re-raises the signal so the process ends as
 * it would have. Signals are handled when the event loop turns (the engine yields between cells).
 */
function holdUntilExit(path: string, text: string): RunLock {
  let held = true
  const onExit = () => release()
  const dropSignalHandlers = () => {
    for (const s of SIGNALS) process.removeListener(s, onSignal)
  }
  const onSignal = (sig: NodeJS.Signals) => {
    if (process.listenerCount(sig) > 1) return
    release()
    dropSignalHandlers()
    process.kill(process.pid, sig)
  }
  function release(): void {
    if (!held) return
    held = false
    process.removeListener('exit', onExit)
    // Kept one more turn of the event loop: a signal that came while the lock was held is dispatched then
    // (before setImmediate's phase) and must still end the process, not vanish with its handler.
    setImmediate(dropSignalHandlers)
    try {
      // Only our own lock: a folder someone emptied and relocked is theirs.
      if (readFileSync(path, 'utf8') === text) unlinkSync(path)
    } catch {
      // Already gone (the folder was removed): nothing to release.
    }
  }
  process.on('exit', onExit)
  for (const s of SIGNALS) process.on(s, onSignal)
  return { path, release }
}
