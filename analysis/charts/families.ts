/**
 * Strategy families (the folders under strategies/, plus planned names), each drawn with its own dash so two
 * strategies whose lines coincide, or whose colours a reader cannot tell apart, still look different.
 */

export type Family = 'baseline' | 'block' | 'tracking' | 'rolling' | 'cdc' | 'tools' | 'other'

/** Every strategy we know or plan, by family, in the order the palette assigns colours. */
export const FAMILY_OF: Readonly<Record<string, Family>> = {
  'whole-file': 'baseline',
  'fixed-block-compare': 'block',
  'changed-block-bitmap': 'tracking',
  'journal-replay': 'tracking',
  'snapshot-diff': 'tracking',
  'rsync-rolling': 'rolling',
  'rsync-context': 'rolling',
  'rsync-rounds': 'rolling',
  'cdc-index': 'cdc',
  'cdc-reverse': 'cdc',
  casync: 'cdc',
  zsync: 'cdc',
  rdiff: 'tools',
  rsync: 'tools',
  xdelta3: 'tools',
  'zstd-patch': 'tools',
}

/** Dash per family ([] is solid); the oracle and floor reference lines use [6, 4] and [3, 3], so none does here. */
export const FAMILY_DASH: Readonly<Record<Family, number[]>> = {
  baseline: [1, 3],
  block: [12, 4],
  tracking: [8, 3],
  rolling: [],
  cdc: [2, 2],
  tools: [10, 3, 2, 3],
  other: [5, 2],
}

/** Point shape per place in the family, so two strategies of one family differ in shape as well as colour. */
const SHAPES = ['circle', 'square', 'triangle-up', 'diamond'] as const

export const familyOf = (strategy: string): Family => FAMILY_OF[strategy] ?? 'other'
export const strategyDash = (strategy: string): number[] => FAMILY_DASH[familyOf(strategy)]

/** The strategy's point shape: its place among its family's known names; an unknown name a shape from its length. */
export function strategyShape(strategy: string): string {
  const family = familyOf(strategy)
  const members = Object.keys(FAMILY_OF).filter((s) => FAMILY_OF[s] === family)
  const i = members.indexOf(strategy)
  return SHAPES[(i >= 0 ? i : strategy.length) % SHAPES.length]!
}
