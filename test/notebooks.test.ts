/**
 * The notebooks: generated into the run directory (never into a folder we did not write), valid nbformat 4.5
 * for a Python kernel, the committed examples what `npm run notebooks:examples` makes, and every notebook
 * executed headless by jupyter nbconvert against a small real run (and, by DELTABENCH_RUN, a faulted copy with a torn
 * last line): no cell may error, and the conclusions carry the figures analysis/cell-figures.ts computes.
 */
import { spawn, spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { cellFigures, cellsOf } from '../analysis/cell-figures.ts'
import { blockLabel } from '../analysis/charts/format.ts'
import type { ResultRow } from '../core/result-row.ts'
import { formatBytes } from '../core/units.ts'
import { buildNotebook } from '../notebooks/analysis.ts'
import { generateNotebooks } from '../notebooks/generate.ts'
import { ANALYSES } from '../notebooks/index.ts'
import { smallRun, tmp } from './small-run.ts'

const CLI = new URL('../notebooks/cli.ts', import.meta.url).pathname
const EXAMPLE_RUN = new URL('../results/notebook-example/', import.meta.url).pathname
const APT = 'apt-get install -y jupyter-nbconvert python3-ipykernel python3-pandas python3-altair'
const hasJupyter = spawnSync('jupyter', ['nbconvert', '--version'], { encoding: 'utf8' }).status === 0

type Output = { output_type: string; ename?: string; evalue?: string; data?: Record<string, string | string[]> }
type Nb = { metadata: Record<string, unknown>; cells: { cell_type: string; source: string[]; outputs?: Output[]; execution_count?: number | null }[] }
const read = (path: string) => JSON.parse(readFileSync(path, 'utf8')) as Nb
const markdownOut = (nb: Nb) => nb.cells.flatMap((c) => c.outputs ?? []).map((o) => [o.data?.['text/markdown'] ?? ''].flat().join('')).join('\n')
const cli = (...args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', CLI, ...args], { encoding: 'utf8' })

/** `jupyter nbconvert --execute` on notebooks, run asynchronously so two sets execute at once on two cores. */
function execute(paths: string[], outDir: string, runDir?: string): Promise<{ status: number | null; stderr: string }> {
  const env = { ...process.env, DELTABENCH_RUN: runDir ?? '' }
  return new Promise((done) => {
    const p = spawn('jupyter', ['nbconvert', '--to', 'notebook', '--execute', '--output-dir', outDir, ...paths], { stdio: ['ignore', 'ignore', 'pipe'], env })
    let stderr = ''
    p.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
    p.on('close', (status) => done({ status, stderr }))
  })
}

describe('notebooks', () => {
  const dirs: string[] = []
  let run: string
  let rows: readonly ResultRow[]
  beforeAll(async () => {
    dirs.push(tmp('deltabench-notebooks-'))
    run = join(dirs[0]!, 'run')
    rows = (await smallRun(run)).rows
  })
  afterAll(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true })
  })

  it('are written into <run>/notebooks/ by default: nbformat 4.5, a Python kernelspec, a first code cell that sets RUN_DIR', () => {
    const written = generateNotebooks(run)
    expect(written.map((w) => w.path)).toEqual(ANALYSES.map((a) => join(run, 'notebooks', `${a.name}.ipynb`)))
    for (const w of written) {
      const nb = read(w.path) as Nb & { nbformat: number; nbformat_minor: number }
      expect([nb.nbformat, nb.nbformat_minor]).toEqual([4, 5])
      expect(nb.metadata.kernelspec).toEqual({ name: 'python3', display_name: 'Python 3 (ipykernel)', language: 'python' })
      const code = nb.cells.filter((c) => c.cell_type === 'code')
      expect(code[0]!.source.join('')).toContain(`RUN_DIR = Path(os.environ.get('DELTABENCH_RUN') or "..").resolve()`)
      for (const c of code) expect([c.outputs, c.execution_count]).toEqual([[], null])
    }
    // Regenerating rewrites its own notebooks in place.
    expect(cli(run).status).toBe(0)
  })

  it('refuse a folder holding files they did not write, a directory that is not a run, and a run folder we did not write without --out (exit 2, nothing written)', () => {
    const foreign = join(dirs[0]!, 'mine')
    mkdirSync(foreign)
    writeFileSync(join(foreign, 'notes.txt'), 'keep me')
    const r = cli(run, '--out', foreign)
    expect(r.status).toBe(2)
    expect(r.stderr).toMatch(/^(config: )?notebooks: .*holds files the notebooks did not write \(notes\.txt\).*choose another --out/)
    expect(existsSync(join(foreign, 'compare-strategies.ipynb'))).toBe(false)
    const notRun = cli(foreign)
    expect(notRun.status).toBe(2)
    expect(notRun.stderr).toMatch(/has no rows\.jsonl/)
    // Rows with no manifest of ours: a folder we did not write, so notebooks/ goes only where --out says.
    const rowsOnly = join(dirs[0]!, 'rows-only')
    mkdirSync(rowsOnly)
    writeFileSync(join(rowsOnly, 'rows.jsonl'), readFileSync(join(run, 'rows.jsonl')))
    const refused = cli(rowsOnly)
    expect([refused.status, refused.stderr]).toEqual([2, expect.stringMatching(/has no manifest\.json of deltabench's.*give --out/)])
    expect(existsSync(join(rowsOnly, 'notebooks'))).toBe(false)
    expect(cli(rowsOnly, '--out', join(dirs[0]!, 'rows-only-notebooks')).status).toBe(0)
  })

  it('committed examples are what `npm run notebooks:examples` makes from results/notebook-example', () => {
    for (const a of ANALYSES) {
      const committed = readFileSync(join(EXAMPLE_RUN, 'notebooks', `${a.name}.ipynb`), 'utf8')
      expect(committed, `${a.name}: run npm run notebooks:examples`).toBe(JSON.stringify(buildNotebook(a, '..'), null, 1) + '\n')
    }
    expect(existsSync(join(EXAMPLE_RUN, 'rows.jsonl')) && existsSync(join(EXAMPLE_RUN, 'manifest.json'))).toBe(true)
  })

  it.skipIf(!hasJupyter)(`run headless with jupyter nbconvert --execute, no cell erroring, concluding from the run's own figures (skipped without jupyter: ${APT})`, async () => {
    // A faulted copy: some bitmap syncs marked as hit by dropped-bits, half of them self-repaired, and a torn last line.
    const faulted = join(dirs[0]!, 'faulted')
    mkdirSync(faulted)
    const withFaults = rows.map((r, i) => {
      const fault = r.strategy === 'changed-block-bitmap' && i % 2 === 0 ? 'dropped-bits' : null
      const detected = fault ? i % 4 === 0 : null
      return { ...r, fault, faults_injected: fault ? 1 : null, self_detected: detected, self_repaired: detected, caught_by_harness: fault ? !detected : null, correct: fault ? i % 4 === 0 : r.correct }
    })
    writeFileSync(join(faulted, 'rows.jsonl'), withFaults.map((r) => JSON.stringify(r)).join('\n') + '\n{"run_id":"torn')
    const out = join(dirs[0]!, 'executed')
    const [a, b] = await Promise.all([
      execute(ANALYSES.map((x) => join(run, 'notebooks', `${x.name}.ipynb`)), join(out, 'run')),
      // The run's own tracking notebook pointed at the faulted copy by DELTABENCH_RUN.
      execute([join(run, 'notebooks', 'tracking-faults.ipynb')], join(out, 'faulted'), faulted),
    ])
    expect(a.status, a.stderr.slice(-3000)).toBe(0)
    expect(b.status, b.stderr.slice(-3000)).toBe(0)
    const executed = Object.fromEntries(ANALYSES.map((x) => [x.name, read(join(out, 'run', `${x.name}.ipynb`))]))
    for (const nb of Object.values(executed)) {
      expect(nb.cells.flatMap((c) => c.outputs ?? []).filter((o) => o.output_type === 'error')).toEqual([])
      expect(nb.cells.filter((c) => c.cell_type === 'code').every((c) => typeof c.execution_count === 'number')).toBe(true)
    }

    const compare = markdownOut(executed['compare-strategies']!)
    expect(compare).toContain(`Every one of the ${rows.length} syncs left a byte-exact replica.`)
    // The fewest bytes on append, by the one aggregation as analysis/cell-figures.ts folds it.
    const append = cellsOf(rows).filter((c) => c.workload === 'append').map(cellFigures)
    const least = Math.min(...append.map((f) => f.bytesTotal!.median))
    const winners = append.filter((f) => f.bytesTotal!.median === least).map((f) => `${f.strategy} ${f.blockSize === null ? '\\(any block size\\)' : `at ${blockLabel(f.blockSize)}`}`)
    expect(compare).toMatch(new RegExp(`\\*\\*append\\*\\*: (${winners.join('|')}) sends the fewest bytes, ${formatBytes(Math.round(least)).replace('.', '\\.')} per sync`))

    const blocks = markdownOut(executed['choose-block-size']!)
    for (const s of ['fixed-block-compare', 'changed-block-bitmap']) expect(blocks).toContain(`**${s}**`)
    expect(blocks).toContain('**whole-file** ignores the block size')

    // Why the tracking notebook once said snapshot-diff holds 0 B: it read tracker_state_bytes alone, and
    // snapshot-diff's tracker keeps nothing; its manifest is sender state. Kept state counts all three kinds.
    const snapshot = rows.filter((r) => r.strategy === 'snapshot-diff')
    expect(snapshot.every((r) => !r.tracker_state_bytes) && snapshot.some((r) => r.sender_state_bytes > 0)).toBe(true)
    const tracking = markdownOut(executed['tracking-faults']!)
    expect(tracking).toContain('This run has no fault rows')
    const kept = /\*\*snapshot-diff\*\* .* it keeps (\S+ \S+) at \S+ \S+ \(tracker \S+ \S+ \+ sender (\S+ \S+)/.exec(tracking)
    expect(kept, tracking).not.toBeNull()
    expect([kept![1], kept![2]]).not.toContain('0 B')
    const snapshotCell = cellsOf(snapshot).map(cellFigures).filter((f) => f.workload === 'random-overwrite')[0]!
    expect(snapshotCell.keptState!.median).toBeGreaterThan(0)

    const faultText = markdownOut(read(join(out, 'faulted', 'tracking-faults.ipynb')))
    const hit = withFaults.filter((r) => r.fault)
    const wrong = hit.filter((r) => !r.correct).length
    const detected = hit.filter((r) => r.self_detected).length
    expect(faultText).toContain(`**dropped-bits**, changed-block-bitmap: ${wrong} of ${hit.length} syncs wrong`)
    expect(faultText).toContain(`${wrong} of them seen only by the harness's byte check, self-verification detected ${detected} of ${hit.length}, repaired ${detected}`)
    expect(faultText).toContain(`${withFaults.length} syncs of`) // the torn last line left out, every whole row read
    expect(faultText).toContain(faulted)
  }, 150_000)
})
