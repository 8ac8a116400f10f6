/**
 * Turning rows into what a chart shows. A seed is one run of a cell (every epoch of it); each seed gives one
 * value (e.g. the mean bytes per sync over its epochs), and a chart shows the median of those values with
 * their min–max, so no single run is ever drawn as if it were the answer.
 */
import type { ResultRow } from '../../core/result-row.ts'
import { groupBy, spread, type Spread } from '../../core/stats.ts'

/** One value per seed (null values are left out), then their spread across seeds (n counts the seeds). */
export function acrossSeeds(rows: readonly ResultRow[], perSeed: (seedRows: ResultRow[]) => number | null): Spread | null {
  const values: number[] = []
  for (const g of groupBy(rows, ['seed'])) {
    const v = perSeed(g.rows)
    if (v !== null && Number.isFinite(v)) values.push(v)
  }
  return spread(values)
}

/** Per seed: the mean of a column (or expression) per sync over its epochs. */
export function meanPerSync(value: (r: ResultRow) => number | null): (rows: ResultRow[]) => number | null {
  return (rows) => {
    let sum = 0
    let n = 0
    for (const r of rows) {
      const v = value(r)
      if (v === null) continue
      sum += v
      n++
    }
    return n === 0 ? null : sum / n
  }
}

/** Per seed: Σ bytes sent / Σ oracle bytes over its epochs (null without an oracle). */
export function efficiencyPerSeed(rows: ResultRow[]): number | null {
  let bytes = 0
  let oracle = 0
  for (const r of rows) {
    if (r.oracle_bytes === null) return null
    bytes += r.bytes_total
    oracle += r.oracle_bytes
  }
  return oracle > 0 ? bytes / oracle : null
}

/**
 * The configurations no other configuration beats on both counts (lower x and lower y): the Pareto front,
 * as a set of indices into points.
 */
export function paretoFront(points: readonly { x: number; y: number }[]): Set<number> {
  const front = new Set<number>()
  points.forEach((p, i) => {
    const dominated = points.some((q, j) => j !== i && q.x <= p.x && q.y <= p.y && (q.x < p.x || q.y < p.y))
    if (!dominated) front.add(i)
  })
  return front
}
