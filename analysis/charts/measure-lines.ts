/**
 * The shape several charts share: a measure (or two, three) against block size, a line per strategy in its
 * colour, the measure told apart by dash, a panel per workload, log y, whiskers for min–max over seeds.
 */
import type { TopLevelSpec } from 'vega-lite'
import type { ResultRow } from '../../core/result-row.ts'
import { cellFigure } from '../../core/aggregation.ts'
import { blockText, cellsOf, type Cell } from '../cell-figures.ts'
import { anyBlockNote, drawnBlockSizes, lineLabelLayer, pickedLine, seedWhiskers } from './block-size-lines.ts'
import { labelRoom, lineEndLabels, type LinePoint } from './line-labels.ts'
import { chartFrame, narrowContext, runSpreadLines, type ChartContext, type ChartOutcome } from './chart.ts'
import { CELL_TIPS, logEncoding, tooltip } from './encodings.ts'
import { formatSpread } from './format.ts'
import { workloadPanels } from './panels.ts'

export interface Measure {
  /** The legend's words for it. */
  name: string
  /** Its value for one row, or null where it does not apply. */
  value: (r: ResultRow) => number | null
  /** Dash pattern: [1, 0] solid, [6, 3] dashed, [2, 2] dotted. */
  dash: number[]
  /** What the figure is made of, for the tooltip (e.g. state by kind); absent when it is one thing. */
  detail?: (cell: Cell) => string
}

export interface MeasureLines {
  title: string
  subtitle: string[]
  measures: Measure[]
  measureTitle: string
  y: { kind: 'bytes' | 'decimal'; title: string; format: (n: number) => string; valueTitle: string }
}

/** Builds the chart, or says why there is nothing to draw; a measure at 0 on some seed is named in the subtitle instead. */
export function measureLines(rows: readonly ResultRow[], ctx: ChartContext, m: MeasureLines): ChartOutcome {
  const points: Record<string, unknown>[] = []
  const zero = new Map<string, Set<string>>()
  for (const c of cellsOf(rows)) {
    for (const measure of m.measures) {
      const s = cellFigure(c.rows, measure.value)
      if (!s) continue
      // A log axis has no 0: such a series is named in the subtitle instead of drawn.
      if (s.min <= 0) {
        zero.set(measure.name, (zero.get(measure.name) ?? new Set()).add(c.strategy))
        continue
      }
      const point = { strategy: c.strategy, workload: c.workload, measure: measure.name, median: s.median, min: s.min, max: s.max, text: formatSpread(s, m.y.format), block: blockText(c.blockSize), detail: measure.detail?.(c) ?? '' }
      for (const block_size of drawnBlockSizes(c, ctx)) points.push({ ...point, block_size })
    }
  }
  if (points.length === 0) return { absent: 'nothing above zero to draw on a log scale' }
  const values = points.flatMap((p) => [p.min as number, p.max as number])
  const yEnc = logEncoding('median', m.y.kind, [Math.min(...values), Math.max(...values)], m.y.title)
  const shown = m.measures.filter((x) => points.some((p) => p.measure === x.name))
  const dash = {
    field: 'measure',
    type: 'nominal' as const,
    scale: { domain: shown.map((x) => x.name), range: shown.map((x) => x.dash) },
    legend: {
      title: m.measureTitle,
      orient: 'bottom' as const,
      direction: 'vertical' as const,
      symbolType: 'stroke',
      symbolStrokeWidth: 2,
      symbolSize: 400,
      // Vega-Lite would fill the legend's line symbols instead of stroking them: draw them as lines.
      encode: { symbols: { update: { stroke: { value: '#333' }, fill: { value: 'transparent' } } } },
    },
  }
  const subtitle = [...m.subtitle, ...anyBlockNote(rows)]
  if (zero.size) subtitle.push(`Not drawn (0 on some seed, and a log axis has no 0): ${[...zero].map(([name, who]) => `${name} (${[...who].join(', ')})`).join('; ')}.`)
  // Direct labels at the line ends when a panel has one line per strategy (one measure); with several the legend names them.
  // Spaced for a slide's panel height (about 2× the report's).
  const labels = shown.length === 1 ? lineEndLabels(points as unknown as LinePoint[], yEnc.scale.domain, 400) : []
  const strategyLayer = { transform: [{ filter: "datum.layer !== 'label'" }] }
  const spec: TopLevelSpec = {
    ...chartFrame({ text: m.title, subtitle }, [...points, ...labels]),
    ...workloadPanels(ctx, 300, 200, [
      { ...strategyLayer, ...seedWhiskers(ctx, yEnc, { opacity: 0.5, detail: { field: 'measure' } }) },
      { ...strategyLayer, ...pickedLine(ctx, yEnc, { pointSize: 40, strokeDash: dash, tooltip: tooltip({ ...CELL_TIPS, measure: m.measureTitle, text: m.y.valueTitle, ...(m.measures.some((x) => x.detail) ? { detail: 'Made of' } : {}) }) }) },
      ...(labels.length ? [lineLabelLayer(ctx, yEnc)] : []),
    ], labels.length ? labelRoom(labels) : undefined),
  }
  return { spec }
}

/**
 * Measure lines over the tracking strategies alone (the rows where `column` is filled), or why there are
 * none; the subtitle then says what the run was and how its figures are folded.
 */
export function trackingLines(rows: readonly ResultRow[], ctx: ChartContext, column: 'tracker_ms' | 'tracker_state_bytes', m: Omit<MeasureLines, 'subtitle'> & { legend: string }): ChartOutcome {
  const tracked = rows.filter((r) => r[column] !== null)
  if (tracked.length === 0) return { absent: `no tracking strategy ran (no row has ${column})` }
  return measureLines(tracked, narrowContext(ctx, tracked), { ...m, subtitle: [m.legend, ...runSpreadLines(ctx)] })
}
