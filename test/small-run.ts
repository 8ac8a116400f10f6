import { mkdtempSync, rmSync } from 'node:fs'
import { afterAll } from 'vitest'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { resolveRun } from '../harness/config.ts'
import { runMatrix, type MatrixResult } from '../harness/run-matrix.ts'

const made: string[] = []
/** A fresh temp folder, removed when the test file that asked for it ends. */
export function tmp(prefix = 'deltabench-report-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix))
  made.push(dir)
  return dir
}
// Registered once per test file (vitest isolates each file's module graph), so every file cleans up its own.
afterAll(() => {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true })
})

/**
 * A small real run for charts, reports and notebooks: every registered strategy on two workloads, two block
 * sizes, two seeds, through runMatrix (the path `deltabench run` takes). About a second.
 */
export async function smallRun(dir: string, opts: { seeds?: string[]; workloads?: string[] } = {}): Promise<MatrixResult> {
  const config = resolveRun({ workloads: opts.workloads ?? ['random-overwrite', 'append'], blockSizes: [1024, 4096], size: '128KiB', epochs: 2, seeds: opts.seeds ?? ['1', '2'] })
  return runMatrix(config, { outDir: dir, warmup: false })
}

/** A seed and a run directory name a user chose, made of everything that could break out of HTML or a script. */
export const HOSTILE_SEED = `</script><script>window.pwned=1</script><!--&"'`
export const HOSTILE_DIR = `run-<img src=x onerror="window.pwned=2">&'`
