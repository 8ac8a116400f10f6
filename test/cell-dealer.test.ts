import { describe, expect, it } from 'vitest'
import { CellDealer } from '../harness/cell-dealer.ts'
import type { CellPlan } from '../harness/run-matrix.ts'

function cells(groups: number, perGroup: number): CellPlan[] {
  const out: CellPlan[] = []
  for (let g = 0; g < groups; g++) {
    for (let k = 0; k < perGroup; k++) {
      out.push({ workload: { name: `w${g}`, options: {} }, seed: '1', strategy: { name: 's', options: {} }, blockSize: 4096, repeat: 1, label: `w${g}/${k}`, key: `w${g}/${k}` })
    }
  }
  return out
}

describe('cell dealer', () => {
  it('deals every cell once, and a group to one worker until only shared groups are left', () => {
    const plan = cells(6, 10)
    const dealer = new CellDealer(plan)
    const groupsOf = new Map<number, Set<string>>([[0, new Set()], [1, new Set()]])
    const dealt: number[] = []
    // Worker 1 runs two cells for every one of worker 0's, as a slower neighbour would.
    for (let round = 0; ; round++) {
      const order = round % 3 === 0 ? [0, 1] : [1]
      let any = false
      for (const w of order) {
        const i = dealer.next(w)
        if (i === undefined) continue
        any = true
        dealt.push(i)
        groupsOf.get(w)!.add(plan[i]!.workload.name)
      }
      if (!any) break
    }
    expect(dealt.slice().sort((a, b) => a - b)).toEqual(plan.map((_, i) => i))
    const shared = [...groupsOf.get(0)!].filter((g) => groupsOf.get(1)!.has(g))
    // In order, both workers would have touched all 6 groups; here at most the last one is shared.
    expect(shared.length).toBeLessThanOrEqual(1)
    expect(groupsOf.get(0)!.size + groupsOf.get(1)!.size).toBeLessThanOrEqual(7)
    expect(dealer.next(0)).toBeUndefined()
  })
})
