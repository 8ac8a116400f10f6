/**
 * Direct labels for the points of a log-log panel, placed where they collide with no other label and no
 * point: Vega-Lite has no label layout of its own, so each label's anchor is worked out here in pixels and
 * handed back in data units, for a text mark to draw at (label_x, label_y).
 */

export interface LabelInput {
  x: number
  y: number
  text: string
}

export interface PlacedLabel {
  /** The anchor in data units (the text starts there when align is left, ends there when right). */
  label_x: number
  label_y: number
  align: 'left' | 'right'
  /** Moved away from its point: draw a leader line from the point to the anchor. */
  leader: boolean
}

export interface PanelGeometry {
  width: number
  height: number
  xDomain: readonly [number, number]
  yDomain: readonly [number, number]
  fontSize: number
}

interface Box {
  x0: number
  y0: number
  x1: number
  y1: number
}

/** DejaVu Sans averages about 0.6 em a character in digits and lower case: a slight overestimate is safe. */
const CHAR_EM = 0.6
const POINT_RADIUS = 6
const GAP = 8
/** How many lines up or down a label may move from its point before it takes the least crowded spot. */
const MAX_STEPS = 12

/** Where a label may go, tried in order: beside the point first, then stepped up and down with a leader. */
function candidates(lineHeight: number): { dx: number; dy: number; align: 'left' | 'right' }[] {
  const out: { dx: number; dy: number; align: 'left' | 'right' }[] = []
  for (let k = 0; k <= 2 * MAX_STEPS; k++) {
    const step = k % 2 ? (k + 1) / 2 : -k / 2 // 0, 1, -1, 2, -2, …
    for (const align of ['left', 'right'] as const) out.push({ dx: align === 'left' ? GAP : -GAP, dy: step * lineHeight, align })
  }
  return out
}

const overlap = (a: Box, b: Box) => Math.max(0, Math.min(a.x1, b.x1) - Math.max(a.x0, b.x0)) * Math.max(0, Math.min(a.y1, b.y1) - Math.max(a.y0, b.y0))

/** Places every label, the points lowest on the panel (fewest bytes) first, so the front gets the best spots. */
export function placeLabels(points: readonly LabelInput[], g: PanelGeometry): PlacedLabel[] {
  const lx = (v: number) => Math.log(v)
  const [x0, x1] = [lx(g.xDomain[0]), lx(g.xDomain[1])]
  const [y0, y1] = [lx(g.yDomain[0]), lx(g.yDomain[1])]
  const px = points.map((p) => ({ x: ((lx(p.x) - x0) / (x1 - x0)) * g.width, y: (1 - (lx(p.y) - y0) / (y1 - y0)) * g.height }))
  const taken: Box[] = px.map((p) => ({ x0: p.x - POINT_RADIUS, y0: p.y - POINT_RADIUS, x1: p.x + POINT_RADIUS, y1: p.y + POINT_RADIUS }))
  const lineHeight = Math.ceil(g.fontSize * 1.3)
  const order = points.map((_, i) => i).sort((a, b) => px[b]!.y - px[a]!.y)
  const placed: PlacedLabel[] = new Array(points.length)
  for (const i of order) {
    const p = px[i]!
    const w = points[i]!.text.length * g.fontSize * CHAR_EM
    let best: { box: Box; c: ReturnType<typeof candidates>[number]; cost: number } | undefined
    for (const c of candidates(lineHeight)) {
      const ax = p.x + c.dx
      const ay = p.y + c.dy
      const box = { x0: c.align === 'left' ? ax : ax - w, x1: c.align === 'left' ? ax + w : ax, y0: ay - lineHeight / 2, y1: ay + lineHeight / 2 }
      // Outside the panel costs like a collision.
      const outside = Math.max(0, -box.x0) + Math.max(0, box.x1 - g.width) + Math.max(0, -box.y0) + Math.max(0, box.y1 - g.height)
      const clash = taken.reduce((s, t) => s + overlap(box, t), 0) + outside * lineHeight
      if (!best || clash < best.cost) best = { box, c, cost: clash }
      if (clash === 0) break // candidates come nearest first: the first free spot is the nearest
    }
    taken.push(best!.box)
    const ax = p.x + best!.c.dx
    const ay = p.y + best!.c.dy
    placed[i] = {
      label_x: Math.exp(x0 + (ax / g.width) * (x1 - x0)),
      label_y: Math.exp(y0 + (1 - ay / g.height) * (y1 - y0)),
      align: best!.c.align,
      leader: best!.c.dy !== 0,
    }
  }
  return placed
}
