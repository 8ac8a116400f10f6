import type { TopLevelSpec } from 'vega-lite'
import type { ResultRow } from '../core/result-row.ts'
import { groupBy, median, medianInterval } from '../core/stats.ts'
import { ConfigError } from '../core/errors.ts'
import { textTable } from '../core/text-table.ts'

/** Thresholds for calling a change real. */
export interface CompareOptions {
  /** Relative CPU change that counts (the interval must also exclude no change). Default 0.05 (5%). */
  cpuThreshold: number
  /** Relative change in bytes that counts; bytes are deterministic, so the default 0 flags any increase. */
  bytesThreshold: number
}

export const COMPARE_DEFAULTS: CompareOptions = { cpuThreshold: 0.05, bytesThreshold: 0 }

export type Verdict = 'better' | 'worse' | 'same'

export interface CellComparison {
  strategy: string
  workload: string
  blockSize: number
  seed: string
  /** The rest of the cell's identity (options, content), for matching. */
  key: string
  bytesA: number
  bytesB: number
  bytesChange: number
  bytesVerdict: Verdict
  /** Median over syncs of CPU_B / CPU_A (sender + receiver), paired by epoch and repeat, with its interval. */
  cpuRatio: number
  cpuLo: number
  cpuHi: number
  pairs: number
  cpuVerdict: Verdict
  /** True when A was correct everywhere and B was not. */
  broke: boolean
}

export interface Comparison {
  cells: CellComparison[]
  onlyA: number
  onlyB: number
  regressions: number
}

/** What makes two rows the same cell in two runs; the group's JSON key is the cell's `key`. */
const CELL_IDENTITY = ['strategy', 'strategy_options', 'workload', 'workload_options', 'content', 'seed', 'compression'] as const

function group(rows: readonly ResultRow[]): Map<string, ResultRow[]> {
  return new Map(groupBy(rows, CELL_IDENTITY).map((g) => [g.id, g.rows]))
}

/**
 * Compares two runs cell by cell (same strategy, options, workload, seed). Bytes are deterministic and
 * compared exactly (repeat 1); CPU is compared as paired ratios (same epoch and repeat in both runs), with
 * a seeded bootstrap interval of their median, and a change counts only when the interval excludes 1 and
 * the median ratio passes the threshold.
 */
export function compareRuns(a: readonly ResultRow[], b: readonly ResultRow[], opts: CompareOptions = COMPARE_DEFAULTS): Comparison {
  const ga = group(a)
  const gb = group(b)
  const cells: CellComparison[] = []
  for (const [key, ra] of ga) {
    const rb = gb.get(key)
    if (!rb) continue
    const bytes = (rs: ResultRow[]) => rs.filter((r) => r.repeat === 1).reduce((s, r) => s + r.bytes_total, 0)
    const bytesA = bytes(ra)
    const bytesB = bytes(rb)
    const bytesChange = bytesA === 0 ? (bytesB === 0 ? 0 : Infinity) : (bytesB - bytesA) / bytesA
    const bytesVerdict: Verdict = bytesChange > opts.bytesThreshold ? 'worse' : bytesChange < -opts.bytesThreshold ? 'better' : 'same'
    const cpuOf = (r: ResultRow) => r.sender_cpu_ms + r.receiver_cpu_ms
    const byPair = new Map(ra.map((r) => [`${r.epoch}/${r.repeat}`, r]))
    const ratios: number[] = []
    for (const r of rb) {
      const x = byPair.get(`${r.epoch}/${r.repeat}`)
      if (x && cpuOf(x) > 0) ratios.push(cpuOf(r) / cpuOf(x))
    }
    const cpuRatio = median(ratios)
    const ci = medianInterval(ratios, 0.95, 2000, key)
    const pairs = ratios.length
    let cpuVerdict: Verdict = 'same'
    if (pairs > 1 && ci.lo > 1 && cpuRatio > 1 + opts.cpuThreshold) cpuVerdict = 'worse'
    else if (pairs > 1 && ci.hi < 1 && cpuRatio < 1 - opts.cpuThreshold) cpuVerdict = 'better'
    const r0 = ra[0]!
    cells.push({
      strategy: r0.strategy,
      workload: r0.workload,
      blockSize: r0.block_size,
      seed: r0.seed,
      key,
      bytesA,
      bytesB,
      bytesChange,
      bytesVerdict,
      cpuRatio,
      cpuLo: ci.lo,
      cpuHi: ci.hi,
      pairs,
      cpuVerdict,
      broke: ra.every((r) => r.correct) && !rb.every((r) => r.correct),
    })
  }
  if (cells.length === 0) throw new ConfigError('compare: the two runs have no cell in common (same strategy, options, workload, seed); compare runs of the same matrix')
  cells.sort((x, y) => x.workload.localeCompare(y.workload) || x.strategy.localeCompare(y.strategy) || x.blockSize - y.blockSize || x.seed.localeCompare(y.seed))
  const regressions = cells.filter((c) => c.broke || c.bytesVerdict === 'worse' || c.cpuVerdict === 'worse').length
  return { cells, onlyA: [...ga.keys()].filter((k) => !gb.has(k)).length, onlyB: [...gb.keys()].filter((k) => !ga.has(k)).length, regressions }
}

const pct = (x: number) => (Number.isFinite(x) ? `${x >= 0 ? '+' : ''}${(x * 100).toFixed(1)}%` : 'new')

function rowsOf(c: Comparison): string[][] {
  return c.cells.map((x) => [
    x.workload,
    x.strategy,
    String(x.blockSize),
    x.seed,
    `${pct(x.bytesChange)} ${x.bytesVerdict}`,
    x.pairs > 1 ? `${pct(x.cpuRatio - 1)} [${pct(x.cpuLo - 1)}, ${pct(x.cpuHi - 1)}] ${x.cpuVerdict}` : `${pct(x.cpuRatio - 1)} (n=${x.pairs}, no interval) same`,
    x.broke ? 'BROKE' : 'ok',
  ])
}

const HEAD = ['workload', 'strategy', 'block', 'seed', 'bytes', 'CPU (95% CI)', 'correct']

export function comparisonText(c: Comparison): string {
  return [...textTable([HEAD, ...rowsOf(c)]), '', summaryLine(c)].join('\n')
}

export function comparisonMarkdown(c: Comparison): string {
  const esc = (s: string) => s.replace(/\|/g, '\\|')
  return [`| ${HEAD.join(' | ')} |`, `| ${HEAD.map(() => '---').join(' | ')} |`, ...rowsOf(c).map((r) => `| ${r.map(esc).join(' | ')} |`), '', summaryLine(c)].join('\n')
}

function summaryLine(c: Comparison): string {
  const medBytes = median(c.cells.map((x) => x.bytesChange).filter(Number.isFinite))
  const medCpu = median(c.cells.map((x) => x.cpuRatio - 1).filter(Number.isFinite))
  return `${c.cells.length} cells compared (${c.onlyA} only in A, ${c.onlyB} only in B); median change: bytes ${pct(medBytes)}, CPU ${pct(medCpu)}; ${c.regressions} regression(s)`
}

/** A chart of the change per cell: bytes and CPU side by side, worse in one colour, better in another. */
export function comparisonChart(c: Comparison): TopLevelSpec {
  const values = c.cells.flatMap((x) => [
    { cell: `${x.strategy} · ${x.workload} · ${x.blockSize} B · seed ${x.seed}`, measure: 'bytes sent', change: Number.isFinite(x.bytesChange) ? x.bytesChange * 100 : null, verdict: x.bytesVerdict },
    { cell: `${x.strategy} · ${x.workload} · ${x.blockSize} B · seed ${x.seed}`, measure: 'CPU (median ratio)', change: (x.cpuRatio - 1) * 100, lo: (x.cpuLo - 1) * 100, hi: (x.cpuHi - 1) * 100, verdict: x.cpuVerdict },
  ])
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: 'Change from run A to run B per cell',
    data: { values },
    facet: { column: { field: 'measure', type: 'nominal', title: null } },
    spec: {
      width: 320,
      mark: { type: 'bar', tooltip: true },
      encoding: {
        y: { field: 'cell', type: 'nominal', title: null, sort: null },
        x: { field: 'change', type: 'quantitative', title: 'change (%)' },
        color: { field: 'verdict', type: 'nominal', scale: { domain: ['better', 'same', 'worse'], range: ['#1a9850', '#aaaaaa', '#d73027'] }, title: 'verdict' },
      },
    },
  }
}
