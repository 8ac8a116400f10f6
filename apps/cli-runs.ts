/** The commands over finished run directories: compare two runs, merge shards, write a report. */
import { Option, type Command } from 'commander'
import { writeFileSync } from 'node:fs'
import { COMPARE_DEFAULTS, compareRuns, type CompareOptions } from '../analysis/compare.ts'
import { comparisonChart, comparisonMarkdown, comparisonText } from '../analysis/compare-output.ts'
import { IDENTITY_COLUMNS, parseMatch, parseSelector } from '../analysis/compare-pairs.ts'
import { writeReport } from '../analysis/report/write-report.ts'
import { writeOneChart } from '../analysis/report/write-chart.ts'
import { ConfigError } from '../core/errors.ts'
import type { ResultRow } from '../core/result-row.ts'
import { readRows } from '../core/run-files.ts'
import { mergeRuns } from '../harness/merge.ts'
import type { SetExitCode } from './cli-flags.ts'

/** Writes report.html and charts/ for a run directory and says where (the rows, when the caller has them). */
export async function printReport(dir: string, rows?: readonly ResultRow[]): Promise<void> {
  const r = await writeReport(dir, { rows })
  const absent = r.absent.length ? `; not drawn: ${r.absent.map((a) => a.id).join(', ')} (the report says why)` : ''
  process.stdout.write(`report: ${r.path} (${r.charts.length} charts${absent}, ${(r.ms / 1000).toFixed(1)} s)\n`)
}

interface CompareFlags {
  format: string
  alpha: string
  minEffect: string
  bytesThreshold: string
  match?: string
  a?: string
  b?: string
  chart?: string
}

/** A percentage flag in [0, max], as a fraction. */
function percentFlag(name: string, v: string, max: number): number {
  const n = Number(v)
  if (v.trim() === '' || !Number.isFinite(n) || n < 0 || n > max) throw new ConfigError(`compare: --${name} must be a percentage from 0 to ${max}, like ${name === 'alpha' ? '5' : '10'}; got "${v}"`)
  return n / 100
}

/** Every flag checked and turned into options before a row is read. */
export function compareOptions(flags: CompareFlags): CompareOptions {
  const alpha = percentFlag('alpha', flags.alpha, 50)
  if (alpha === 0) throw new ConfigError('compare: --alpha 0 would never call a CPU change; give a false-alarm rate in percent, e.g. --alpha 5')
  return {
    alpha,
    minEffect: percentFlag('min-effect', flags.minEffect, 1000),
    bytesThreshold: percentFlag('bytes-threshold', flags.bytesThreshold, 1000),
    match: parseMatch(flags.match),
    a: parseSelector(flags.a, '--a'),
    b: parseSelector(flags.b, '--b'),
  }
}

/** Prints the comparison of two runs; exit 4 when it finds a regression (bytes, correctness, or CPU the test supports). */
function compare(a: string, b: string, flags: CompareFlags): number {
  const opts = compareOptions(flags)
  const c = compareRuns(readRows(a), readRows(b), opts, { a, b })
  if (flags.format === 'json') process.stdout.write(JSON.stringify(c, null, 2) + '\n')
  else process.stdout.write((flags.format === 'markdown' ? comparisonMarkdown(c) : comparisonText(c)) + '\n')
  if (flags.chart) writeFileSync(flags.chart, JSON.stringify(comparisonChart(c), null, 2) + '\n')
  return c.regressions.total > 0 ? 4 : 0
}

const pctDefault = (x: number) => String(Math.round(x * 1000) / 10)

export function addCompareCommand(program: Command, setExitCode: SetExitCode): void {
  program
    .command('compare')
    .description('compare two run directories (or two parts of one) cell by cell: bytes exactly, CPU with a test of stated false-alarm rate; exit 4 on a regression')
    .argument('<run-a>', 'the baseline run directory')
    .argument('<run-b>', 'the run to judge against it (may be the same directory, with --a/--b)')
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'markdown', 'json']).default('text'))
    .option('--match <columns>', `identity columns that must agree for two cells to pair (default all: ${IDENTITY_COLUMNS.join(',')})`)
    .option('--a <selector>', 'rows of run A to compare, column=value,... e.g. strategy=rsync-rolling,block_size=4096 (default all)')
    .option('--b <selector>', 'rows of run B to compare, as --a (default all)')
    .option('--alpha <pct>', 'family-wise false-alarm rate of the CPU calls, in percent (Holm over the cells)', pctDefault(COMPARE_DEFAULTS.alpha))
    .option('--min-effect <pct>', 'smallest CPU change ever called, in percent', pctDefault(COMPARE_DEFAULTS.minEffect))
    .option('--bytes-threshold <pct>', 'change in bytes that counts, in percent (bytes are deterministic: 0 flags any increase)', pctDefault(COMPARE_DEFAULTS.bytesThreshold))
    .option('--chart <file>', 'also write a Vega-Lite chart of the changes to this file (.vl.json)')
    .action((a: string, b: string, flags: CompareFlags) => setExitCode(compare(a, b, flags)))
}

/** merge (the shards of a sweep into one run) and report (charts and report.html of a run). */
export function addMergeAndReportCommands(program: Command): void {
  program
    .command('merge')
    .description('join the run directories of the shards of one sweep (--shard i/n) into one run')
    .argument('<out>', 'the merged run directory to write')
    .argument('<dirs...>', 'the shard run directories')
    .option('--allow-incomplete', 'merge even when a shard is missing or unfinished (the merged run is marked failed)')
    .action((out: string, dirs: string[], flags: { allowIncomplete?: boolean }) => {
      const r = mergeRuns(dirs, out, { allowIncomplete: flags.allowIncomplete === true })
      process.stdout.write(`merged ${dirs.length} shard(s), ${r.rows.length} rows${r.manifest.status === 'complete' ? '' : ' (INCOMPLETE: a shard is missing or unfinished)'}: ${out}/\n`)
    })
  program
    .command('report')
    .description('write report.html and charts/ (Vega-Lite spec, SVG, PNG per chart) for a run directory')
    .argument('<run-dir>', 'a run directory, e.g. results/<run-id>')
    .option('--chart <id>', 'draw only this chart to --out (no report.html), e.g. tradeoff-bytes-vs-cpu')
    .option('--format <f>', 'with --chart: svg or png (default: from --out)')
    .option('--out <file>', 'with --chart: the file to write')
    .option('--width <px>', 'with --chart: the slide width in px, 320–7680 (default: 1280)')
    .option('--height <px>', 'with --chart: the slide height in px, 320–7680 (default: 720)')
    .option('--theme <t>', 'with --chart: light or dark (default: light)')
    .action(async (dir: string, f: { chart?: string; format?: string; out?: string; width?: string; height?: string; theme?: string }) => {
      if (f.chart === undefined) {
        if (f.format !== undefined || f.out !== undefined || f.width !== undefined || f.height !== undefined || f.theme !== undefined) throw new ConfigError('report: --format, --out, --width, --height and --theme go with --chart <id>, e.g. report <run> --chart tradeoff-bytes-vs-cpu --out pareto.png')
        return printReport(dir)
      }
      if (f.out === undefined) throw new ConfigError(`report --chart ${f.chart}: give the file to write with --out, e.g. --out ${f.chart}.png`)
      process.stdout.write(`chart: ${await writeOneChart(dir, { chart: f.chart, out: f.out, format: f.format, width: f.width, height: f.height, theme: f.theme })}\n`)
    })
}
