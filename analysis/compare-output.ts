/** A comparison as people read it: a terminal table, Markdown for a pull request, a Vega-Lite chart. */
import type { TopLevelSpec } from 'vega-lite'
import { AGGREGATION } from '../core/aggregation.ts'
import type { Spread } from '../core/stats.ts'
import { textTable } from '../core/text-table.ts'
import { formatBytes } from '../core/units.ts'
import type { CellComparison, Comparison } from './compare.ts'
import { IDENTITY_COLUMNS } from './compare-pairs.ts'

const pct = (x: number) => (Number.isFinite(x) ? `${x >= 0 ? '+' : ''}${(x * 100).toFixed(1)}%` : 'new')
const ms = (x: number) => (x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2))
const figure = (s: Spread, f: (x: number) => string) => (s.n > 1 ? `${f(s.median)} [${f(s.min)}–${f(s.max)}]` : f(s.median))
const sameSpread = (a: Spread, b: Spread) => a.median === b.median && a.min === b.min && a.max === b.max
const aToB = (c: CellComparison, column: string, a: string) => {
  const d = c.differs.find((x) => x.column === column)
  return d ? `${d.a} → ${d.b}` : a
}
/** Differences other than strategy and block size (options, content, compression, ...). */
const otherDiffers = (c: CellComparison) => c.differs.filter((d) => d.column !== 'strategy' && d.column !== 'block_size').map((d) => `${d.column}: ${d.a} → ${d.b}`).join('; ')

function cpuCell(c: CellComparison): string {
  const change = `${pct(c.cpuRatio - 1)} [${pct(c.cpuLo - 1)}, ${pct(c.cpuHi - 1)}]`
  if (c.cpu.call === 'too few samples') return `${change} no verdict (n=${c.cpu.unitsA} vs ${c.cpu.unitsB})`
  return `${change} ${c.cpu.call} (p=${c.cpu.pAdjusted!.toPrecision(2)})`
}

function rowsOf(c: Comparison): string[][] {
  const withOther = c.cells.some((x) => otherDiffers(x))
  return c.cells.map((x) => [
    x.workload,
    aToB(x, 'strategy', x.strategy),
    aToB(x, 'block_size', String(x.blockSize)),
    String(x.seeds),
    sameSpread(x.bytesA, x.bytesB) ? `= ${figure(x.bytesA, formatBytes)}` : `${figure(x.bytesA, formatBytes)} → ${figure(x.bytesB, formatBytes)}`,
    `${pct(x.bytesChange)} ${x.bytesVerdict}${x.seedsWorse ? ` (${x.seedsWorse} of ${x.seeds} seeds worse)` : ''}`,
    `${figure(x.cpuA, ms)} → ${figure(x.cpuB, ms)}`,
    cpuCell(x),
    x.broke ? 'BROKE' : 'ok',
    ...(withOther ? [otherDiffers(x)] : []),
  ])
}

function head(c: Comparison): string[] {
  const h = ['workload', 'strategy', 'block', 'seeds', 'bytes/sync A → B', 'bytes', 'CPU ms/sync A → B', 'CPU B/A [seed min–max], call (Holm p)', 'correct']
  return c.cells.some((x) => otherDiffers(x)) ? [...h, 'also differs'] : h
}

/** What was compared, what the figures are, how each verdict was reached, and the count that sets the exit code. */
export function comparisonSummary(c: Comparison): string[] {
  const o = c.options
  const count = (v: string) => c.cells.filter((x) => x.bytesVerdict === v).length
  const calls = (v: string) => c.cells.filter((x) => x.cpu.call === v).length
  const r = c.regressions
  return [
    `A: ${c.sides.a}; B: ${c.sides.b}; cells paired on ${o.match.length === IDENTITY_COLUMNS.length ? 'every identity column' : o.match.join(', ')}: ${c.cells.length} pair(s) (${c.onlyA} cell(s) only in A, ${c.onlyB} only in B)`,
    `figures: ${AGGREGATION}`,
    `bytes: compared exactly (same seed, same bytes), any change over ${pct(o.bytesThreshold)}: ${count('worse')} worse, ${count('better')} better, ${count('same')} same`,
    `CPU: per cell an exact stratified rank test (units: seed × repeat runs, each its mean per sync; strata: paired seeds) of a change beyond the minimum effect ${pct(o.minEffect)}; Holm over the ${c.cpuTested} tested cell(s): family-wise false-alarm rate ≤ ${(o.alpha * 100).toFixed(1)}%: ${calls('worse')} worse, ${calls('better')} better, ${calls('same')} same`,
    ...(c.cpuAdvice ? [`CPU: ${c.cpuAdvice}; not gating on CPU there`] : []),
    ...(c.cells.some((x) => x.differs.length) ? [] : [`CPU overall: B/A ×${c.runCpuFactor.toFixed(2)} (median over cells)${c.machineFactorApplied ? ': beyond the minimum effect, so each cell was judged against it; a machine-wide factor and a change that slowed every cell alike look the same: rerun A and B back to back to tell' : '; a machine-wide factor between two runs shows here'}`]),
    `${r.total} regression(s): ${r.bytes} bytes, ${r.correctness} correctness, ${r.cpu} CPU${r.total ? ' (exit 4)' : ''}`,
  ]
}

export function comparisonText(c: Comparison): string {
  return [...textTable([head(c), ...rowsOf(c)]), '', ...comparisonSummary(c)].join('\n')
}

export function comparisonMarkdown(c: Comparison): string {
  const esc = (s: string) => s.replace(/\|/g, '\\|')
  const h = head(c)
  return [`| ${h.map(esc).join(' | ')} |`, `| ${h.map(() => '---').join(' | ')} |`, ...rowsOf(c).map((r) => `| ${r.map(esc).join(' | ')} |`), '', ...comparisonSummary(c).map((l) => `- ${esc(l)}`)].join('\n')
}

const blockText = (b: string) => (/^\d+$/.test(b) ? formatBytes(Number(b)) : b)
/** The whole cell, never cut: workload first (rows group by it), then strategy and block size, A → B where they differ. */
const cellLabel = (x: CellComparison) => {
  const d = x.differs.find((v) => v.column === 'block_size')
  const block = d ? `${blockText(d.a)} → ${blockText(d.b)}` : blockText(String(x.blockSize))
  return `${x.workload} · ${aToB(x, 'strategy', x.strategy)} · ${block}`
}

/** Change per cell, A to B: bytes (exact) as bars, CPU as the ratio of cell figures with its seed min–max, coloured by verdict. */
export function comparisonChart(c: Comparison): TopLevelSpec {
  const bytes = c.cells.map((x) => ({ cell: cellLabel(x), change: Number.isFinite(x.bytesChange) ? x.bytesChange * 100 : null, verdict: x.bytesVerdict }))
  const cpu = c.cells.map((x) => ({ cell: cellLabel(x), change: (x.cpuRatio - 1) * 100, lo: (x.cpuLo - 1) * 100, hi: (x.cpuHi - 1) * 100, verdict: x.cpu.call }))
  const color = { field: 'verdict', type: 'nominal', scale: { domain: ['better', 'same', 'worse', 'too few samples'], range: ['#1a9850', '#aaaaaa', '#d73027', '#e0c060'] }, title: 'verdict' } as const
  // labelLimit 0: Vega-Lite cuts axis labels at 180 px by default, which hid the block size of every long cell name.
  const y = { field: 'cell', type: 'nominal', title: null, sort: null, axis: { labelLimit: 0 } } as const
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: 'Change from A to B per cell', subtitle: [AGGREGATION, comparisonSummary(c)[3]!] },
    hconcat: [
      { title: 'bytes per sync (exact)', width: 260, data: { values: bytes }, mark: { type: 'bar', tooltip: true }, encoding: { y, x: { field: 'change', type: 'quantitative', title: 'change (%)' }, color } },
      {
        title: 'CPU per sync: B/A (point), its range over seeds (line)',
        width: 260,
        data: { values: cpu },
        encoding: { y },
        layer: [
          { mark: { type: 'rule' }, encoding: { x: { field: 'lo', type: 'quantitative', title: 'change (%)' }, x2: { field: 'hi' }, color } },
          { mark: { type: 'point', filled: true, tooltip: true }, encoding: { x: { field: 'change', type: 'quantitative' }, color } },
        ],
      },
    ],
  }
}
