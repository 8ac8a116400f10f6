/**
 * One chart as a slide: the chart's spec fitted into width × height px (panels resized, a panel layout by
 * count) in a light or dark theme, rendered, measured, and resized again until the drawing fits, because
 * Vega-Lite sizes a faceted chart from its panels, titles and legends, not from a target size.
 */
import type { TopLevelSpec } from 'vega-lite'
import { DARK_BACKGROUND, FLOOR_COLOUR, LIGHT_BACKGROUND } from './palette.ts'
import { columnsFor } from './panels.ts'
import { renderSvg } from './render.ts'

export type Theme = 'light' | 'dark'

export interface SlideSize {
  width: number
  height: number
  theme: Theme
}

/** The slide preset: a 1280 × 720 (16:9) slide, light. */
export const SLIDE: SlideSize = { width: 1280, height: 720, theme: 'light' }

/** Text and line colours the charts write for ink on white, and what each becomes on the dark background. */
const DARK_INK: Record<string, string> = { '#000': '#f0f0f0', '#000000': '#f0f0f0', '#111': '#eeeeee', '#222': '#e0e0e0', '#333': '#cccccc', '#555': '#aaaaaa', '#999': '#8a8a8a', '#bbb': '#555555', '#e6e6e6': '#3a3a3a', white: DARK_BACKGROUND, [FLOOR_COLOUR]: '#8fb0c4' }

/** The spec with every ink colour swapped for the dark theme's (walks the whole spec: charts set colours in marks too). */
function darken<T>(node: T): T {
  if (typeof node === 'string') return (DARK_INK[node] ?? node) as T
  if (Array.isArray(node)) return node.map(darken) as T
  if (node && typeof node === 'object') return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, k === 'values' ? v : darken(v)])) as T
  return node
}

export { columnsFor }

/** Multiplies every panel size in the spec (width, height, or a band step) by fx and fy, never below a readable minimum. */
function scalePanels<T>(node: T, fx: number, fy: number): T {
  if (Array.isArray(node)) return node.map((n) => scalePanels(n, fx, fy)) as T
  if (!node || typeof node !== 'object') return node
  const out: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(node)) {
    if (k === 'data' || k === 'config' || k === 'encoding' || k === 'mark' || k === 'title') out[k] = v
    else if ((k === 'width' || k === 'height') && typeof v === 'number') out[k] = Math.max(60, Math.floor(v * (k === 'width' ? fx : fy)))
    else if ((k === 'width' || k === 'height') && v && typeof v === 'object' && 'step' in v) out[k] = { step: Math.max(7, Math.floor((v as { step: number }).step * (k === 'width' ? fx : fy))) }
    else out[k] = scalePanels(v, fx, fy)
  }
  return out as T
}

/** The drawn size of an SVG Vega wrote. */
export function svgSize(svg: string): { width: number; height: number } {
  const m = /<svg[^>]*\swidth="([\d.]+)"[^>]*\sheight="([\d.]+)"/.exec(svg)
  if (!m) throw new Error('slide: the renderer wrote an SVG with no width and height')
  return { width: Number(m[1]), height: Number(m[2]) }
}

/** The spec set up for a slide: the theme, and a facet's panels laid out by their count. */
export function slideSpec(spec: TopLevelSpec, size: SlideSize, panels: number): TopLevelSpec {
  const s = structuredClone(spec) as unknown as Record<string, unknown>
  if ('facet' in s && 'columns' in s) s.columns = columnsFor(panels)
  // Vega's own default ink (titles, legend text) is black: named here so the dark theme can swap it too.
  const c = (s.config ?? {}) as Record<string, Record<string, unknown>>
  const ink = { ...c, title: { color: '#000', ...c.title }, legend: { labelColor: '#222', titleColor: '#222', ...c.legend } }
  return (size.theme === 'dark' ? darken({ ...s, config: { ...ink, background: DARK_BACKGROUND } }) : { ...s, config: { ...(s.config as object), background: LIGHT_BACKGROUND } }) as TopLevelSpec
}

/**
 * Renders the spec to an SVG no larger than the slide: up to five rounds of measure-and-resize (text and
 * legends do not shrink with the panels, so one proportional step falls short), and, if the panels reach
 * their minimum first, the whole drawing scaled down (Vega writes a viewBox, so a smaller width and height
 * scale it).
 */
export async function renderSlide(spec: TopLevelSpec, size: SlideSize, panels: number): Promise<string> {
  let current = slideSpec(spec, size, panels)
  let svg = await renderSvg(current)
  for (let round = 0; round < 5; round++) {
    const got = svgSize(svg)
    if (got.width <= size.width && got.height <= size.height && (got.width >= size.width * 0.9 || got.height >= size.height * 0.9)) return svg
    // Aim a little under the target: the parts that do not scale (text, legends) take the difference.
    const fx = Math.min(2.5, (size.width * 0.97) / got.width)
    const fy = Math.min(2.5, (size.height * 0.97) / got.height)
    const f = Math.min(fx, fy)
    current = scalePanels(current, fx > 1 && fy > 1 ? f : fx, fx > 1 && fy > 1 ? f : fy)
    svg = await renderSvg(current)
  }
  const got = svgSize(svg)
  if (got.width <= size.width && got.height <= size.height) return svg
  const k = Math.min(size.width / got.width, size.height / got.height)
  return svg.replace(/(<svg[^>]*\s)width="([\d.]+)"([^>]*\s)height="([\d.]+)"/, (_m, a: string, w: string, b: string, h: string) => `${a}width="${Math.floor(Number(w) * k)}"${b}height="${Math.floor(Number(h) * k)}"`)
}
