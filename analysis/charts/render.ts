/**
 * Headless rendering: Vega-Lite → Vega → SVG through a vega View with no renderer (no browser, no canvas),
 * then SVG → PNG with resvg and the system's fonts, so the chart's named font (DejaVu Sans) draws real text.
 */
import { Resvg } from '@resvg/resvg-js'
import { parse, View } from 'vega'
import { compile, type TopLevelSpec } from 'vega-lite'
import { FONT } from './chart.ts'
import { useDejaVuMetrics } from './text-metrics.ts'

export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  useDejaVuMetrics()
  const vg = compile(spec).spec
  const view = new View(parse(vg), { renderer: 'none' })
  try {
    return await view.toSVG()
  } finally {
    view.finalize()
  }
}

/** PNG at twice the SVG's size, so text stays crisp when the image is scaled on a screen or slide. */
export function renderPng(svg: string, scale = 2, background = 'white'): Uint8Array {
  const resvg = new Resvg(svg, {
    font: { loadSystemFonts: true, defaultFontFamily: FONT },
    fitTo: { mode: 'zoom', value: scale },
    background,
  })
  return resvg.render().asPng()
}
