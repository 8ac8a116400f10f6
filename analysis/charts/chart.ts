/**
 * What every chart builder shares: the context it is built in (which strategies, workloads, block sizes
 * and seeds the run has, in run order), the look (one font, sizes readable in a PNG), the top of every spec,
 * and the words under a chart about the run and its spread. Recurring encodings are in encodings.ts.
 */
import type { Config, TopLevelSpec } from 'vega-lite'
import { aggregationSentence } from '../../core/aggregation.ts'
import type { ResultRow } from '../../core/result-row.ts'
import { blockLabel } from './format.ts'

/** The font named in every chart: installed by fonts-dejavu-core, so SVG → PNG shows real text. */
export const FONT = 'DejaVu Sans'

/** The Vega-Lite schema the specs declare (the library that compiles them is vega-lite 6). */
const VEGA_LITE_SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json'

export interface ChartContext {
  /** In the order the run lists them. */
  strategies: string[]
  workloads: string[]
  blockSizes: number[]
  seeds: string[]
  /** One line on what the run was, for subtitles: "16 MiB mixed content, 3 epochs, seeds 1, 2". */
  runLine: string
}

/** A chart that applies to the run, or why it does not (e.g. no tracking strategy ran). */
export type ChartOutcome = { spec: TopLevelSpec } | { absent: string }

export interface ChartBuilder {
  /** File name stem under charts/: bytes-vs-block-size → charts/bytes-vs-block-size.svg. */
  id: string
  title: string
  /** What a reviewer reads it for, one or two sentences. */
  about: string
  build(rows: readonly ResultRow[], ctx: ChartContext): ChartOutcome
}

/** The look every chart shares: one font, sizes readable in a PNG at twice the size, quiet grid lines. */
function chartConfig(): Config {
  return {
    font: FONT,
    background: 'white',
    padding: 12,
    title: { fontSize: 16, subtitleFontSize: 12, subtitleColor: '#333', anchor: 'start', offset: 12, subtitlePadding: 4 },
    axis: { labelFontSize: 11, titleFontSize: 12, titleFontWeight: 'normal', titleColor: '#222', labelColor: '#222', gridColor: '#e6e6e6' },
    legend: { labelFontSize: 12, titleFontSize: 12, titleFontWeight: 'bold', labelLimit: 320, symbolSize: 120, symbolOpacity: 1 },
    header: { labelFontSize: 13, labelFontWeight: 'bold', titleFontSize: 12, titleFontWeight: 'normal', labelColor: '#111' },
    view: { stroke: '#bbb' },
    text: { font: FONT },
  }
}

/** The top of every spec: schema, title, the shared look, and the chart's data (spread first into the spec). */
export function chartFrame(title: NonNullable<TopLevelSpec['title']>, values: Record<string, unknown>[]) {
  return { $schema: VEGA_LITE_SCHEMA, title, config: chartConfig(), data: { values } }
}

/** Builds the context from the rows (and the manifest's config when there is one, for the run line). */
export function chartContext(rows: readonly ResultRow[], run?: { size: number; epochs: number; content: string }): ChartContext {
  const uniq = <T>(xs: T[]) => [...new Set(xs)]
  const seeds = uniq(rows.map((r) => r.seed))
  const parts: string[] = []
  // A file pair is the user's own two images: the configured size, content and epochs do not apply.
  const filePair = rows.length > 0 && rows.every((r) => r.workload === 'file-pair')
  if (filePair) parts.push(`your own file pair, ${formatSize(Math.max(...rows.map((r) => r.volume_bytes)))} target, one sync`)
  else if (run) parts.push(`${formatSize(run.size)} ${run.content} content, ${run.epochs} epoch${run.epochs === 1 ? '' : 's'}`)
  parts.push(`${seeds.length === 1 ? 'seed' : 'seeds'} ${seeds.join(', ')}`)
  return {
    strategies: uniq(rows.map((r) => r.strategy)),
    workloads: uniq(rows.map((r) => r.workload)),
    // A strategy that ignores the block size ran at its own default, which need not be one of the sweep's.
    blockSizes: uniq((rows.some((r) => r.uses_block_size) ? rows.filter((r) => r.uses_block_size) : rows).map((r) => r.block_size)).sort((a, b) => a - b),
    seeds,
    runLine: parts.join(', '),
  }
}

/** Exact when the size is a whole number of units (16 MiB), else rounded (293 KiB). */
const formatSize = blockLabel

/** The context narrowed to the strategies these rows (or cells) have, in run order: a chart of a subset. */
export function narrowContext(ctx: ChartContext, rows: readonly { strategy: string }[]): ChartContext {
  return { ...ctx, strategies: ctx.strategies.filter((s) => rows.some((r) => r.strategy === s)) }
}

/** Where a chart's min–max over seeds shows (default: whiskers). */
export interface SpreadShown {
  minMax?: 'whiskers' | 'tooltip'
}

/** Where a chart's spread over seeds shows; honest about a single seed. */
export function spreadNote(ctx: ChartContext, { minMax = 'whiskers' }: SpreadShown = {}): string {
  if (ctx.seeds.length <= 1) return `One seed only (${ctx.seeds[0]}): a single run, no spread to show.`
  return minMax === 'whiskers' ? `Whiskers span min–max over the ${ctx.seeds.length} seeds.` : `Min–max over the ${ctx.seeds.length} seeds in the tooltip.`
}

/** The subtitle lines most charts end with: what the run was and where its spread shows, then how its figures are folded (the one aggregation, core/aggregation.ts). */
export function runSpreadLines(ctx: ChartContext, shown?: SpreadShown): string[] {
  return [`${ctx.runLine}. ${spreadNote(ctx, shown)}`, aggregationSentence()]
}
