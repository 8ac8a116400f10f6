/**
 * `npm run bench:pareto`: bytes against CPU for a list of variants on one workload (default: the
 * typescript 5.5.4 → 5.6.2 release pair, --floor max), one `deltabench run` per variant (a strategy with
 * its block sizes, options and channel compression: bench/pareto-variants.ts), then one trade-off chart
 * over all their rows with the Pareto front and a table of bytes and CPU per point.
 *
 *   npm run bench:pareto -- --out results/pareto-ts --chart docs/pareto-typescript.png
 *   npm run bench:pareto -- --out results/pareto-ts --also "rsync-rounds@8192"     # add variants
 *   npm run bench:pareto -- --out D --variants "rsync@700;xdelta3:level=9" --run "--workloads insert-delete --size 4MiB --epochs 2"
 *
 * The out folder must be new, empty, or this script's own earlier one: a variant whose run there is
 * complete is not run again (so a second call only redraws), an unfinished one is refused.
 */
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs'
import { extname, join } from 'node:path'
import { main } from '../apps/cli.ts'
import { ConfigError } from '../core/errors.ts'
import { readManifest, readRows } from '../core/run-files.ts'
import type { ResultRow } from '../core/result-row.ts'
import { chartContext } from '../analysis/charts/chart.ts'
import { renderPng, renderSvg } from '../analysis/charts/render.ts'
import { tradeoff } from '../analysis/charts/tradeoff-bytes-vs-cpu.ts'
import { paretoTable } from './pareto-table.ts'
import { DEFAULT_VARIANTS, parseVariants, variantFlags, variantFolder, type Variant } from './pareto-variants.ts'

const TYPESCRIPT_PAIR = '--workloads release-series --opt release-series.package=typescript --opt release-series.from=6 --epochs 1 --seeds 1 --floor max'
const MARKER = 'pareto.json'

function flag(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`)
  if (i < 0) return fallback
  const v = process.argv[i + 1]
  if (v === undefined) throw new ConfigError(`bench:pareto: --${name} needs a value`)
  return v
}

/** The out folder: made here, or empty, or ours (its marker); anything else is refused before a run. */
function openOut(dir: string, variants: readonly Variant[], run: string): void {
  if (existsSync(dir) && readdirSync(dir).length > 0 && !existsSync(join(dir, MARKER))) {
    throw new ConfigError(`bench:pareto: ${dir} holds files this script did not write; give a new or empty --out`)
  }
  mkdirSync(dir, { recursive: true })
  writeFileSync(join(dir, MARKER), JSON.stringify({ tool: 'deltabench', kind: 'pareto', run, variants: variants.map((v) => v.text) }, null, 2) + '\n')
}

/** Runs one variant into its folder unless a complete run is there already; returns its rows. */
async function runVariant(v: Variant, dir: string, run: string): Promise<ResultRow[]> {
  const manifest = existsSync(dir) ? readManifest(dir, 'bench:pareto') : null
  if (manifest?.status === 'complete') return readRows(dir)
  if (existsSync(dir)) throw new ConfigError(`bench:pareto: ${dir} holds an unfinished run (${manifest?.status ?? 'no manifest'}); remove it to run ${v.text} again`)
  const argv = ['run', ...variantFlags(v), ...run.split(/\s+/).filter((s) => s !== ''), '--out', dir, '--no-progress', '--no-report']
  process.stderr.write(`bench:pareto: ${v.text}: deltabench ${argv.join(' ')}\n`)
  const code = await main(argv)
  if (code !== 0) throw new Error(`bench:pareto: ${v.text}: deltabench run exited ${code}`)
  return readRows(dir)
}

async function writeChart(rows: readonly ResultRow[], path: string): Promise<void> {
  const outcome = tradeoff.build(rows, chartContext(rows))
  if ('absent' in outcome) throw new Error(`bench:pareto: no chart: ${outcome.absent}`)
  const svg = await renderSvg(outcome.spec)
  writeFileSync(path, extname(path) === '.svg' ? svg : renderPng(svg))
}

async function benchPareto(): Promise<number> {
  const out = flag('out', join('results', `pareto-${new Date().toISOString().replace(/[:.]/g, '-')}`))
  const run = flag('run', TYPESCRIPT_PAIR)
  const variants = parseVariants(`${flag('variants', DEFAULT_VARIANTS)};${flag('also', '')}`)
  const chart = flag('chart', join(out, 'pareto.png'))
  if (!['.png', '.svg'].includes(extname(chart))) throw new ConfigError(`bench:pareto: --chart ${chart} must end in .png or .svg`)
  openOut(out, variants, run)
  const rows: ResultRow[] = []
  for (const [i, v] of variants.entries()) rows.push(...(await runVariant(v, join(out, variantFolder(v, i)), run)))
  await writeChart(rows, chart)
  const table = paretoTable(rows)
  writeFileSync(join(out, 'table.md'), table + '\n')
  process.stdout.write(`${table}\n\nchart: ${chart}\ntable: ${join(out, 'table.md')}\n`)
  return rows.every((r) => r.correct) ? 0 : 3
}

benchPareto().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`)
    process.exit(err instanceof ConfigError ? 2 : 1)
  },
)
