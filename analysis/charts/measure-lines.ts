/**
 * The shape several charts share: a measure (or two, three) against block size, a line per strategy in its
 * colour, the measure told apart by dash, a panel per workload, log y, whiskers for min–max over seeds.
 */
import type { TopLevelSpec } from 'vega-lite'
import type { ResultRow } from '../../core/result-row.ts'
import { acrossSeeds, meanPerSync } from './aggregate.ts'
import { groupBy } from '../../core/stats.ts'
import { blockSizeX, chartConfig, strategyColour, VEGA_LITE_SCHEMA, type ChartContext, LEGEND_PICK, PICK_OPACITY, workloadPanels } from './chart.ts'
import { blockLabel, bytesExpr, formatSpread, logTicks } from './format.ts'

export interface Measure {
  /** The legend's words for it. */
  name: string
  /** Its value for one row, or null where it does not apply. */
  value: (r: ResultRow) => number | null
  /** Dash pattern: [1, 0] solid, [6, 3] dashed, [2, 2] dotted. */
  dash: number[]
}

export interface MeasureLines {
  title: string
  subtitle: string[]
  measures: Measure[]
  measureTitle: string
  y: { kind: 'bytes' | 'decimal'; title: string; format: (n: number) => string; valueTitle: string }
}

/** Builds the chart, or says why there is nothing to draw. `notDrawn` lists measures dropped for a zero on some seed. */
export function measureLines(rows: readonly ResultRow[], ctx: ChartContext, m: MeasureLines): { spec: TopLevelSpec } | { absent: string } {
  const points: Record<string, unknown>[] = []
  const zero = new Set<string>()
  for (const g of groupBy(rows, ['strategy', 'workload', 'block_size'])) {
    for (const measure of m.measures) {
      const s = acrossSeeds(g.rows, meanPerSync(measure.value))
      if (!s) continue
      // A log axis has no 0: such a series is named in the subtitle instead of drawn.
      if (s.min <= 0) {
        zero.add(measure.name)
        continue
      }
      points.push({ ...g.key, measure: measure.name, median: s.median, min: s.min, max: s.max, text: formatSpread(s, m.y.format), block: blockLabel(g.key.block_size) })
    }
  }
  if (points.length === 0) return { absent: 'nothing above zero to draw on a log scale' }
  const values = points.flatMap((p) => [p.min as number, p.max as number])
  const y = logTicks(Math.min(...values), Math.max(...values), m.y.kind)
  const yEnc = {
    field: 'median',
    type: 'quantitative' as const,
    scale: { type: 'log' as const, domain: y.domain, nice: false },
    axis: m.y.kind === 'bytes' ? { values: y.values, labelExpr: bytesExpr('datum.value'), title: m.y.title } : { values: y.values, format: '~g', title: m.y.title },
  }
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
  const subtitle = [...m.subtitle]
  if (zero.size) subtitle.push(`Not drawn (0 on some seed, and a log axis has no 0): ${[...zero].join(', ')}.`)
  const spec: TopLevelSpec = {
    $schema: VEGA_LITE_SCHEMA,
    title: { text: m.title, subtitle },
    config: chartConfig(),
    data: { values: points },
    ...workloadPanels(ctx),
    spec: {
      width: 300,
      height: 200,
      layer: [
        {
          mark: { type: 'rule', strokeWidth: 2, opacity: 0.5 },
          encoding: { x: blockSizeX(ctx), y: { ...yEnc, field: 'min' }, y2: { field: 'max' }, color: strategyColour(ctx), detail: { field: 'measure' } },
        },
        {
          params: [LEGEND_PICK],
          mark: { type: 'line', point: { size: 40, filled: true }, strokeWidth: 2 },
          encoding: {
            x: blockSizeX(ctx),
            y: yEnc,
            color: strategyColour(ctx),
            strokeDash: dash,
            opacity: PICK_OPACITY,
            tooltip: [
              { field: 'strategy', title: 'Strategy' },
              { field: 'workload', title: 'Workload' },
              { field: 'block', title: 'Block size' },
              { field: 'measure', title: m.measureTitle },
              { field: 'text', title: m.y.valueTitle },
            ],
          },
        },
      ],
    },
  }
  return { spec }
}
