import { describe, expect, it } from 'vitest'
import { groupBy, median, medianInterval, spread } from '../core/stats.ts'

describe('median', () => {
  it('takes numbers in any order, averages the middle two of an even count, and leaves its input alone', () => {
    const xs = [9, 1, 5, 3]
    expect(median(xs)).toBe(4)
    expect(xs).toEqual([9, 1, 5, 3])
    expect(median([7, -2, 3])).toBe(3)
    expect(median([10, 2])).toBe(6) // numerically, not as strings ("10" < "2")
    expect(median([])).toBeNaN()
  })
})

describe('spread', () => {
  it('is the median, min, max and count of values in any order, or null for none', () => {
    expect(spread([30, 10, 20, 100])).toEqual({ median: 25, min: 10, max: 100, n: 4 })
    expect(spread([5])).toEqual({ median: 5, min: 5, max: 5, n: 1 })
    expect(spread([])).toBeNull()
  })
})

describe('medianInterval', () => {
  const xs = [1.02, 0.98, 1.3, 1.25, 1.28, 1.31, 1.27, 1.29, 1.26, 1.33]

  it('brackets the median, the same on every call with the same seed', () => {
    const ci = medianInterval(xs, 0.95, 2000, 'cell')
    expect(ci.lo).toBeLessThanOrEqual(median(xs))
    expect(ci.hi).toBeGreaterThanOrEqual(median(xs))
    expect(ci.lo).toBeLessThan(ci.hi)
    expect(medianInterval(xs, 0.95, 2000, 'cell')).toEqual(ci)
    // A narrower confidence gives an interval inside the wider one.
    const narrow = medianInterval(xs, 0.5, 2000, 'cell')
    expect(narrow.lo).toBeGreaterThanOrEqual(ci.lo)
    expect(narrow.hi).toBeLessThanOrEqual(ci.hi)
  })

  it('collapses to the value for one value and is NaN for none', () => {
    expect(medianInterval([4.5])).toEqual({ lo: 4.5, hi: 4.5 })
    const none = medianInterval([])
    expect(none.lo).toBeNaN()
    expect(none.hi).toBeNaN()
  })
})

describe('groupBy', () => {
  it('groups by the listed fields in order of first appearance, with the key as an object and as JSON', () => {
    const rows = [
      { s: 'b', w: 1, v: 10 },
      { s: 'a', w: 1, v: 20 },
      { s: 'b', w: 1, v: 30 },
      { s: 'b', w: 2, v: 40 },
    ]
    const groups = groupBy(rows, ['s', 'w'])
    expect(groups.map((g) => g.key)).toEqual([{ s: 'b', w: 1 }, { s: 'a', w: 1 }, { s: 'b', w: 2 }])
    expect(groups.map((g) => g.rows.map((r) => r.v))).toEqual([[10, 30], [20], [40]])
    expect(groups[0]!.id).toBe(JSON.stringify(['b', 1]))
    expect(groupBy([], ['s'])).toEqual([])
  })
})
