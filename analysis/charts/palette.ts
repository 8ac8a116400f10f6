/**
 * One colour per strategy, the same in every chart and every run, picked for colour-blind readers: every
 * pair of the table and the reserved colours below is at least ΔE2000 8 apart under normal vision,
 * deuteranopia and protanopia (Machado 2009), checked by test/palette.test.ts; made by
 * `npx tsx scripts/pick-palette.ts` (whole-file and snapshot-diff swapped by hand so the baseline is grey).
 * Lightness 38–72, so each reads on white and on the dark theme. A name not in the table gets a colour
 * from its hash (stable, but not checked). Red is kept out: it means "wrong replica" and nothing else.
 * Families add a dash and shapes (families.ts), so colour is never the only difference.
 */
export const STRATEGY_COLOURS: Readonly<Record<string, string>> = {
  'whole-file': '#999999',
  'fixed-block-compare': '#448855',
  'changed-block-bitmap': '#aa9955',
  'journal-replay': '#bb77ff',
  'snapshot-diff': '#665588',
  'rsync-rolling': '#cc7700',
  'rsync-context': '#778877',
  'rsync-rounds': '#777799',
  'cdc-index': '#9966cc',
  'cdc-reverse': '#aaaacc',
  casync: '#ccaa88',
  zsync: '#006655',
  rdiff: '#ee4477',
  rsync: '#007722',
  xdelta3: '#ee9900',
  'zstd-patch': '#9911cc',
}

/** The colour that marks a wrong replica, and only that. */
export const WRONG_COLOUR = '#d62728'
/** The oracle lower bound: black (the foreground, white-ish, on the dark theme), dashed wherever it is drawn. */
export const ORACLE_COLOUR = '#000000'
/** The backgrounds the palette is checked against: white and the dark theme's. */
export const LIGHT_BACKGROUND = '#ffffff'
export const DARK_BACKGROUND = '#1e1e1e'
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
