/**
 * `deltabench report <run-dir> --chart <id> --out F [--format svg|png] [--width W --height H] [--theme
 * light|dark]`: one chart of a run drawn to one file fitted to a slide (default 1280 × 720, light), instead
 * of the whole report. Every flag is checked before anything is read or written.
 */
import { existsSync, renameSync, statSync, writeFileSync } from 'node:fs'
import { extname } from 'node:path'
import { CHARTS } from '../charts/index.ts'
import { chartContext } from '../charts/chart.ts'
import { renderPng } from '../charts/render.ts'
import { renderSlide, SLIDE, type SlideSize } from '../charts/slide.ts'
import { DARK_BACKGROUND } from '../charts/palette.ts'
import { ConfigError } from '../../core/errors.ts'
import { readManifest, readRows } from '../../core/run-files.ts'

export interface OneChart {
  chart: string
  out: string
  /** svg or png; absent: from --out's extension. */
  format?: string
  /** The slide's size in px (absent: 1280 × 720) and theme (absent: light), as typed. */
  width?: string
  height?: string
  theme?: string
}

/** A slide dimension: a whole number of px in 320–7680 (a phone to an 8K screen). */
function slidePx(flag: 'width' | 'height', text: string | undefined): number {
  if (text === undefined) return SLIDE[flag]
  const n = Number(text)
  if (!/^\d+$/.test(text) || n < 320 || n > 7680) throw new ConfigError(`report --${flag} ${text}: give a whole number of pixels from 320 to 7680, e.g. --${flag} ${SLIDE[flag]}`)
  return n
}

/** The slide size and theme asked for, checked. */
export function checkSlide(o: Pick<OneChart, 'width' | 'height' | 'theme'>): SlideSize {
  const theme = o.theme ?? SLIDE.theme
  if (theme !== 'light' && theme !== 'dark') throw new ConfigError(`report --theme ${theme}: choose light or dark`)
  return { width: slidePx('width', o.width), height: slidePx('height', o.height), theme }
}

/** The chart builder and format asked for, or a ConfigError naming what there is. */
export function checkOneChart(o: OneChart): { id: string; format: 'svg' | 'png'; slide: SlideSize } {
  const slide = checkSlide(o)
  const builder = CHARTS.find((c) => c.id === o.chart)
  if (!builder) throw new ConfigError(`report --chart ${o.chart}: no such chart; choose one of ${CHARTS.map((c) => c.id).join(', ')}`)
  const fromName = extname(o.out).slice(1).toLowerCase()
  const format = o.format ?? fromName
  if (format !== 'svg' && format !== 'png') throw new ConfigError(`report --format ${format || '(none)'}: choose svg or png (or give --out a .svg or .png name)`)
  if (o.format && (fromName === 'svg' || fromName === 'png') && fromName !== format) throw new ConfigError(`report --out ${o.out} ends in .${fromName} but --format is ${format}: make them agree`)
  if (existsSync(o.out) && statSync(o.out).isDirectory()) throw new ConfigError(`report --out ${o.out} is a folder; give a file name, e.g. ${o.out}/${o.chart}.${format}`)
  return { id: builder.id, format, slide }
}

/** Draws one chart of the run in `dir` to `o.out`; says why when the run has nothing for it. */
export async function writeOneChart(dir: string, o: OneChart): Promise<string> {
  const { id, format, slide } = checkOneChart(o)
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new ConfigError(`report: ${dir} is not a directory; give a run directory such as results/<run-id>`)
  const rows = readRows(dir)
  const manifest = readManifest(dir, 'report')
  const ctx = chartContext(rows, manifest?.config)
  const outcome = CHARTS.find((c) => c.id === id)!.build(rows, ctx)
  if ('absent' in outcome) throw new ConfigError(`report --chart ${id}: not drawn for ${dir}: ${outcome.absent}`)
  const svg = await renderSlide(outcome.spec, slide, ctx.workloads.length)
  // Written beside and renamed, so a reader never sees half a file.
  writeFileSync(`${o.out}.tmp`, format === 'svg' ? svg : renderPng(svg, 2, slide.theme === 'dark' ? DARK_BACKGROUND : 'white'))
  renameSync(`${o.out}.tmp`, o.out)
  return o.out
}
