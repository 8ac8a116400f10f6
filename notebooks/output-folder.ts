/**
 * Which folder notebooks may be written into, by harness/run-folder.ts's rule (a new or empty folder, or
 * one holding only what we wrote there before): a folder that holds only our notebooks (the .ipynb names of
 * ANALYSES) is ours to rewrite; any other file means a folder we did not create, refused with the fix.
 */
import { mkdirSync, readdirSync, statSync } from 'node:fs'
import { ConfigError } from '../core/errors.ts'

/** Throws a ConfigError, writing nothing, unless `dir` is absent, empty, or holds only files named in `ours`. */
export function checkNotebookFolder(dir: string, ours: readonly string[]): void {
  let entries: string[]
  try {
    if (!statSync(dir).isDirectory()) throw new ConfigError(`notebooks: ${dir} is a file, not a folder; give --out a new or empty folder`)
    entries = readdirSync(dir)
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return
    throw err
  }
  const foreign = entries.filter((f) => !ours.includes(f)).sort()
  if (foreign.length) {
    const some = foreign.length <= 4 ? foreign.join(', ') : `${foreign.slice(0, 4).join(', ')} and ${foreign.length - 4} more`
    throw new ConfigError(`notebooks: ${dir} holds files the notebooks did not write (${some}); notebooks are written only into a new or empty folder, or one holding only earlier notebooks: choose another --out`)
  }
}

/** Checks `dir` and creates it if need be. */
export function claimNotebookFolder(dir: string, ours: readonly string[]): void {
  checkNotebookFolder(dir, ours)
  mkdirSync(dir, { recursive: true })
}
