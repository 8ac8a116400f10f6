/**
 * Temp folders a test file makes, removed when the file's tests end, pass or fail: an interrupted or
 * repeated full run otherwise leaves one /tmp/deltabench-* folder per test (the lead found ~150).
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll } from 'vitest'

/** A maker of fresh folders named `<prefix>XXXXXX` under the temp dir, each removed after all tests of the file. */
export function scratchDirs(prefix: string): () => string {
  const made: string[] = []
  afterAll(() => {
    for (const dir of made) rmSync(dir, { recursive: true, force: true })
  })
  return () => {
    const dir = mkdtempSync(join(tmpdir(), prefix))
    made.push(dir)
    return dir
  }
}
