/**
 * The summary printed at the end of a run (and by `deltabench summary <run>`): one line per cell (workload,
 * strategy, block size), every figure folded by the one aggregation (core/aggregation.ts) through
 * analysis/cell-figures.ts, the same lines the report's table prints; a winner line per workload, a legend
 * of the abbreviations and the aggregation sentence under it.
 *
 * Two layouts: compact (the default) groups the cells under a heading per workload, shows medians only and
 * keeps the most important columns that fit the width (100 columns unless the terminal says otherwise);
 * wide (--wide) is one flat table with every column and the seeds' min–max on the noisy figures, cut to
 * the terminal's width only when there is a terminal.
 */
import { aggregationSentence } from '../core/aggregation.ts'
import type { ResultRow } from '../core/result-row.ts'
import { textTable } from '../core/text-table.ts'
import { middleTruncate, wrapText } from '../core/text-fit.ts'
import { blockText, figureText, roundTripsText, runFigures, type CellFigures } from './cell-figures.ts'
import { bytes, formatMs, formatRatio } from './charts/format.ts'
import { KEPT_STATE_WORDS } from './kept-state.ts'
import type { Spread } from '../core/stats.ts'
import { winners, type Winner } from './summary-winners.ts'

export type SummaryLine = CellFigures

/** The order the user gave: strategies and workloads as listed (names not listed follow, as they first appear). */
export interface SummaryOrder {
  strategies?: readonly string[]
  workloads?: readonly string[]
}

export interface SummaryOptions {
  /** Every column, with the seeds' min–max on CPU and time, in one flat table. */
  wide?: boolean
  /** The most columns a line may take (Infinity: no limit). Default 100. */
  width?: number
  order?: SummaryOrder
}

/** The cells of the rows: workloads and strategies in the order given, block sizes ascending (a strategy that ignores it first). */
export function summarise(rows: readonly ResultRow[], order: SummaryOrder = {}): SummaryLine[] {
  const lines = runFigures(rows)
  const rankBy = (given: readonly string[] | undefined, key: (l: SummaryLine) => string) => {
    const seen = [...new Set([...(given ?? []), ...lines.map(key)])]
    return (l: SummaryLine) => seen.indexOf(key(l))
  }
  const w = rankBy(order.workloads, (l) => l.workload)
  const s = rankBy(order.strategies, (l) => l.strategy)
  return lines.sort((a, b) => w(a) - w(b) || s(a) - s(b) || (a.blockSize ?? -1) - (b.blockSize ?? -1))
}

/** The median alone (bytes, ratios: the report has their spread). */
const plain = (s: Spread | null, f: (n: number) => string) => figureText(s, f).value

/** The median, with the min–max over seeds in brackets where it differs (noisy figures: CPU, time). */
function withRange(s: Spread | null, f: (n: number) => string): string {
  const t = figureText(s, f)
  return t.range ? `${t.value} [${t.range.replace(' – ', '–')}]` : t.value
}

/** Milliseconds as the report prints them, the unit left to the column head so the table stays narrow. */
const ms = (n: number) => formatMs(n).replace(/ ms$/, '')

/**
 * A column: its head in each layout, the text of a cell (`wide`: with the range where the column has one),
 * its rank when columns must go for width (0 always stays), and the legend entry for an abbreviated head.
 */
interface SummaryColumn {
  wideHead: string
  head: string
  right: boolean
  rank: number
  text: (s: SummaryLine, wide: boolean) => string
  legend?: string
}

function columnsFor(lines: readonly SummaryLine[], profile: string, model: string): SummaryColumn[] {
  const noisy = (f: (s: SummaryLine) => Spread | null) => (s: SummaryLine, wide: boolean) => (wide ? withRange(f(s), ms) : plain(f(s), ms))
  const cols: SummaryColumn[] = [
    { wideHead: 'strategy', head: 'strategy', right: false, rank: 0, text: (s) => s.strategy },
    { wideHead: 'block', head: 'block', right: true, rank: 0, text: (s) => blockText(s.blockSize) },
    { wideHead: 'down/sync', head: 'down', right: true, rank: 2, text: (s) => plain(s.bytesDown, bytes), legend: 'down/up: bytes per sync each way' },
    { wideHead: 'up/sync', head: 'up', right: true, rank: 4, text: (s) => plain(s.bytesUp, bytes) },
    { wideHead: 'RTs', head: 'RTs', right: true, rank: 5, text: (s) => plain(s.roundTrips, roundTripsText), legend: 'RTs: round trips per sync' },
    { wideHead: 'send CPU ms', head: 'send ms', right: true, rank: 6, text: noisy((s) => s.senderCpuMs), legend: 'send/recv ms: CPU per sync on each side' },
    { wideHead: 'recv CPU ms', head: 'recv ms', right: true, rank: 6, text: noisy((s) => s.receiverCpuMs) },
    { wideHead: `est ms (${profile})`, head: `est ms (${profile})`, right: true, rank: 1, text: noisy((s) => s.estMs), legend: `est ms: estimated time per sync on ${profile} (${model} cost model)` },
    { wideHead: '× oracle', head: '×oracle', right: true, rank: 7, text: (s) => plain(s.vsOracle, formatRatio), legend: '×oracle: bytes ÷ the edit oracle' },
    { wideHead: '× local', head: '×local', right: true, rank: 3, text: (s) => plain(s.vsLocal, formatRatio), legend: '×local: bytes ÷ the best local delta (- none)' },
    { wideHead: 'track ms', head: 'track ms', right: true, rank: 9, text: (s) => plain(s.trackerMs, ms), legend: 'track ms/written: the tracker\'s time and device bytes per sync' },
    { wideHead: 'track written/sync', head: 'track wr', right: true, rank: 10, text: (s) => plain(s.trackerDeviceBytes, bytes) },
    { wideHead: 'state kept', head: 'kept', right: true, rank: 8, text: (s) => plain(s.keptState, bytes), legend: 'kept: state kept between syncs' },
  ]
  if (lines.some((s) => s.faultsInjected !== null)) cols.push({ wideHead: 'faults', head: 'faults', right: true, rank: 4, text: (s) => (s.faultsInjected === null ? '-' : String(s.faultsInjected)), legend: 'faults: injected over the cell' })
  if (lines.some((s) => s.selfDetected !== null)) cols.push({ wideHead: 'self-repaired', head: 'repaired', right: true, rank: 4, text: (s) => (s.selfDetected === null ? '-' : `${s.selfRepaired}/${s.selfDetected}`), legend: 'repaired: syncs self-repaired/detected' })
  cols.push({ wideHead: 'correct', head: 'ok', right: false, rank: 0, text: (s) => (s.wrong === 0 ? 'yes' : `NO (${s.wrong}/${s.syncs} wrong)`), legend: 'ok: every replica byte-exact' })
  return cols
}

/**
 * The columns that fit `width` (`fixed` characters of indent in front): rank 0 always, then by rank while
 * they fit, skipping `empty` ones, shown in their own order.
 */
function fitColumns(cols: SummaryColumn[], widths: number[], width: number, fixed: number, empty: readonly boolean[]): number[] {
  const gap = 2
  let used = fixed + cols.reduce((a, c, i) => a + (c.rank === 0 ? widths[i]! + gap : 0), 0) - gap
  const keep = new Set(cols.flatMap((c, i) => (c.rank === 0 ? [i] : [])))
  const byRank = cols.map((c, i) => [c.rank, i] as const).filter(([r, i]) => r > 0 && !empty[i]).sort((a, b) => a[0] - b[0] || a[1] - b[1])
  for (const [, i] of byRank) {
    if (used + gap + widths[i]! > width) continue
    used += gap + widths[i]!
    keep.add(i)
  }
  return [...keep].sort((a, b) => a - b)
}

/** The summary as text: the table, a winner line per workload, the legend, the aggregation sentence and notes; no line wider than `width`. */
export function summaryTable(rows: readonly ResultRow[], opts: SummaryOptions = {}): string {
  const wide = opts.wide ?? false
  const width = opts.width ?? 100
  const lines = summarise(rows, opts.order)
  const profile = lines[0]?.estProfile ?? 'wan'
  const model = rows[0]?.est_model ?? 'serial'
  const cols = columnsFor(lines, profile, model)
  const indent = wide ? '' : '  '
  const lead: SummaryColumn[] = wide ? [{ wideHead: 'workload', head: 'workload', right: false, rank: 0, text: (s: SummaryLine) => s.workload }] : []
  const all = [...lead, ...cols]
  const headOf = (c: SummaryColumn) => (wide ? c.wideHead : c.head)
  const cells = lines.map((s) => all.map((c) => c.text(s, wide)))
  const widths = all.map((c, i) => Math.max(headOf(c).length, ...cells.map((r) => r[i]!.length)))
  // The compact view leaves out a column with nothing in it (× local under --floor off, tracking without a tracker).
  const empty = all.map((_, i) => !wide && cells.every((r) => r[i] === '-'))
  const shown = fitColumns(all, widths, width, indent.length, empty)
  // Only when even the columns that always stay do not fit: strategy names are cut in the middle.
  const over = indent.length + shown.reduce((a, i) => a + widths[i]! + 2, -2) - width
  const strategyAt = all.findIndex((c) => c.head === 'strategy')
  const cut = (i: number, t: string) => (over > 0 && i === strategyAt ? middleTruncate(t, Math.max(4, widths[i]! - over)) : t)
  const table = textTable([shown.map((i) => headOf(all[i]!)), ...cells.map((r) => shown.map((i) => cut(i, r[i]!)))], { columns: shown.map((i) => ({ align: all[i]!.right ? 'right' : 'left' })), rule: true, indent })
  const won = winners(lines)
  const body = wide ? [...table, '', ...won.flatMap((w) => wrapText(winnerText(w, profile), width, '', '  '))] : grouped(table, lines, won, profile, width)
  const legend = shown.map((i) => all[i]!.legend).filter((l): l is string => l !== undefined)
  return [...body, '', ...wrapText(`Legend: ${legend.join('; ')}.`, width), ...summaryNotes(lines).flatMap((n) => wrapText(n, width))].join('\n')
}

/** The compact layout's body: the header, then per workload a heading, its cells and its winner line. */
function grouped(table: string[], lines: readonly SummaryLine[], won: readonly Winner[], profile: string, width: number): string[] {
  const out = table.slice(0, 2)
  lines.forEach((s, i) => {
    if (s.workload !== lines[i - 1]?.workload) out.push(s.workload)
    out.push(table[i + 2]!)
    if (s.workload !== lines[i + 1]?.workload) {
      const w = won.find((x) => x.workload === s.workload)
      if (w) out.push(...wrapText(winnerText(w, profile), width, '  ', '    '))
    }
  })
  return out
}

/** "▸ fastest on wan (median est ms): a @ 4 KiB 12.3 ms; runner-up b @ any 17.1 ms, 1.39× slower". */
export function winnerText(w: Winner, profile: string): string {
  const cell = (c: SummaryLine) => `${c.strategy} @ ${blockText(c.blockSize)} ${formatMs(c.estMs!.median)}`
  const head = `▸ ${w.workload}: fastest on ${profile} (median est ms/sync): ${cell(w.best)}`
  if (!w.runnerUp) return `${head}; no other strategy ran correctly`
  const margin = w.margin === null ? '' : `, ${formatRatio(w.margin)} slower`
  return `${head}; runner-up ${cell(w.runnerUp)}${margin}${w.overlap ? ' (seed ranges overlap: not a clear win)' : ''}`
}

/** The words under the table: what each figure is, and what the columns that are not obvious count. */
function summaryNotes(lines: readonly SummaryLine[]): string[] {
  const notes = [aggregationSentence(), `Bytes per sync, framing included; "state kept" is every byte of ${KEPT_STATE_WORDS}; "× local" is bytes over the best local delta of the same versions (- where the run has none).`]
  if (lines.some((s) => s.blockSize === null)) notes.push('Block "any": the strategy ignores the block size, ran once per workload and seed, and its line stands for every block size of the sweep.')
  return notes
}
