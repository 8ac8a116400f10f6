/**
 * One colour per strategy, the same in every chart and every run: a fixed table for the strategies we know
 * (and those planned), and a colour derived from the name's hash for any other, so a new strategy gets a
 * stable colour without editing this file. Red is kept out of both: it means "wrong replica" in the
 * correctness chart and the report, and nothing else may look like that.
 */
export const STRATEGY_COLOURS: Readonly<Record<string, string>> = {
  'whole-file': '#8c8c8c',
  'fixed-block-compare': '#4e79a7',
  'changed-block-bitmap': '#f28e2b',
  'rsync-rolling': '#59a14f',
  rsync: '#1f5f3a',
  rdiff: '#76b7b2',
  xdelta3: '#b07aa1',
  'zstd-patch': '#9c755f',
  'journal-replay': '#c9a100',
  'snapshot-diff': '#e377c2',
}

/** The colour that marks a wrong replica, and only that. */
export const WRONG_COLOUR = '#d62728'
/** The oracle lower bound: black, dashed wherever it is drawn. */
export const ORACLE_COLOUR = '#000000'
/** The local-delta floor (best local delta): dark slate, dashed shorter than the oracle. */
export const FLOOR_COLOUR = '#2f4858'

/** FNV-1a over UTF-16 code units: a small, stable hash (no per-run salt). */
function fnv1a(text: string): number {
  let h = 0x811c9dc5
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i)
    h = Math.imul(h, 0x01000193) >>> 0
  }
  return h
}

function hslToHex(h: number, s: number, l: number): string {
  const a = s * Math.min(l, 1 - l)
  const f = (n: number) => {
    const k = (n + h / 30) % 12
    const c = l - a * Math.max(-1, Math.min(k - 3, 9 - k, 1))
    return Math.round(c * 255).toString(16).padStart(2, '0')
  }
  return `#${f(0)}${f(8)}${f(4)}`
}

/**
 * The colour of a strategy. Unknown names get a hue from their hash in 30°–330° (red's band is left out),
 * with saturation and lightness from further hash bits so two unknown names rarely look alike.
 */
export function strategyColour(name: string): string {
  const known = STRATEGY_COLOURS[name]
  if (known) return known
  const h = fnv1a(name)
  const hue = 30 + (h % 300)
  const sat = 0.45 + ((h >>> 9) % 4) * 0.1
  const light = 0.35 + ((h >>> 13) % 3) * 0.1
  return hslToHex(hue, sat, light)
}

/** A Vega-Lite colour scale over the given strategies, in that order. */
export function strategyScale(strategies: readonly string[]): { domain: string[]; range: string[] } {
  return { domain: [...strategies], range: strategies.map(strategyColour) }
}
