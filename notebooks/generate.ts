/**
 * Writes the notebooks for a run directory: by default into <run>/notebooks/, or into --out. Generating needs
 * no Python and reads nothing but whether the run has rows: every figure is computed when the notebook runs.
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { join, relative, resolve } from 'node:path'
import { ConfigError } from '../core/errors.ts'
import { MANIFEST_FILE, readManifest, ROWS_FILE } from '../core/run-files.ts'
import { buildNotebook } from './analysis.ts'
import { ANALYSES } from './index.ts'
import { claimNotebookFolder } from './output-folder.ts'

export interface GeneratedNotebook {
  name: string
  title: string
  path: string
}

/** The folder notebooks go into when --out is not given. */
export const NOTEBOOKS_FOLDER = 'notebooks'

export const notebookFiles = (): string[] => ANALYSES.map((a) => `${a.name}.ipynb`)

/** Writes every notebook for `runDir` into `outDir` (default `<runDir>/notebooks`); refuses a folder we did not write. */
export function generateNotebooks(runDir: string, out?: string): GeneratedNotebook[] {
  const outDir = out ?? join(runDir, NOTEBOOKS_FOLDER)
  const rowsPath = join(runDir, ROWS_FILE)
  if (!existsSync(rowsPath)) throw new ConfigError(`notebooks: ${runDir} has no ${ROWS_FILE}; give a run directory (results/<run-id>), or run a matrix first (npx deltabench run)`)
  if (readFileSync(rowsPath, 'utf8').trim() === '') throw new ConfigError(`notebooks: ${rowsPath} has no rows; run a matrix first (npx deltabench run)`)
  // Into the run's own folder only when deltabench wrote it (its manifest.json says so), as harness/run-folder.ts rules.
  if (out === undefined && readManifest(runDir, 'notebooks')?.tool !== 'deltabench') {
    throw new ConfigError(`notebooks: ${runDir} has no ${MANIFEST_FILE} of deltabench's, so it is not a folder we wrote and notebooks/ is not made inside it; give --out <new folder>`)
  }
  claimNotebookFolder(outDir, notebookFiles())
  // Relative, with "/" on every platform, so a committed example opens wherever the repository is checked out.
  const runFromNotebook = relative(resolve(outDir), resolve(runDir)).split('\\').join('/') || '.'
  return ANALYSES.map((a) => {
    const path = resolve(join(outDir, `${a.name}.ipynb`))
    // One space of indent and a final newline, as Jupyter writes them, so a regenerated notebook diffs cleanly.
    writeFileSync(`${path}.tmp`, JSON.stringify(buildNotebook(a, runFromNotebook), null, 1) + '\n')
    renameSync(`${path}.tmp`, path)
    return { name: a.name, title: a.title, path }
  })
}
