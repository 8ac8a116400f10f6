import { ConfigError } from './errors.ts'

const UNITS: Record<string, number> = {
  '': 1, b: 1,
  k: 1024, kib: 1024, kb: 1000,
  m: 1024 ** 2, mib: 1024 ** 2, mb: 1000 ** 2,
  g: 1024 ** 3, gib: 1024 ** 3, gb: 1000 ** 3,
  t: 1024 ** 4, tib: 1024 ** 4, tb: 1000 ** 4,
}

/**
 * Parses a byte size: 4096, 4KiB, 64MiB, 1GiB (binary), 1GB (decimal), 1.5MiB. Units are case-blind;
 * a bare k, m, g is binary.
 */
export function parseSize(text: string, what = 'size'): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(String(text))
  const unit = m ? UNITS[m[2]!.toLowerCase()] : undefined
  if (!m || unit === undefined) throw new ConfigError(`${what} "${text}" is not a size; write e.g. 4096, 4KiB, 64MiB, 1GiB`)
  const v = Number(m[1]) * unit
  if (!Number.isSafeInteger(Math.round(v))) throw new ConfigError(`${what} "${text}" is too large`)
  return Math.round(v)
}

/** Formats bytes for people: 1.5 MiB, 640 B. */
export function formatBytes(n: number): string {
  if (!Number.isFinite(n)) return String(n)
  const abs = Math.abs(n)
  if (abs < 1024) return `${n} B`
  const units = ['KiB', 'MiB', 'GiB', 'TiB']
  let v = n / 1024
  let i = 0
  while (Math.abs(v) >= 1024 && i < units.length - 1) {
    v /= 1024
    i++
  }
  return `${v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2)} ${units[i]}`
}
