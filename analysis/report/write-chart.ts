/**
 * `deltabench report <run-dir> --chart <id> --out F [--format svg|png]`: one chart of a run drawn to one
 * file (a slide, a design review), instead of the whole report. Every flag is checked before anything is
 * read or written.
 */
import { existsSync, renameSync, statSync, writeFileSync } from 'node:fs'
import { extname } from 'node:path'
import { CHARTS } from '../charts/index.ts'
import { chartContext } from '../charts/chart.ts'
import { renderPng, renderSvg } from '../charts/render.ts'
import { ConfigError } from '../../core/errors.ts'
import { readManifest, readRows } from '../../core/run-files.ts'

export interface OneChart {
  chart: string
  out: string
  /** svg or png; absent: from --out's extension. */
  format?: string
}

/** The chart builder and format asked for, or a ConfigError naming what there is. */
export function checkOneChart(o: OneChart): { id: string; format: 'svg' | 'png' } {
  const builder = CHARTS.find((c) => c.id === o.chart)
  if (!builder) throw new ConfigError(`report --chart ${o.chart}: no such chart; choose one of ${CHARTS.map((c) => c.id).join(', ')}`)
  const fromName = extname(o.out).slice(1).toLowerCase()
  const format = o.format ?? fromName
  if (format !== 'svg' && format !== 'png') throw new ConfigError(`report --format ${format || '(none)'}: choose svg or png (or give --out a .svg or .png name)`)
  if (o.format && (fromName === 'svg' || fromName === 'png') && fromName !== format) throw new ConfigError(`report --out ${o.out} ends in .${fromName} but --format is ${format}: make them agree`)
  if (existsSync(o.out) && statSync(o.out).isDirectory()) throw new ConfigError(`report --out ${o.out} is a folder; give a file name, e.g. ${o.out}/${o.chart}.${format}`)
  return { id: builder.id, format }
}

/** Draws one chart of the run in `dir` to `o.out`; says why when the run has nothing for it. */
export async function writeOneChart(dir: string, o: OneChart): Promise<string> {
  const { id, format } = checkOneChart(o)
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new ConfigError(`report: ${dir} is not a directory; give a run directory such as results/<run-id>`)
  const rows = readRows(dir)
  const manifest = readManifest(dir, 'report')
  const outcome = CHARTS.find((c) => c.id === id)!.build(rows, chartContext(rows, manifest?.config))
  if ('absent' in outcome) throw new ConfigError(`report --chart ${id}: not drawn for ${dir}: ${outcome.absent}`)
  const svg = await renderSvg(outcome.spec)
  // Written beside and renamed, so a reader never sees half a file.
  writeFileSync(`${o.out}.tmp`, format === 'svg' ? svg : renderPng(svg))
  renameSync(`${o.out}.tmp`, o.out)
  return o.out
}
