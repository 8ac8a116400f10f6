/**
 * The winner of each workload in a run's summary: the cell (strategy at a block size) with the lowest
 * estimated time per sync (est_sync_ms under the run's profile and cost model, folded by the one
 * aggregation: the median over seeds), the best cell of another strategy as the runner-up, and the margin.
 * A cell with a wrong replica cannot win.
 */
import type { CellFigures } from './cell-figures.ts'

export interface Winner {
  workload: string
  best: CellFigures
  /** The best cell of any other strategy; null when no other strategy ran correctly on the workload. */
  runnerUp: CellFigures | null
  /** Runner-up's est ms ÷ the winner's (≥ 1); null without a runner-up. */
  margin: number | null
  /** The seeds' min–max of the two overlap: a different seed could have made the runner-up win. */
  overlap: boolean
}

const est = (c: CellFigures) => c.estMs!.median

/** One winner per workload, in the order the workloads first appear in `lines`. */
export function winners(lines: readonly CellFigures[]): Winner[] {
  const out: Winner[] = []
  for (const workload of [...new Set(lines.map((l) => l.workload))]) {
    const eligible = lines.filter((l) => l.workload === workload && l.wrong === 0 && l.estMs !== null)
    // Stable sort: of equal times the cell listed first (order given) wins.
    const ranked = [...eligible].sort((a, b) => est(a) - est(b))
    const best = ranked[0]
    if (!best) continue
    const runnerUp = ranked.find((l) => l.strategy !== best.strategy) ?? null
    out.push({
      workload,
      best,
      runnerUp,
      margin: runnerUp ? (est(best) > 0 ? est(runnerUp) / est(best) : null) : null,
      overlap: runnerUp !== null && best.estMs!.max >= runnerUp.estMs!.min,
    })
  }
  return out
}
