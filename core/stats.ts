import { Rng } from './seeded-random.ts'

export function median(xs: readonly number[]): number {
  if (xs.length === 0) return NaN
  const s = [...xs].sort((a, b) => a - b)
  const m = s.length >> 1
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2
}

export interface Spread {
  n: number
  median: number
  min: number
  max: number
  /** Bootstrap percentile interval of the median (equal to the median when n = 1). */
  lo: number
  hi: number
}

/**
 * Median, range and a bootstrap percentile interval of the median. The resampling is seeded, so the
 * same numbers give the same interval on every run.
 */
export function spread(xs: readonly number[], confidence = 0.95, resamples = 2000, seed = 'bootstrap'): Spread {
  const n = xs.length
  if (n === 0) return { n, median: NaN, min: NaN, max: NaN, lo: NaN, hi: NaN }
  const med = median(xs)
  let lo = med
  let hi = med
  if (n > 1) {
    const rng = new Rng(seed)
    const meds = new Float64Array(resamples)
    const tmp = new Array<number>(n)
    for (let r = 0; r < resamples; r++) {
      for (let i = 0; i < n; i++) tmp[i] = xs[rng.int(n)]!
      meds[r] = median(tmp)
    }
    meds.sort()
    lo = meds[Math.floor(((1 - confidence) / 2) * resamples)]!
    hi = meds[Math.min(resamples - 1, Math.ceil(((1 + confidence) / 2) * resamples) - 1)]!
  }
  return { n, median: med, min: Math.min(...xs), max: Math.max(...xs), lo, hi }
}
