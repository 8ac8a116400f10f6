/**
 * Direct labels at the right end of each strategy's line (a panel per workload), so a slide needs no
 * legend lookup: labels pushed apart vertically so none overlaps another, and lines that coincide (the
 * same median at every block size, e.g. bitmap and journal on overwrites) share one label "a = b".
 */

export interface LinePoint {
  strategy: string
  workload: string
  block_size: number
  median: number
}

/** Medians within this fraction of each other are one line to the eye. */
const SAME = 0.005

/** The label rows of one chart: one per line (or group of coinciding lines) per workload, at the largest block size. */
export function lineEndLabels(points: readonly LinePoint[], yDomain: readonly [number, number], panelHeight: number, fontSize = 11): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = []
  const maxBlock = Math.max(...points.map((p) => p.block_size))
  for (const workload of new Set(points.map((p) => p.workload))) {
    const lines = new Map<string, Map<number, number>>()
    for (const p of points.filter((q) => q.workload === workload)) lines.set(p.strategy, (lines.get(p.strategy) ?? new Map()).set(p.block_size, p.median))
    const same = (a: Map<number, number>, b: Map<number, number>) => a.size === b.size && [...a].every(([k, v]) => b.has(k) && Math.abs(b.get(k)! - v) <= SAME * Math.max(v, b.get(k)!))
    const groups: string[][] = []
    for (const [s, line] of lines) {
      const g = groups.find((gr) => same(lines.get(gr[0]!)!, line))
      if (g) g.push(s)
      else groups.push([s])
    }
    // Pixel y of each group's end on a log axis, then pushed apart top to bottom by a line height.
    const [lo, hi] = [Math.log(yDomain[0]), Math.log(yDomain[1])]
    const toPx = (v: number) => (1 - (Math.log(v) - lo) / (hi - lo)) * panelHeight
    const ends = groups
      .map((g) => ({ g, v: lines.get(g[0]!)!.get(maxBlock) ?? [...lines.get(g[0]!)!.values()].at(-1)! }))
      .map((e) => ({ ...e, px: toPx(e.v) }))
      .sort((a, b) => a.px - b.px)
    // A group's label is one line per name ("a", "= b"), centred on its end: room of half its lines each side.
    const half = (e: { g: string[] }) => (e.g.length * fontSize * 1.25) / 2
    for (let i = 1; i < ends.length; i++) ends[i]!.px = Math.max(ends[i]!.px, ends[i - 1]!.px + half(ends[i - 1]!) + half(ends[i]!))
    // Pushed past the bottom: shift the whole stack up (a label may sit above the panel's top, never below its axis).
    const over = ends.length ? ends.at(-1)!.px - panelHeight : 0
    if (over > 0) for (const e of ends) e.px -= over
    for (const e of ends) {
      const label_y = Math.exp(lo + (1 - e.px / panelHeight) * (hi - lo))
      out.push({ layer: 'label', workload, strategy: e.g[0], block_size: maxBlock, label_y, label: e.g.map((s, i) => (i ? `= ${s}` : s)) })
    }
  }
  return out
}

/** The longest label's width in px (DejaVu Sans averages about 0.6 em a character): the room right of each panel. */
export const labelRoom = (labels: readonly Record<string, unknown>[], fontSize = 11): number => Math.ceil(Math.max(0, ...labels.flatMap((l) => (l.label as string[]).map((t) => t.length))) * fontSize * 0.6) + 16
