/**
 * Picks the strategy palette (analysis/charts/palette.ts) once, offline: from a grid of sRGB colours of
 * mid lightness (readable on white and on a dark slide), greedily the one farthest from all chosen so far,
 * distance being the smallest CIEDE2000 over normal vision, deuteranopia and protanopia, with the reserved
 * colours (wrong-replica red, oracle black, floor slate) chosen first. Then swaps each pick for any grid
 * colour that raises the worst pair, until none does. Prints the colours; the table in palette.ts is its
 * output, and test/palette.test.ts checks the table, not this script.
 * Last, it deals the colours to the strategies so the closest pair inside one family is as far apart as a
 * seeded shuffle search finds.
 *   npx tsx scripts/pick-palette.ts
 */
import { deltaE2000, labOf, type Lab, type Vision } from '../analysis/charts/colour-vision.ts'
import { FAMILY_OF } from '../analysis/charts/families.ts'

const VISIONS: Vision[] = ['normal', 'deuteranopia', 'protanopia']
const RESERVED = ['#d62728', '#000000', '#2f4858', '#ffffff', '#1e1e1e']
const names = Object.keys(FAMILY_OF)
const count = names.length

const hex = (r: number, g: number, b: number) => `#${[r, g, b].map((c) => c.toString(16).padStart(2, '0')).join('')}`
const grid: string[] = []
for (let r = 0; r <= 255; r += 17) for (let g = 0; g <= 255; g += 17) for (let b = 0; b <= 255; b += 17) {
  const L = labOf(hex(r, g, b))[0]
  if (L >= 38 && L <= 72) grid.push(hex(r, g, b))
}
const labs = new Map<string, Lab[]>()
const labsOf = (c: string) => labs.get(c) ?? (labs.set(c, VISIONS.map((v) => labOf(c, v))), labs.get(c)!)
const dist = (a: string, b: string) => Math.min(...VISIONS.map((_, i) => deltaE2000(labsOf(a)[i]!, labsOf(b)[i]!)))
const nearest = (c: string, set: readonly string[]) => Math.min(...set.map((s) => dist(c, s)))

const picks: string[] = []
while (picks.length < count) {
  const set = [...RESERVED, ...picks]
  let best = grid[0]!
  let bestD = -1
  for (const c of grid) {
    const d = nearest(c, set)
    if (d > bestD) [best, bestD] = [c, d]
  }
  picks.push(best)
}
const worst = () => {
  let w = Infinity
  for (let i = 0; i < picks.length; i++) w = Math.min(w, nearest(picks[i]!, [...RESERVED, ...picks.filter((_, j) => j !== i)]))
  return w
}
for (let improved = true; improved; ) {
  improved = false
  for (let i = 0; i < picks.length; i++) {
    const others = [...RESERVED, ...picks.filter((_, j) => j !== i)]
    const now = nearest(picks[i]!, others)
    if (now > worst() + 1e-9) continue
    for (const c of grid) {
      if (nearest(c, others) > now + 1e-9) {
        picks[i] = c
        improved = true
        break
      }
    }
  }
}
// Deal: a seeded LCG shuffles (a random choice from a seed), keeping the deal whose worst same-family pair is farthest.
let seed = 16
const rand = () => ((seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 2 ** 32)
const families = [...new Set(Object.values(FAMILY_OF))]
const familyWorst = (deal: string[]) => Math.min(...families.flatMap((f) => {
  const cs = names.map((n, i) => (FAMILY_OF[n] === f ? deal[i]! : '')).filter(Boolean)
  return cs.flatMap((a, i) => cs.slice(i + 1).map((b) => dist(a, b)))
}))
let deal = [...picks]
let dealScore = familyWorst(deal)
for (let t = 0; t < 20000; t++) {
  const d = [...picks]
  for (let i = d.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1))
    ;[d[i], d[j]] = [d[j]!, d[i]!]
  }
  const s = familyWorst(d)
  if (s > dealScore) [deal, dealScore] = [d, s]
}
process.stdout.write(names.map((n, i) => `  '${n}': '${deal[i]}',`).join('\n') + `\nworst same-family pair: ${dealScore.toFixed(2)}\n`)
process.stdout.write(`${picks.join(' ')}\nworst pair (min ΔE2000 over ${VISIONS.join(', ')}): ${worst().toFixed(2)}\n`)
