/**
 * Compares two runs (or two parts of one run) cell by cell: bytes exactly, CPU with a test whose
 * family-wise false-alarm rate is stated (analysis/compare-cpu.ts), correctness as a yes/no. Every figure
 * shown is the one aggregation's (core/aggregation.ts). Which cells pair is analysis/compare-pairs.ts; the
 * table, Markdown and chart are analysis/compare-output.ts.
 */
import type { ResultRow } from '../core/result-row.ts'
import { cellFigure, meanPerSync } from '../core/aggregation.ts'
import { groupBy, median, type Spread } from '../core/stats.ts'
import { cpuFamily, type CpuTest } from './compare-cpu.ts'
import { pairCells, selectRows, IDENTITY_COLUMNS, type CellPair, type IdentityColumn, type Selector } from './compare-pairs.ts'

/** What counts as a change; declared once, the CLI's defaults come from here. */
export interface CompareOptions {
  /** Family-wise false-alarm rate of the CPU calls of one comparison (Holm over its cells). Default 0.05. */
  alpha: number
  /** Smallest relative CPU change ever called (0.1 = 10%): below it a change is not reported. Default 0.1. */
  minEffect: number
  /** Relative change in bytes that counts; bytes are deterministic, so the default 0 flags any increase. */
  bytesThreshold: number
  /** Identity columns that must agree for two cells to pair. Default all of them. */
  match: readonly IdentityColumn[]
  /** Which rows of each side take part. Default all. */
  a: Selector
  b: Selector
}

export const COMPARE_DEFAULTS: CompareOptions = { alpha: 0.05, minEffect: 0.1, bytesThreshold: 0, match: IDENTITY_COLUMNS, a: {}, b: {} }

export type Verdict = 'better' | 'worse' | 'same'

export interface CellComparison {
  /** A's cell (B's differ only where `differs` says). */
  strategy: string
  workload: string
  blockSize: number
  differs: CellPair['differs']
  /** Seeds compared (paired by value when seed is a match column). */
  seeds: number
  /** Bytes per sync, the one aggregation's cell figure of each side. */
  bytesA: Spread
  bytesB: Spread
  /** B's figure / A's − 1. */
  bytesChange: number
  bytesVerdict: Verdict
  /** Paired seeds whose bytes got worse (null when seeds are not paired). */
  seedsWorse: number | null
  /** CPU per sync (sender + receiver), the cell figure of each side. */
  cpuA: Spread
  cpuB: Spread
  /** B's figure / A's, and the min–max of the ratio over paired seeds (or the widest over unpaired ones). */
  cpuRatio: number
  cpuLo: number
  cpuHi: number
  cpu: CpuTest
  /** True when A was correct everywhere and B was not. */
  broke: boolean
}

export interface Comparison {
  /** What each side is: its run and its selector (as the user wrote it, or empty for every row). */
  sides: { a: string; b: string }
  cells: CellComparison[]
  onlyA: number
  onlyB: number
  options: CompareOptions
  /** Median over cells of the CPU ratio: a machine-wide factor between the runs shows here. */
  runCpuFactor: number
  /** The factor was beyond the minimum effect and cells were judged against it (see analysis/compare-cpu.ts). */
  machineFactorApplied: boolean
  cpuTested: number
  cpuAdvice: string | null
  regressions: { bytes: number; correctness: number; cpu: number; total: number }
}

const cpuOf = (r: ResultRow) => r.sender_cpu_ms + r.receiver_cpu_ms

/** Cells enough for a median to stand for the machine (4), all like for like: not across strategies or block sizes. */
const MACHINE_FACTOR_MIN_CELLS = 4
const allowsMachineFactor = (pairs: readonly CellPair[]) => pairs.length >= MACHINE_FACTOR_MIN_CELLS && pairs.every((p) => p.differs.length === 0)

export function compareRuns(a: readonly ResultRow[], b: readonly ResultRow[], opts: Partial<CompareOptions> = {}, names = { a: 'run A', b: 'run B' }): Comparison {
  const o: CompareOptions = { ...COMPARE_DEFAULTS, ...opts }
  const pairing = pairCells(selectRows(a, o.a, '--a', names.a), selectRows(b, o.b, '--b', names.b), o.match)
  const ratios = pairing.pairs.map((p) => cellFigure(p.b, cpuOf)!.median / cellFigure(p.a, cpuOf)!.median)
  const runCpuFactor = median(ratios.filter(Number.isFinite))
  const machineFactor = allowsMachineFactor(pairing.pairs) ? runCpuFactor : undefined
  const family = cpuFamily(pairing.pairs, { ...o, machineFactor })
  const cells = pairing.pairs.map((p, i) => compareCell(p, family.tests[i]!, o))
  const order = cells.map((c, i) => [c, i] as const)
  order.sort(([x], [y]) => x.workload.localeCompare(y.workload) || x.strategy.localeCompare(y.strategy) || x.blockSize - y.blockSize)
  const sorted = order.map(([c]) => c)
  const bytes = sorted.filter((c) => c.bytesVerdict === 'worse').length
  const correctness = sorted.filter((c) => c.broke).length
  const cpu = sorted.filter((c) => c.cpu.call === 'worse').length
  const total = sorted.filter((c) => c.broke || c.bytesVerdict === 'worse' || c.cpu.call === 'worse').length
  return {
    sides: { a: sideName(names.a, o.a), b: sideName(names.b, o.b) },
    cells: sorted,
    onlyA: pairing.onlyA,
    onlyB: pairing.onlyB,
    options: o,
    runCpuFactor,
    machineFactorApplied: machineFactor !== undefined && family.tested > 0 && (runCpuFactor > 1 + o.minEffect || runCpuFactor < 1 / (1 + o.minEffect)),
    cpuTested: family.tested,
    cpuAdvice: family.advice,
    regressions: { bytes, correctness, cpu, total },
  }
}

function compareCell(p: CellPair, cpu: CpuTest, o: CompareOptions): CellComparison {
  const bytesOf = (r: ResultRow) => r.bytes_total
  const bytesA = cellFigure(p.a, bytesOf)!
  const bytesB = cellFigure(p.b, bytesOf)!
  const bytesChange = relativeChange(bytesA.median, bytesB.median)
  const bytesVerdict: Verdict = bytesChange > o.bytesThreshold ? 'worse' : bytesChange < -o.bytesThreshold ? 'better' : 'same'
  const cpuA = cellFigure(p.a, cpuOf)!
  const cpuB = cellFigure(p.b, cpuOf)!
  const ratios = p.seedsPaired ? seedRatios(p.a, p.b, cpuOf) : []
  const r0 = p.a[0]!
  return {
    strategy: r0.strategy,
    workload: r0.workload,
    blockSize: r0.block_size,
    differs: p.differs,
    seeds: Math.max(seedCount(p.a), seedCount(p.b)),
    bytesA,
    bytesB,
    bytesChange,
    bytesVerdict,
    seedsWorse: p.seedsPaired ? seedRatios(p.a, p.b, bytesOf).filter((x) => x > 1 + o.bytesThreshold).length : null,
    cpuA,
    cpuB,
    cpuRatio: cpuB.median / cpuA.median,
    cpuLo: ratios.length ? Math.min(...ratios) : cpuB.min / cpuA.max,
    cpuHi: ratios.length ? Math.max(...ratios) : cpuB.max / cpuA.min,
    cpu,
    broke: p.a.every((r) => r.correct) && !p.b.every((r) => r.correct),
  }
}

const sideName = (run: string, sel: Selector) => {
  const parts = Object.entries(sel).map(([k, v]) => `${k}=${v}`)
  return parts.length ? `${run} [${parts.join(', ')}]` : run
}

/** B / A − 1, with 0 → 0 as no change and 0 → something as Infinity. */
function relativeChange(a: number, b: number): number {
  if (a === 0) return b === 0 ? 0 : Infinity
  return (b - a) / a
}

const seedCount = (rows: readonly ResultRow[]) => new Set(rows.map((r) => r.seed)).size

/** Per paired seed: B's seed figure / A's (the aggregation's per-seed mean per sync). */
function seedRatios(a: readonly ResultRow[], b: readonly ResultRow[], value: (r: ResultRow) => number): number[] {
  const fig = meanPerSync(value)
  const bySeed = new Map(groupBy(b, ['seed']).map((g) => [g.key.seed, g.rows]))
  const out: number[] = []
  for (const g of groupBy(a, ['seed'])) {
    const rb = bySeed.get(g.key.seed)
    const fa = fig(g.rows)
    const fb = rb ? fig(rb) : null
    if (fa !== null && fb !== null) out.push(fa === 0 ? (fb === 0 ? 1 : Infinity) : fb / fa)
  }
  return out
}
