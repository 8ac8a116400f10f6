/**
 * `deltabench report <run-dir>`: builds every chart over the run's rows, writes each as a Vega-Lite spec,
 * an SVG and a PNG under charts/, and writes report.html beside rows.csv.
 */
import { existsSync, mkdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { basename, join, resolve } from 'node:path'
import { buildCharts } from '../charts/index.ts'
import { renderPng, renderSvg } from '../charts/render.ts'
import { ConfigError } from '../../core/errors.ts'
import { readManifest, readRows, VERSION } from '../../core/run-files.ts'
import type { ResultRow } from '../../core/result-row.ts'
import { inlineLibs } from './inline-libs.ts'
import { reportHtml, type ReportChart } from './report-html.ts'
import { summaryLines } from './summary-rows.ts'
import { decide, reportProfiles } from './decision.ts'
import { reproduceCommands } from './reproduce.ts'

export interface ReportOptions {
  /** The run's rows, when the caller has them already (default: read rows.jsonl). */
  rows?: readonly ResultRow[]
  /** Also draw each chart as PNG (default true; the SVG and spec are always written). */
  png?: boolean
}

export interface ReportResult {
  /** Absolute path of report.html. */
  path: string
  /** Charts drawn, with their files; charts not drawn, with the reason. */
  charts: { id: string; files: string[] }[]
  absent: { id: string; reason: string }[]
  ms: number
}

function writeAtomic(path: string, data: string | Uint8Array): void {
  writeFileSync(`${path}.tmp`, data)
  renameSync(`${path}.tmp`, path)
}

export async function writeReport(dir: string, opts: ReportOptions = {}): Promise<ReportResult> {
  const started = performance.now()
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new ConfigError(`report: ${dir} is not a directory; give a run directory such as results/<run-id>`)
  const rows = opts.rows ?? readRows(dir)
  const manifest = readManifest(dir, 'report')
  const { ctx, charts } = buildCharts(rows, manifest ?? undefined)
  const chartsDir = join(dir, 'charts')
  mkdirSync(chartsDir, { recursive: true })
  const result: ReportResult = { path: resolve(dir, 'report.html'), charts: [], absent: [], ms: 0 }
  const pageCharts: ReportChart[] = []
  for (const { builder, outcome } of charts) {
    const stem = join(chartsDir, builder.id)
    if ('absent' in outcome) {
      // A chart drawn by an earlier report of this directory must not outlive its data.
      for (const ext of ['.vl.json', '.svg', '.png']) rmSync(stem + ext, { force: true })
      result.absent.push({ id: builder.id, reason: outcome.absent })
      pageCharts.push({ id: builder.id, title: builder.title, about: builder.about, spec: null, absent: outcome.absent })
      continue
    }
    const files = [`${stem}.vl.json`, `${stem}.svg`]
    writeAtomic(files[0]!, JSON.stringify(outcome.spec, null, 2) + '\n')
    const svg = await renderSvg(outcome.spec)
    writeAtomic(files[1]!, svg)
    if (opts.png ?? true) {
      files.push(`${stem}.png`)
      writeAtomic(files[2]!, renderPng(svg))
    }
    result.charts.push({ id: builder.id, files })
    pageCharts.push({ id: builder.id, title: builder.title, about: builder.about, spec: outcome.spec })
  }
  const profiles = reportProfiles(manifest?.config.profile ?? rows[0]?.est_profile)
  const html = reportHtml({
    runId: rows[0]?.run_id ?? basename(resolve(dir)),
    manifest,
    rowCount: rows.length,
    wrongCount: rows.filter((r) => !r.correct).length,
    summary: summaryLines(rows, ctx),
    decisions: decide(rows, profiles, ctx.workloads),
    profiles,
    reproduce: manifest ? reproduceCommands(manifest, resolve(dir)) : null,
    charts: pageCharts,
    libs: inlineLibs(),
    version: VERSION,
    generated: new Date().toISOString(),
  })
  writeAtomic(result.path, html)
  result.ms = performance.now() - started
  return result
}
