/**
 * The summary as files, like hyperfine's --export-*: JSON and CSV carry the numbers (median, min and max
 * over seeds of every figure, raw units: bytes, ms, ratios), Markdown the table a person reads (the wide
 * layout's text, so the two never disagree). All three come from the same summary lines and winners.
 */
import { stringify } from 'csv-stringify/sync'
import { AGGREGATION, aggregationSentence } from '../core/aggregation.ts'
import type { ResultRow } from '../core/result-row.ts'
import type { Spread } from '../core/stats.ts'
import { blockText, figureText, roundTripsText, type CellFigures } from './cell-figures.ts'
import { bytes, formatMs, formatRatio } from './charts/format.ts'
import { summarise, winnerText, type SummaryOrder } from './summary.ts'
import { winners, type Winner } from './summary-winners.ts'

export const EXPORT_FORMATS = ['markdown', 'csv', 'json'] as const
export type ExportFormat = (typeof EXPORT_FORMATS)[number]

/** Each exported figure: its name in JSON and CSV, its head and text in Markdown. */
const FIGURES: [name: string, head: string, value: (c: CellFigures) => Spread | null, text: (n: number) => string][] = [
  ['bytes_down', 'down/sync', (c) => c.bytesDown, bytes],
  ['bytes_up', 'up/sync', (c) => c.bytesUp, bytes],
  ['round_trips', 'round trips', (c) => c.roundTrips, roundTripsText],
  ['sender_cpu_ms', 'send CPU', (c) => c.senderCpuMs, formatMs],
  ['receiver_cpu_ms', 'recv CPU', (c) => c.receiverCpuMs, formatMs],
  ['est_sync_ms', 'est time/sync', (c) => c.estMs, formatMs],
  ['vs_oracle', '× oracle', (c) => c.vsOracle, formatRatio],
  ['vs_local', '× local', (c) => c.vsLocal, formatRatio],
  ['tracker_ms', 'track ms', (c) => c.trackerMs, formatMs],
  ['tracker_device_bytes', 'track written/sync', (c) => c.trackerDeviceBytes, bytes],
  ['kept_state_bytes', 'state kept', (c) => c.keptState, bytes],
]

const spreadJson = (s: Spread | null) => (s ? { median: s.median, min: s.min, max: s.max } : null)
const cellId = (c: CellFigures) => ({ workload: c.workload, strategy: c.strategy, block_size: c.blockSize })

function winnerJson(w: Winner) {
  return { workload: w.workload, best: { ...cellId(w.best), est_sync_ms: w.best.estMs!.median }, runner_up: w.runnerUp ? { ...cellId(w.runnerUp), est_sync_ms: w.runnerUp.estMs!.median } : null, margin: w.margin, seed_ranges_overlap: w.overlap }
}

/** The summary in one format, cells in the order given. */
export function exportSummary(format: ExportFormat, rows: readonly ResultRow[], order: SummaryOrder = {}): string {
  const lines = summarise(rows, order)
  const profile = lines[0]?.estProfile ?? 'wan'
  const won = winners(lines)
  if (format === 'json') return exportJson(lines, won, profile, rows[0]?.est_model ?? 'serial')
  if (format === 'csv') return exportCsv(lines)
  return exportMarkdown(lines, won, profile)
}

function exportJson(lines: readonly CellFigures[], won: readonly Winner[], profile: string, model: string): string {
  const cells = lines.map((c) => ({ ...cellId(c), syncs: c.syncs, seeds: c.seeds, wrong: c.wrong, ...Object.fromEntries(FIGURES.map(([name, , value]) => [name, spreadJson(value(c))])) }))
  return `${JSON.stringify({ aggregation: AGGREGATION, est_profile: profile, est_model: model, block_size_null_means: 'the strategy ignores the block size', cells, winners: won.map(winnerJson) }, null, 2)}\n`
}

function exportCsv(lines: readonly CellFigures[]): string {
  const head = ['workload', 'strategy', 'block_size', 'syncs', 'seeds', 'wrong', ...FIGURES.flatMap(([name]) => [`${name}_median`, `${name}_min`, `${name}_max`])]
  const body = lines.map((c) => [c.workload, c.strategy, c.blockSize ?? 'any', c.syncs, c.seeds, c.wrong, ...FIGURES.flatMap(([, , value]): (number | string)[] => {
    const s = value(c)
    return s ? [s.median, s.min, s.max] : ['', '', '']
  })])
  return stringify([head, ...body])
}

/** A Markdown cell: the median, with the seeds' min–max where it differs; pipes escaped. */
const mdCell = (s: Spread | null, f: (n: number) => string) => {
  const t = figureText(s, f)
  return (t.range ? `${t.value} [${t.range}]` : t.value).replace(/\|/g, '\\|')
}

function exportMarkdown(lines: readonly CellFigures[], won: readonly Winner[], profile: string): string {
  const heads = ['workload', 'strategy', 'block', ...FIGURES.map(([name, head]) => (name === 'est_sync_ms' ? `${head} (${profile})` : head)), 'correct']
  const row = (cells: string[]) => `| ${cells.join(' | ')} |`
  const body = lines.map((c) => row([c.workload, c.strategy, blockText(c.blockSize), ...FIGURES.map(([, , value, text]) => mdCell(value(c), text)), c.wrong === 0 ? 'yes' : `NO (${c.wrong}/${c.syncs} wrong)`]))
  const align = heads.map((_, i) => (i < 3 || i === heads.length - 1 ? '---' : '---:'))
  return [row(heads), row(align), ...body, '', ...won.map((w) => `- ${winnerText(w, profile).replace(/^▸ /, '')}`), '', aggregationSentence(), ''].join('\n')
}
