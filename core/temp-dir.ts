/**
 * Temporary directories with an owner: each is removed by `removeTempDir` or, failing that, by the
 * process-wide registry (core/cleanup.ts) when the process exits or the CLI is interrupted. Named
 * `deltabench-<name>-…` under the system's temporary directory.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { own, type Owned } from './cleanup.ts'

const live = new Map<string, Owned>()

/** Removes a folder and all it holds; retries briefly, since a tool just killed may still be closing files in it. */
export function removeTree(dir: string): void {
  rmSync(dir, { recursive: true, force: true, maxRetries: 3, retryDelay: 20 })
}

/** A fresh temp directory (under `parent`, default the system's), removed by `removeTempDir` or, failing that, by the registry. */
export function makeTempDir(name: string, parent = tmpdir()): string {
  const dir = mkdtempSync(join(parent, `deltabench-${name}-`))
  live.set(dir, own(`temp folder ${dir}`, () => removeTree(dir)))
  return dir
}

export function removeTempDir(dir: string): void {
  const owned = live.get(dir)
  live.delete(dir)
  if (owned) owned.release()
  else removeTree(dir)
}
