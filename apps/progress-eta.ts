/**
 * The time left in a run, from what its cells cost rather than how many there are: each finished cell's
 * time is learnt per strategy × workload, and a cell not yet measured is guessed from its strategy's (or
 * the run's) cost per unit of workload weight, a SQLite workload weighing 3 (a cell on a real database
 * costs about three times a synthetic one) until its own cells are measured.
 */

export interface PlannedCell {
  strategy: string
  workload: string
}

/** The prior cost of a workload class relative to a synthetic workload, replaced by measurement as cells finish. */
export function workloadWeight(workload: string): number {
  return workload.startsWith('sqlite') ? 3 : 1
}

const keyOf = (c: PlannedCell) => `${c.strategy}\u0000${c.workload}`

interface Sum {
  ms: number
  n: number
}

const add = (m: Map<string, Sum>, k: string, ms: number) => {
  const s = m.get(k) ?? { ms: 0, n: 0 }
  m.set(k, { ms: s.ms + ms, n: s.n + 1 })
}

export class CellCostEta {
  /** Cells still to run, per strategy × workload. */
  private readonly left = new Map<string, { cell: PlannedCell; n: number }>()
  private readonly byCell = new Map<string, Sum>()
  /** Cost per unit of weight, per strategy and over the run. */
  private readonly byStrategy = new Map<string, Sum>()
  private run: Sum = { ms: 0, n: 0 }

  /** Costs are wall time between finished cells, so with --jobs cells in parallel they already come shared among the workers. */
  constructor(plan: readonly PlannedCell[]) {
    for (const c of plan) {
      const e = this.left.get(keyOf(c))
      if (e) e.n++
      else this.left.set(keyOf(c), { cell: c, n: 1 })
    }
  }

  /** A cell of the plan finished after `ms`. */
  finished(cell: PlannedCell, ms: number): void {
    const e = this.left.get(keyOf(cell))
    if (e && e.n > 0) e.n--
    add(this.byCell, keyOf(cell), ms)
    const unit = ms / workloadWeight(cell.workload)
    add(this.byStrategy, cell.strategy, unit)
    this.run = { ms: this.run.ms + unit, n: this.run.n + 1 }
  }

  /** The expected cost of one cell: its own mean, else its strategy's (or the run's) mean per weight × its weight; null before any cell finished. */
  costOf(cell: PlannedCell): number | null {
    const own = this.byCell.get(keyOf(cell))
    if (own) return own.ms / own.n
    const unit = this.byStrategy.get(cell.strategy) ?? (this.run.n > 0 ? this.run : undefined)
    return unit ? (unit.ms / unit.n) * workloadWeight(cell.workload) : null
  }

  /** Milliseconds left: Σ over the cells still to run of their expected cost; null until a cell has been measured. */
  leftMs(): number | null {
    if (this.run.n === 0) return null
    let sum = 0
    for (const { cell, n } of this.left.values()) {
      if (n === 0) continue
      const c = this.costOf(cell)
      if (c === null) return null
      sum += c * n
    }
    return sum
  }
}
