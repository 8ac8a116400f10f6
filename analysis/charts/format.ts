/**
 * Numbers for people, in two forms: TypeScript for tooltips and tables, and the same rules as a Vega
 * expression for axis labels (which Vega evaluates itself), so an axis and a tooltip never disagree.
 */
import { formatBytes } from '../../core/units.ts'
import type { Spread } from '../../core/stats.ts'

export { formatBytes }

/** A Vega expression formatting the bytes in `v` (an expression) as "512 B", "4 KiB", "1.5 MiB". */
export function bytesExpr(v: string): string {
  const unit = (div: number, name: string) => `format(${v} / ${div}, '.3~g') + ' ${name}'`
  return `${v} >= 1073741824 ? ${unit(1073741824, 'GiB')} : ${v} >= 1048576 ? ${unit(1048576, 'MiB')} : ${v} >= 1024 ? ${unit(1024, 'KiB')} : format(${v}, '.3~g') + ' B'`
}

export function formatMs(ms: number): string {
  if (!Number.isFinite(ms)) return String(ms)
  if (ms >= 100) return `${ms.toFixed(0)} ms`
  if (ms >= 10) return `${ms.toFixed(1)} ms`
  if (ms >= 0.1) return `${ms.toFixed(2)} ms`
  return `${ms.toFixed(3)} ms`
}

export function formatRatio(x: number): string {
  return x >= 100 ? `${x.toFixed(0)}×` : x >= 10 ? `${x.toFixed(1)}×` : `${x.toFixed(2)}×`
}

/** "821 KiB (min 800 KiB, max 830 KiB, 2 seeds)", or "821 KiB (1 seed)" when there is nothing to spread. */
export function formatSpread(s: Spread, f: (n: number) => string): string {
  const seeds = `${s.n} seed${s.n === 1 ? '' : 's'}`
  if (s.min === s.max) return `${f(s.median)} (${s.n === 1 ? seeds : `same on all ${seeds}`})`
  return `${f(s.median)} (min ${f(s.min)}, max ${f(s.max)}, ${seeds})`
}

/** Rounds bytes to whole numbers for display only. */
export const bytes = (n: number): string => formatBytes(Math.round(n))

/**
 * Ticks and a domain for a log axis. The domain is the data's range with a little room; ticks are powers
 * of two (bytes) or 1-2-5 × powers of ten (times) inside it, every k-th one with k the smallest step that
 * gives at most maxTicks (bytes: 1 or even, so ticks land on 1, 4, 16… or 1, 16, 256…; times: 1 or a
 * multiple of 3, so ticks stay round: 1, 10, 100), anchored on a multiple of k so the same ticks come
 * back across charts. The domain widens to the tick just beyond an end when that tick is near.
 */
export function logTicks(min: number, max: number, kind: 'bytes' | 'decimal', maxTicks = 7): { domain: [number, number]; values: number[] } {
  const floor = kind === 'bytes' ? 1 : 1e-3
  const room = 1.25
  let lo = Math.max(min, floor) / room
  let hi = Math.max(max, min, floor) * room
  const at = kind === 'bytes' ? (i: number) => 2 ** i : (i: number) => [1, 2, 5][((i % 3) + 3) % 3]! * 10 ** Math.floor(i / 3)
  const index = kind === 'bytes' ? (v: number) => Math.floor(Math.log2(v)) : (v: number) => 3 * Math.floor(Math.log10(v)) + [1, 2, 5].filter((m) => m * 10 ** Math.floor(Math.log10(v)) <= v).length - 1
  const allowed = (k: number) => k === 1 || (kind === 'bytes' ? k % 2 === 0 : k % 3 === 0)
  const first = index(lo)
  const last = index(hi)
  for (let k = 1; ; k++) {
    if (!allowed(k)) continue
    const values: number[] = []
    for (let i = first - (((first % k) + k) % k); i <= last + k; i += k) values.push(at(i))
    // Reach out to the tick just beyond each end when it is near (under half a step), or when fewer
    // than two ticks would show.
    const below = values.findLast((v) => v <= lo) ?? lo
    const above = values.find((v) => v >= hi) ?? hi
    const step = Math.log(at(k) / at(0))
    const few = values.filter((v) => v >= lo && v <= hi).length < 2
    const dLo = few || Math.log(lo / below) < step / 2 ? Math.min(lo, below) : lo
    const dHi = few || Math.log(above / hi) < step / 2 ? Math.max(hi, above) : hi
    const inside = values.filter((v) => v >= dLo && v <= dHi)
    if (inside.length > maxTicks) continue
    lo = dLo
    hi = dHi
    return { domain: [lo, hi], values: values.filter((v) => v >= lo && v <= hi) }
  }
}

/** A block size as people write it: 512 B, 4 KiB, 64 KiB, 1 MiB (exact when it is a whole unit). */
export function blockLabel(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB']
  let i = 0
  let v = n
  while (v >= 1024 && v % 1024 === 0 && i < units.length - 1) {
    v /= 1024
    i++
  }
  return i === 0 && n >= 1024 ? formatBytes(n) : `${v} ${units[i]}`
}
