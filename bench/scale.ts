/**
 * npm run bench:scale [-- --sizes 256MiB,1GiB,4GiB --strategies a,b]: every strategy on file-backed volumes
 * of growing size, each size and strategy in a process of its own so its peak RSS is its own. Prints peak
 * RSS and throughput (volume bytes per second of sync wall time), so growth with the volume is visible.
 */
import { spawnSync } from 'node:child_process'
import { mkdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { STRATEGIES } from '../strategies/index.ts'
import { parseSize, formatBytes } from '../core/units.ts'
import { defaultRunId } from '../harness/run-matrix.ts'
import type { ResultRow } from '../core/result-row.ts'
import { textTable, type TextColumn } from '../core/text-table.ts'

const { values } = parseArgs({ options: { sizes: { type: 'string', default: '256MiB,1GiB,4GiB' }, strategies: { type: 'string' }, workload: { type: 'string', default: 'random-overwrite' }, 'block-size': { type: 'string', default: '65536' } } })
const sizes = values.sizes.split(',')
const strategies = values.strategies?.split(',') ?? STRATEGIES.map((s) => s.name)
const root = join('results', `scale-${defaultRunId('000000').slice(0, 15)}`)
mkdirSync(root, { recursive: true })
const BIN = new URL('../bin/deltabench.js', import.meta.url).pathname
// Fixed widths: each line is printed as soon as its process ends, so the table cannot measure its cells first.
const COLUMNS = [{ minWidth: 24 }, { minWidth: 9 }, { align: 'right', minWidth: 9 }, { align: 'right', minWidth: 10 }, { align: 'right', minWidth: 12 }, {}] as const
const line = (cells: string[], columns: readonly TextColumn[] = COLUMNS) => process.stdout.write(`${textTable([cells], { columns })[0]}\n`)
/** A strategy and size that gave no measurement, and why. */
const note = (s: string, size: string, text: string) => line([s, size, text], COLUMNS.slice(0, 2))

line(['strategy', 'size', 'peak RSS', 'sync wall', 'throughput', 'correct'])
for (const size of sizes) {
  for (const s of strategies) {
    const out = join(root, `${s}-${size}`)
    const r = spawnSync(process.execPath, [BIN, 'run', '--strategies', s, '--workloads', values.workload, '--size', size, '--storage', 'file', '--epochs', '1', '--seeds', '1', '--block-sizes', values['block-size'], '--no-progress', '--out', out], { encoding: 'utf8' })
    if (r.status !== 0) {
      note(s, size, `failed: ${r.stderr.trim().split('\n').slice(-2).join(' ')}`)
      continue
    }
    const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')) as { peakRssBytes: number; cells: { skipped: unknown[] } }
    const rows = readFileSync(join(out, 'rows.jsonl'), 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as ResultRow)
    if (rows.length === 0) {
      note(s, size, 'skipped')
      continue
    }
    const wall = rows.reduce((a, x) => a + x.sync_wall_ms, 0)
    const bytes = parseSize(size)
    line([s, size, formatBytes(manifest.peakRssBytes), `${(wall / 1000).toFixed(2)} s`, `${((bytes / (wall / 1000)) / 1e6).toFixed(0)} MB/s`, rows.every((x) => x.correct) ? 'yes' : 'NO'])
  }
}
process.stdout.write(`\nrun directories: ${root}/\n`)
