/**
 * Temporary directories with an owner: each is removed by `removeTempDir` or, failing that, when the
 * process exits. Named `deltabench-<name>-…` under the system's temporary directory.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

const live = new Set<string>()
let hooked = false

/** A fresh temp directory, removed by `removeTempDir` or, failing that, when the process exits. */
export function makeTempDir(name: string): string {
  if (!hooked) {
    hooked = true
    process.on('exit', () => {
      for (const d of live) rmSync(d, { recursive: true, force: true })
    })
  }
  const dir = mkdtempSync(join(tmpdir(), `deltabench-${name}-`))
  live.add(dir)
  return dir
}

export function removeTempDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true })
  live.delete(dir)
}
