/**
 * Printing and exporting a run's summary, for `run` and `summary`: the width it may take, and the
 * --export-markdown/csv/json files, every one checked before anything runs (a run takes minutes; a bad
 * path must not surface at its end).
 *
 * Export files: an explicit path is the user's to write, but only into a folder that already exists (we
 * create no folders for it), and never over an existing file unless --force: the export is written after
 * a run of minutes, and a slip (rows.csv of another run, README.md) would otherwise be lost without a word.
 */
import { existsSync, statSync, writeFileSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import type { Command } from 'commander'
import { ConfigError } from '../core/errors.ts'
import type { ResultRow } from '../core/result-row.ts'
import { terminalWidth } from '../core/text-fit.ts'
import { exportSummary, type ExportFormat } from '../analysis/summary-export.ts'
import { summaryTable, type SummaryOrder } from '../analysis/summary.ts'

export interface SummaryFlags {
  wide?: boolean
  exportMarkdown?: string
  exportCsv?: string
  exportJson?: string
  force?: boolean
}

export interface ExportTarget {
  format: ExportFormat
  path: string
}

/** The summary flags both commands take. */
export function addSummaryOptions(cmd: Command): Command {
  return cmd
    .option('--wide', 'summary with every column and the seeds\' min–max on CPU and time (still cut to the terminal\'s width on a terminal)')
    .option('--export-markdown <file>', 'also write the summary as a Markdown table to this file (its folder must exist)')
    .option('--export-csv <file>', 'also write the summary as CSV (median, min, max of every figure, raw units) to this file')
    .option('--export-json <file>', 'also write the summary as JSON (every figure, the winners, the aggregation) to this file')
    .option('--force', 'let --export-* replace files that already exist')
}

/** The export files asked for, each checked: an existing folder, not a folder itself, not an existing file without --force, no two the same. */
export function checkExports(flags: SummaryFlags, where: string): ExportTarget[] {
  const asked: [ExportFormat, string | undefined][] = [['markdown', flags.exportMarkdown], ['csv', flags.exportCsv], ['json', flags.exportJson]]
  const targets = asked.filter((a): a is [ExportFormat, string] => a[1] !== undefined).map(([format, path]) => ({ format, path }))
  const seen = new Map<string, ExportFormat>()
  for (const { format, path } of targets) {
    const flag = `${where}: --export-${format} ${path}`
    if (path.trim() === '') throw new ConfigError(`${flag}: give a file name, e.g. --export-${format} summary.${format === 'markdown' ? 'md' : format}`)
    const folder = dirname(resolve(path))
    if (!existsSync(folder) || !statSync(folder).isDirectory()) throw new ConfigError(`${flag}: the folder ${folder} does not exist; create it first (deltabench makes no folders for exports) or write the file elsewhere`)
    if (existsSync(path) && statSync(path).isDirectory()) throw new ConfigError(`${flag}: that is a folder; name a file inside it, e.g. ${path.replace(/\/$/, '')}/summary.${format === 'markdown' ? 'md' : format}`)
    if (existsSync(path) && !flags.force) throw new ConfigError(`${flag}: the file already exists; add --force to replace it, or name another file`)
    const other = seen.get(resolve(path))
    if (other) throw new ConfigError(`${flag}: --export-${other} writes the same file; give each export a file of its own`)
    seen.set(resolve(path), format)
  }
  return targets
}

/** The width the printed summary may take: the terminal's (TTY, else $COLUMNS); without one 100, or no limit with --wide. */
export function summaryWidth(wide: boolean, stream: { isTTY?: boolean; columns?: number } = process.stdout): number {
  return terminalWidth(stream) ?? (wide ? Infinity : 100)
}

/** Prints the summary to stdout and writes the exports, saying where each went. */
export function printSummary(rows: readonly ResultRow[], order: SummaryOrder, flags: SummaryFlags, targets: readonly ExportTarget[]): void {
  const wide = flags.wide ?? false
  process.stdout.write(`\n${summaryTable(rows, { wide, width: summaryWidth(wide), order })}\n\n`)
  for (const t of targets) {
    writeFileSync(t.path, exportSummary(t.format, rows, order))
    process.stdout.write(`summary (${t.format}): ${t.path}\n`)
  }
}
