/**
 * The terminal table printed at the end of a run: one line per cell (workload, strategy, block size), every
 * figure folded by the one aggregation (core/aggregation.ts) through analysis/cell-figures.ts, the same
 * lines the report's table prints, and the aggregation sentence under it.
 */
import { aggregationSentence } from '../core/aggregation.ts'
import type { ResultRow } from '../core/result-row.ts'
import { textTable } from '../core/text-table.ts'
import { blockText, figureText, roundTripsText, runFigures, type CellFigures } from './cell-figures.ts'
import { bytes, formatMs, formatRatio } from './charts/format.ts'
import { KEPT_STATE_WORDS } from './kept-state.ts'
import type { Spread } from '../core/stats.ts'

export type SummaryLine = CellFigures

/** The cells of the rows, sorted by workload, strategy and block size (a strategy that ignores it first). */
export function summarise(rows: readonly ResultRow[]): SummaryLine[] {
  return runFigures(rows).sort((a, b) => a.workload.localeCompare(b.workload) || a.strategy.localeCompare(b.strategy) || (a.blockSize ?? 0) - (b.blockSize ?? 0))
}

/** The median alone (bytes, ratios: the report has their spread). */
const plain = (s: Spread | null, f: (n: number) => string) => figureText(s, f).value

/** The median, with the min–max over seeds in brackets where it differs (noisy figures: CPU, time). */
function withRange(s: Spread | null, f: (n: number) => string): string {
  const t = figureText(s, f)
  return t.range ? `${t.value} [${t.range.replace(' – ', '–')}]` : t.value
}

type Column = [head: string, right: boolean, text: (s: SummaryLine) => string]

/** Milliseconds as the report prints them, the unit left to the column head so the table stays narrow. */
const ms = (n: number) => formatMs(n).replace(/ ms$/, '')

/** The terminal table: bytes, CPU and time, the yardsticks, tracking costs and state, then correctness; the aggregation sentence under it. */
export function summaryTable(rows: readonly ResultRow[]): string {
  const lines = summarise(rows)
  const withFaults = lines.some((s) => s.faultsInjected !== null)
  const withVerify = lines.some((s) => s.selfDetected !== null)
  const cols: Column[] = [
    ['workload', false, (s) => s.workload],
    ['strategy', false, (s) => s.strategy],
    ['block', true, (s) => blockText(s.blockSize)],
    ['down/sync', true, (s) => plain(s.bytesDown, bytes)],
    ['up/sync', true, (s) => plain(s.bytesUp, bytes)],
    ['RTs', true, (s) => plain(s.roundTrips, roundTripsText)],
    ['send CPU ms', true, (s) => withRange(s.senderCpuMs, ms)],
    ['recv CPU ms', true, (s) => withRange(s.receiverCpuMs, ms)],
    [`est ms (${lines[0]?.estProfile ?? 'wan'})`, true, (s) => withRange(s.estMs, ms)],
    ['× oracle', true, (s) => plain(s.vsOracle, formatRatio)],
    ['× local', true, (s) => plain(s.vsLocal, formatRatio)],
    ['track ms', true, (s) => plain(s.trackerMs, ms)],
    ['track written/sync', true, (s) => plain(s.trackerDeviceBytes, bytes)],
    ['state kept', true, (s) => plain(s.keptState, bytes)],
    ...(withFaults ? [['faults', true, (s) => (s.faultsInjected === null ? '-' : String(s.faultsInjected))] as Column] : []),
    ...(withVerify ? [['self-repaired', true, (s) => (s.selfDetected === null ? '-' : `${s.selfRepaired}/${s.selfDetected}`)] as Column] : []),
    ['correct', false, (s) => (s.wrong === 0 ? 'yes' : `NO (${s.wrong}/${s.syncs} wrong)`)],
  ]
  const head = cols.map((c) => c[0])
  const body = lines.map((s) => cols.map((c) => c[2](s)))
  const table = textTable([head, ...body], { columns: cols.map((c) => ({ align: c[1] ? 'right' : 'left' })), rule: true })
  return [...table, '', ...summaryNotes(lines)].join('\n')
}

/** The words under the table: what each figure is, and what the columns that are not obvious count. */
function summaryNotes(lines: readonly SummaryLine[]): string[] {
  const notes = [aggregationSentence(), `Bytes per sync, framing included; "state kept" is every byte of ${KEPT_STATE_WORDS}; "× local" is bytes over the best local delta of the same versions (- where the run has none).`]
  if (lines.some((s) => s.blockSize === null)) notes.push('Block "any": the strategy ignores the block size, ran once per workload and seed, and its line stands for every block size of the sweep.')
  return notes
}
