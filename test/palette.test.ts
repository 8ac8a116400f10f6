import { describe, expect, it } from 'vitest'
import { colourDistance, deltaE2000, type Vision } from '../analysis/charts/colour-vision.ts'
import { FAMILY_OF, familyOf, strategyDash, strategyShape } from '../analysis/charts/families.ts'
import { DARK_BACKGROUND, FLOOR_COLOUR, LIGHT_BACKGROUND, ORACLE_COLOUR, STRATEGY_COLOURS, WRONG_COLOUR } from '../analysis/charts/palette.ts'
import { STRATEGIES } from '../strategies/index.ts'

const VISIONS: Vision[] = ['normal', 'deuteranopia', 'protanopia']
/** Every pair of strategy colours, and every strategy colour against each reserved one, at least this far apart for every vision. */
const MIN_ANY = 8
/** Two strategies of one family share a dash: their colours must differ more. */
const MIN_SAME_FAMILY = 15

const RESERVED: Record<string, string> = { 'wrong replica': WRONG_COLOUR, oracle: ORACLE_COLOUR, floor: FLOOR_COLOUR, background: LIGHT_BACKGROUND, 'dark background': DARK_BACKGROUND }

/** The closest pair of the named colours for a vision. */
function closest(colours: Record<string, string>, vision: Vision): { a: string; b: string; d: number } {
  const names = Object.keys(colours)
  let worst = { a: '', b: '', d: Infinity }
  for (let i = 0; i < names.length; i++)
    for (let j = i + 1; j < names.length; j++) {
      const d = colourDistance(colours[names[i]!]!, colours[names[j]!]!, vision)
      if (d < worst.d) worst = { a: names[i]!, b: names[j]!, d }
    }
  return worst
}

describe('colour science', () => {
  it('computes CIEDE2000 as Sharma, Wu & Dalal (2005) tabulate it', () => {
    // Pairs 1, 7, 17 and 25 of their test data, to four decimals.
    expect(deltaE2000([50, 2.6772, -79.7751], [50, 0, -82.7485])).toBeCloseTo(2.0425, 4)
    expect(deltaE2000([50, 0, 0], [50, -1, 2])).toBeCloseTo(2.3669, 4)
    expect(deltaE2000([50, 2.5, 0], [73, 25, -18])).toBeCloseTo(27.1492, 4)
    expect(deltaE2000([60.2574, -34.0099, 36.2677], [60.4626, -34.1751, 39.4387])).toBeCloseTo(1.2644, 4)
  })

  it('simulates red–green blindness: red and green of equal lightness collapse, blue and yellow do not', () => {
    const [red, green] = ['#d62728', '#2ca02c']
    expect(colourDistance(red, green)).toBeGreaterThan(50)
    expect(colourDistance(red, green, 'deuteranopia')).toBeLessThan(colourDistance(red, green) / 2)
    expect(colourDistance(red, green, 'protanopia')).toBeLessThan(colourDistance(red, green) / 2)
    expect(colourDistance('#1f4fd6', '#e6c619', 'deuteranopia')).toBeGreaterThan(50)
  })

  it('flags the pairs the issue named: the old orange and mustard, and the old greens, fail the bar', () => {
    const worst = (a: string, b: string) => Math.min(...VISIONS.map((v) => colourDistance(a, b, v)))
    expect(worst('#f28e2b', '#c9a100')).toBeLessThan(MIN_SAME_FAMILY)
    // The palette before this one (Tableau 10 plus two): its closest pair under some vision is under the bar.
    const old = { 'whole-file': '#8c8c8c', 'fixed-block-compare': '#4e79a7', 'changed-block-bitmap': '#f28e2b', 'rsync-rolling': '#59a14f', rsync: '#1f5f3a', rdiff: '#76b7b2', xdelta3: '#b07aa1', 'zstd-patch': '#9c755f', 'journal-replay': '#c9a100', 'snapshot-diff': '#e377c2' }
    expect(Math.min(...VISIONS.map((v) => closest(old, v).d))).toBeLessThan(MIN_ANY)
  })
})

describe('strategy palette', () => {
  it('has a fixed colour and a family for every registered strategy', () => {
    for (const s of STRATEGIES) {
      expect(STRATEGY_COLOURS[s.name], `${s.name} has no colour in palette.ts`).toMatch(/^#[0-9a-f]{6}$/)
      expect(FAMILY_OF[s.name], `${s.name} has no family in families.ts`).toBeDefined()
    }
    expect(Object.keys(STRATEGY_COLOURS).sort()).toEqual(Object.keys(FAMILY_OF).sort())
  })

  for (const vision of VISIONS) {
    it(`keeps every pair, reserved colours included, at least ΔE2000 ${MIN_ANY} apart (${vision})`, () => {
      const w = closest(STRATEGY_COLOURS, vision)
      for (const [s, c] of Object.entries(STRATEGY_COLOURS))
        for (const [r, rc] of Object.entries(RESERVED)) {
          const d = colourDistance(c, rc, vision)
          if (d < w.d) Object.assign(w, { a: s, b: r, d })
        }
      expect(w.d, `${w.a} and ${w.b}: ΔE2000 ${w.d.toFixed(2)}`).toBeGreaterThanOrEqual(MIN_ANY)
    })
    it(`keeps strategies of one family (one dash) at least ΔE2000 ${MIN_SAME_FAMILY} apart (${vision})`, () => {
      for (const family of new Set(Object.values(FAMILY_OF))) {
        const members = Object.fromEntries(Object.entries(STRATEGY_COLOURS).filter(([s]) => familyOf(s) === family))
        if (Object.keys(members).length < 2) continue
        const w = closest(members, vision)
        expect(w.d, `${family}: ${w.a} and ${w.b}: ΔE2000 ${w.d.toFixed(2)}`).toBeGreaterThanOrEqual(MIN_SAME_FAMILY)
      }
    })
  }

  it('gives each family its own dash, and the strategies of a family different shapes', () => {
    const families = [...new Set(Object.values(FAMILY_OF))]
    const dashes = new Set(families.map((f) => JSON.stringify(strategyDash(Object.keys(FAMILY_OF).find((s) => FAMILY_OF[s] === f)!))))
    expect(dashes.size).toBe(families.length)
    for (const family of new Set(Object.values(FAMILY_OF))) {
      const members = Object.keys(FAMILY_OF).filter((s) => FAMILY_OF[s] === family)
      expect(new Set(members.map(strategyShape)).size).toBe(members.length)
    }
  })
})
