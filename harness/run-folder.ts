/**
 * Which folder a run may write: a new one, an empty one, or, with --resume, one holding deltabench's own
 * run (its manifest.json). Any other folder holds files we did not write and is refused before anything is
 * written. Claiming a folder creates it if need be, takes its lock (harness/run-lock.ts) and checks again
 * under the lock, since another process may have written it meanwhile.
 */
import { mkdirSync, readdirSync, readFileSync, rmdirSync, statSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { ConfigError } from '../core/errors.ts'
import { refuseSystemPath } from '../core/os-error.ts'
import { MANIFEST_FILE } from '../core/run-files.ts'
import { acquireRunLock, LOCK_FILE, type RunLock } from './run-lock.ts'

/** What a folder holds, as far as whether we may write it goes (`files`: its entries but our lock). */
export type FolderState = { kind: 'absent' } | { kind: 'empty' } | { kind: 'run' } | { kind: 'foreign'; files: string[] }

/** The folder's entries, leaving out our lock and its half-made siblings (the lock has its own rules). */
function entriesOf(dir: string): string[] | null {
  let st
  try {
    st = statSync(dir)
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null
    throw err
  }
  if (!st.isDirectory()) throw new ConfigError(`--out ${dir} is a file, not a folder; give the path of a new or empty folder`)
  return readdirSync(dir).filter((f) => !f.startsWith(LOCK_FILE))
}

function isOurManifest(path: string): boolean {
  try {
    return (JSON.parse(readFileSync(path, 'utf8')) as { tool?: unknown }).tool === 'deltabench'
  } catch {
    return false
  }
}

/** What `dir` holds: nothing (absent or empty), a deltabench run, or files we did not write. */
export function folderState(dir: string): FolderState {
  if (dir.trim() === '') throw new ConfigError('--out is empty; give the path of a new or empty folder, e.g. --out results/my-run')
  refuseSystemPath('--out', resolve(dir))
  const entries = entriesOf(dir)
  if (entries === null) return { kind: 'absent' }
  if (entries.length === 0) return { kind: 'empty' }
  if (entries.includes(MANIFEST_FILE) && isOurManifest(join(dir, MANIFEST_FILE))) return { kind: 'run' }
  return { kind: 'foreign', files: entries.sort() }
}

/** "rows.csv, notes.txt and 3 more" */
export function someFiles(files: readonly string[]): string {
  return files.length <= 4 ? files.join(', ') : `${files.slice(0, 4).join(', ')} and ${files.length - 4} more`
}

/** Refuses, with the fix, a folder a run may not write; writes nothing. */
export function checkRunFolder(dir: string, resume: boolean): void {
  const state = folderState(dir)
  if (resume && state.kind !== 'run') {
    const what = state.kind === 'absent' ? 'does not exist' : state.kind === 'empty' ? 'is empty' : `holds no deltabench run (no manifest.json of ours; it holds ${someFiles(state.files)})`
    throw new ConfigError(`--resume: ${dir} ${what}, so there is no run to continue; leave out --resume to start a new run${state.kind === 'foreign' ? ' in a new or empty folder' : ''}, or give the --out of the run to resume`)
  }
  if (state.kind === 'run' && !resume) throw new ConfigError(`${dir} already holds a run; pass --resume to continue it, or choose another --out`)
  if (state.kind === 'foreign') {
    const tune = state.files.includes('tune.json') ? " (a tune's results)" : ''
    throw new ConfigError(`${dir} holds files deltabench did not write as a run${tune}: ${someFiles(state.files)}; a run writes only into a new or empty folder, so nothing of yours is replaced: choose another --out, e.g. --out ${join(dir, 'run')}`)
  }
}

/** A claimed folder: its lock, and `abandon` to undo the claim when the run cannot start after all. */
export interface ClaimedFolder {
  lock: RunLock
  /** Releases the lock and removes the folders the claim created, if still empty. */
  abandon(): void
}

/** The folders mkdir -p made for `dir`, deepest first: `first` is the top one it created. */
function createdChain(dir: string, first: string | undefined): string[] {
  if (first === undefined) return []
  const out: string[] = []
  const top = resolve(first)
  for (let d = resolve(dir); ; d = dirname(d)) {
    out.push(d)
    if (d === top || dirname(d) === d) return out
  }
}

/**
 * Checks `dir` with `check` (which throws a ConfigError and writes nothing), creates it if need be, takes its
 * lock for `what` ("run", "tune") and checks again under the lock. Throws a ConfigError, leaving nothing
 * behind, when the folder may not be written or is locked.
 */
export function claimFolder(dir: string, what: string, check: (dir: string) => void, onNote?: (message: string) => void): ClaimedFolder {
  check(dir)
  const created = createdChain(dir, mkdirSync(dir, { recursive: true }))
  const removeCreated = () => {
    for (const d of created) {
      try {
        rmdirSync(d)
      } catch {
        // Not empty (another run took it meanwhile) or gone: not ours to remove.
        return
      }
    }
  }
  let lock: RunLock
  try {
    lock = acquireRunLock(dir, what, onNote)
  } catch (err) {
    removeCreated()
    throw err
  }
  const abandon = () => {
    lock.release()
    removeCreated()
  }
  try {
    check(dir)
  } catch (err) {
    abandon()
    throw err
  }
  return { lock, abandon }
}

/** claimFolder for a run: a new or empty folder, or with resume our run (checkRunFolder). */
export function claimRunFolder(dir: string, resume: boolean, onNote?: (message: string) => void): ClaimedFolder {
  return claimFolder(dir, 'run', (d) => checkRunFolder(d, resume), onNote)
}
