/**
 * The one aggregation: how a cell's syncs fold into the figure every output shows (terminal table, report,
 * charts, notebooks, compare, tune). A seed is one run of the cell, every epoch of it:
 *
 *   seed figure = the mean per sync over its epochs (with repeats: each repeat's mean, then their median,
 *                 so one disturbed repeat does not move it)
 *   cell figure = the median of the seed figures, with their min–max
 *
 * Ratios (× oracle, × local) are Σ bytes / Σ yardstick per seed (not a mean of per-sync ratios, which an
 * epoch that changed almost nothing would dominate), then the same median over seeds.
 */
import type { ResultRow } from './result-row.ts'
import { groupBy, median, spread, type Spread } from './stats.ts'

/** The sentence every output prints once, so a reader knows what its numbers are (aggregationSentence: as a sentence). */
export const AGGREGATION = 'each figure: per seed, the mean per sync over its epochs (ratios: Σ bytes ÷ Σ yardstick; repeats: their median), then the median over seeds [min–max]'

/** AGGREGATION as a sentence of its own: capitalised, with its full stop. */
export function aggregationSentence(): string {
  return `${AGGREGATION[0]!.toUpperCase()}${AGGREGATION.slice(1)}.`
}

/** A per-seed statistic of the rows of one seed (all its epochs and repeats); null when it has no value. */
export type SeedStatistic = (seedRows: readonly ResultRow[]) => number | null

/** Per seed: the mean of a value per sync over the epochs, the median over repeats. Rows where it is null are left out. */
export function meanPerSync(value: (r: ResultRow) => number | null): SeedStatistic {
  return (rows) => perRepeatMedian(rows, (rs) => {
    let sum = 0
    let n = 0
    for (const r of rs) {
      const v = value(r)
      if (v === null) continue
      sum += v
      n++
    }
    return n === 0 ? null : sum / n
  })
}

/** Per seed: Σ numerator / Σ denominator over the epochs (median over repeats); null when any denominator is missing or the sum is 0. */
export function ratioPerSeed(numerator: (r: ResultRow) => number, denominator: (r: ResultRow) => number | null): SeedStatistic {
  return (rows) => perRepeatMedian(rows, (rs) => {
    let num = 0
    let den = 0
    for (const r of rs) {
      const d = denominator(r)
      if (d === null) return null
      num += numerator(r)
      den += d
    }
    return den > 0 ? num / den : null
  })
}

/** × oracle per seed: Σ bytes_total / Σ oracle_bytes. */
export const oracleRatioPerSeed: SeedStatistic = ratioPerSeed((r) => r.bytes_total, (r) => r.oracle_bytes)

/** × local per seed: Σ bytes_total / Σ local_floor_bytes. */
export const localRatioPerSeed: SeedStatistic = ratioPerSeed((r) => r.bytes_total, (r) => r.local_floor_bytes)

/** The cell figure: one value per seed (null values left out), then their median and min–max (n counts the seeds). */
export function acrossSeeds(rows: readonly ResultRow[], perSeed: SeedStatistic): Spread | null {
  const values: number[] = []
  for (const g of groupBy(rows, ['seed'])) {
    const v = perSeed(g.rows)
    if (v !== null && Number.isFinite(v)) values.push(v)
  }
  return spread(values)
}

/** The cell figure of a value per sync: acrossSeeds of meanPerSync. */
export function cellFigure(rows: readonly ResultRow[], value: (r: ResultRow) => number | null): Spread | null {
  return acrossSeeds(rows, meanPerSync(value))
}

function perRepeatMedian(rows: readonly ResultRow[], f: (rows: readonly ResultRow[]) => number | null): number | null {
  const groups = groupBy(rows, ['repeat'])
  if (groups.length === 1) return f(rows)
  const values = groups.map((g) => f(g.rows)).filter((v): v is number => v !== null)
  return values.length ? median(values) : null
}
