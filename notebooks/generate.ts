/**
 * Regenerates the notebooks from a run directory, headless: each analysis reads the run, draws its charts
 * and writes its conclusion into <out>/<name>.ipynb.
 */
import { mkdirSync, renameSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { ANALYSES } from './index.ts'
import { loadRun } from './run-data.ts'

export interface GeneratedNotebook {
  name: string
  title: string
  path: string
  conclusion: string
}

/** Writes every notebook; the default output is notebooks/ itself (the committed, pre-rendered copies). */
export async function generateNotebooks(runDir: string, outDir = fileDir()): Promise<GeneratedNotebook[]> {
  const run = loadRun(runDir)
  mkdirSync(outDir, { recursive: true })
  const out: GeneratedNotebook[] = []
  for (const a of ANALYSES) {
    const { notebook, conclusion } = await a.build(run)
    const path = resolve(join(outDir, `${a.name}.ipynb`))
    // One space of indent and a final newline, as Jupyter writes them, so a regenerated notebook diffs cleanly.
    writeFileSync(`${path}.tmp`, JSON.stringify(notebook, null, 1) + '\n')
    renameSync(`${path}.tmp`, path)
    out.push({ name: a.name, title: a.title, path, conclusion })
  }
  return out
}

function fileDir(): string {
  return new URL('.', import.meta.url).pathname
}
