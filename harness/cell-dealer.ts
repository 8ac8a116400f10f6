import type { CellPlan } from './run-matrix.ts'

/** The materialisation a cell runs on: a worker keeps one at a time (PreparedCache). */
function groupOf(cell: CellPlan): string {
  return JSON.stringify([cell.workload.name, cell.workload.options, cell.seed])
}

/**
 * Deals the matrix's cells to `--jobs` workers so that each (workload, seed) is materialised by as few
 * workers as it can be: a worker takes the next cell of the group it holds; when that group is dealt out,
 * the first group no other worker holds; only at the end does it join a group another worker holds.
 * Dealt strictly in order, the workers all ran cells of one group at once and each generated every group
 * (with --jobs 2 every base was made twice). Bytes do not depend on which worker runs a cell.
 */
export class CellDealer {
  private readonly taken: boolean[]
  private readonly groups: string[]
  private readonly held = new Map<number, string>()
  /** Every cell before this index is taken. */
  private first = 0
  private left: number

  constructor(private readonly cells: readonly CellPlan[]) {
    this.taken = cells.map(() => false)
    this.groups = cells.map(groupOf)
    this.left = cells.length
  }

  /** The index of the next cell for `worker`, or undefined when every cell is dealt. */
  next(worker: number): number | undefined {
    if (this.left === 0) return undefined
    while (this.taken[this.first]) this.first++
    const mine = this.held.get(worker)
    const others = new Set([...this.held].filter(([w]) => w !== worker).map(([, g]) => g))
    let free: number | undefined
    let pick: number | undefined
    for (let i = this.first; i < this.cells.length; i++) {
      if (this.taken[i]) continue
      if (this.groups[i] === mine) {
        pick = i
        break
      }
      if (free === undefined && !others.has(this.groups[i]!)) free = i
    }
    pick ??= free ?? this.first
    this.taken[pick] = true
    this.left--
    this.held.set(worker, this.groups[pick]!)
    return pick
  }
}
