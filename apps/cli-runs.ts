/** The commands over finished run directories: compare two runs, merge shards, write a report. */
import { Option, type Command } from 'commander'
import { writeFileSync } from 'node:fs'
import { comparisonChart, comparisonMarkdown, comparisonText, compareRuns } from '../analysis/compare.ts'
import { writeReport } from '../analysis/report/write-report.ts'
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
  cpuThreshold: string
  bytesThreshold: string
  chart?: string
}

/** A threshold flag in percent, as a fraction. */
function percentFlag(name: string, v: string): number {
  const n = Number(v)
  if (!Number.isFinite(n) || n < 0) throw new ConfigError(`--${name} must be a percentage like 5, got "${v}"`)
  return n / 100
}

/** Prints the comparison of two runs; exit 4 when it finds a regression. */
function compare(a: string, b: string, flags: CompareFlags): number {
  const c = compareRuns(readRows(a), readRows(b), { cpuThreshold: percentFlag('cpu-threshold', flags.cpuThreshold), bytesThreshold: percentFlag('bytes-threshold', flags.bytesThreshold) })
  if (flags.format === 'json') process.stdout.write(JSON.stringify(c, null, 2) + '\n')
  else process.stdout.write((flags.format === 'markdown' ? comparisonMarkdown(c) : comparisonText(c)) + '\n')
  if (flags.chart) writeFileSync(flags.chart, JSON.stringify(comparisonChart(c), null, 2) + '\n')
  return c.regressions > 0 ? 4 : 0
}

export function addCompareCommand(program: Command, setExitCode: SetExitCode): void {
  program
    .command('compare')
    .description('compare two run directories cell by cell: change in bytes and CPU, flagged better/worse/same; exit 4 on a regression')
    .argument('<run-a>', 'the baseline run directory')
    .argument('<run-b>', 'the run to judge against it')
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'markdown', 'json']).default('text'))
    .option('--cpu-threshold <pct>', 'CPU change that counts, in percent (the 95% interval must also exclude no change)', '5')
    .option('--bytes-threshold <pct>', 'change in bytes that counts, in percent (bytes are deterministic: 0 flags any increase)', '0')
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
    .action((out: string, dirs: string[]) => {
      const r = mergeRuns(dirs, out)
      process.stdout.write(`merged ${dirs.length} shard(s), ${r.rows.length} rows${r.manifest.status === 'complete' ? '' : ' (INCOMPLETE: a shard is missing or unfinished)'}: ${out}/\n`)
    })
  program
    .command('report')
    .description('write report.html and charts/ (Vega-Lite spec, SVG, PNG per chart) for a run directory')
    .argument('<run-dir>', 'a run directory, e.g. results/<run-id>')
    .action(async (dir: string) => printReport(dir))
}
