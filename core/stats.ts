/**
 * The few statistics the project takes of its measurements: a median, its spread and a bootstrap interval,
 * and rows grouped by some of their fields. Every function takes its numbers in any order.
 */
import { Rng } from './seeded-random.ts'

const ascending = (a: number, b: number) => a - b

/** The middle value (the mean of the two middle ones for an even count) of numbers in any order; NaN for none. */
export function median(xs: readonly number[]): number {
  if (xs.length === 0) return NaN
  const s = [...xs].sort(ascending)
  const m = s.length >> 1
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2
}

/** Median, min and max of some values, and how many there are. */
export interface Spread {
  median: number
  min: number
  max: number
  n: number
}

/** The spread of the values, or null when there are none. */
export function spread(xs: readonly number[]): Spread | null {
  if (xs.length === 0) return null
  const s = [...xs].sort(ascending)
  return { median: median(s), min: s[0]!, max: s[s.length - 1]!, n: s.length }
}

/** Where the median of a sample plausibly lies. */
export interface MedianInterval {
  lo: number
  hi: number
}

/**
 * A bootstrap percentile interval of the median: both ends equal the median when there is one value, NaN
 * when there are none. The resampling is seeded, so the same numbers give the same interval on every run.
 */
export function medianInterval(xs: readonly number[], confidence = 0.95, resamples = 2000, seed = 'bootstrap'): MedianInterval {
  const n = xs.length
  if (n < 2) return { lo: median(xs), hi: median(xs) }
  const rng = new Rng(seed)
  const meds = new Float64Array(resamples)
  const tmp = new Array<number>(n)
  for (let r = 0; r < resamples; r++) {
    for (let i = 0; i < n; i++) tmp[i] = xs[rng.int(n)]!
    meds[r] = median(tmp)
  }
  meds.sort()
  return {
    lo: meds[Math.floor(((1 - confidence) / 2) * resamples)]!,
    hi: meds[Math.min(resamples - 1, Math.ceil(((1 + confidence) / 2) * resamples) - 1)]!,
  }
}

/** One group of groupBy: the values of the grouping fields, as an object and as a JSON key, and its rows. */
export interface Group<T, K extends keyof T> {
  id: string
  key: Pick<T, K>
  rows: T[]
}

/** Rows grouped by the listed fields, groups in order of first appearance. */
export function groupBy<T, K extends keyof T>(rows: readonly T[], keys: readonly K[]): Group<T, K>[] {
  const groups = new Map<string, Group<T, K>>()
  for (const r of rows) {
    const id = JSON.stringify(keys.map((k) => r[k]))
    let g = groups.get(id)
    if (!g) {
      const key = {} as Pick<T, K>
      for (const k of keys) key[k] = r[k]
      g = { id, key, rows: [] }
      groups.set(id, g)
    }
    g.rows.push(r)
  }
  return [...groups.values()]
}
