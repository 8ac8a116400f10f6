/**
 * The trade-off: bytes sent against CPU time, one point per strategy and block size, a panel per workload,
 * with the Pareto front (no other configuration has both fewer bytes and less CPU) outlined and joined.
 */
import type { TopLevelSpec } from 'vega-lite'
import type { ResultRow } from '../../core/result-row.ts'
import { cellFigure } from '../../core/aggregation.ts'
import { groupBy } from '../../core/stats.ts'
import { ANY_BLOCK, blockText, cellsOf } from '../cell-figures.ts'
import { chartFrame, runSpreadLines, type ChartBuilder } from './chart.ts'
import { paretoFront } from './pareto.ts'
import { CELL_TIPS, LEGEND_PICK, logEncoding, PICK_OPACITY, strategyColour, tooltip } from './encodings.ts'
import { blockLabel, bytes, formatMs, formatSpread } from './format.ts'
import { workloadPanels } from './panels.ts'

/** One shape per block size, in size order; more block sizes than shapes reuse them in turn. */
const SHAPES = ['circle', 'square', 'triangle-up', 'diamond', 'cross', 'triangle-down', 'triangle-right', 'triangle-left']

/** The points of one workload: bytes and CPU per sync over seeds, each marked on or off its Pareto front. */
function workloadPoints(workload: string, rows: readonly ResultRow[]): Record<string, unknown>[] {
  const points: Record<string, unknown>[] = []
  for (const cell of cellsOf(rows)) {
    const b = cellFigure(cell.rows, (r) => r.bytes_total)
    const c = cellFigure(cell.rows, (r) => r.sender_cpu_ms + r.receiver_cpu_ms)
    if (!b || !c || b.min <= 0 || c.min <= 0) continue
    points.push({
      strategy: cell.strategy,
      block_size: cell.blockSize,
      workload,
      bytes: b.median,
      bytes_min: b.min,
      bytes_max: b.max,
      cpu: c.median,
      cpu_min: c.min,
      cpu_max: c.max,
      block: blockText(cell.blockSize),
      sent: formatSpread(b, bytes),
      cpu_text: formatSpread(c, formatMs),
    })
  }
  const front = paretoFront(points.map((p) => ({ x: p.cpu as number, y: p.bytes as number })))
  points.forEach((p, i) => {
    p.pareto = front.has(i)
    p.pareto_text = front.has(i) ? 'yes' : 'no'
  })
  return points
}

/** The smallest and largest of two fields over the points: a log axis's range. */
const range = (points: readonly Record<string, unknown>[], lo: string, hi: string): [number, number] => {
  const values = points.flatMap((p) => [p[lo] as number, p[hi] as number])
  return [Math.min(...values), Math.max(...values)]
}

export const tradeoff: ChartBuilder = {
  id: 'tradeoff-bytes-vs-cpu',
  title: 'Trade-off: bytes sent vs CPU time',
  about: 'Each point is a strategy at one block size. Outlined points joined by the black line form the Pareto front: nothing else in that workload sends fewer bytes with less CPU.',
  build(rows, ctx) {
    const points = groupBy(rows, ['workload']).flatMap((w) => workloadPoints(w.key.workload, w.rows))
    if (points.length === 0) return { absent: 'no sync with bytes and measurable CPU' }
    const xEnc = logEncoding('cpu', 'decimal', range(points, 'cpu_min', 'cpu_max'), 'CPU per sync, both halves (ms, log scale)')
    const yEnc = logEncoding('bytes', 'bytes', range(points, 'bytes_min', 'bytes_max'), 'Bytes sent per sync (log scale)')
    // "any" (a strategy that ignores the block size) gets a shape of its own, first.
    const blocks = [...(points.some((p) => p.block === ANY_BLOCK) ? [ANY_BLOCK] : []), ...ctx.blockSizes.map(blockLabel)]
    const whisker = { type: 'rule' as const, strokeWidth: 1.5, opacity: 0.6 }
    const title = {
      text: this.title,
      subtitle: ['Colour: strategy; shape: block size. Black outline and line: the Pareto front (nothing sends fewer bytes with less CPU).', ...runSpreadLines(ctx)],
    }
    const spec: TopLevelSpec = {
      ...chartFrame(title, points),
      ...workloadPanels(ctx, 300, 220, [
        {
          transform: [{ filter: 'datum.pareto' }],
          mark: { type: 'line', color: '#000', strokeWidth: 1.2, opacity: 0.7 },
          encoding: { x: xEnc, y: yEnc, order: { field: 'cpu', type: 'quantitative' } },
        },
        { mark: whisker, encoding: { x: { ...xEnc, field: 'cpu_min' }, x2: { field: 'cpu_max' }, y: yEnc, color: strategyColour(ctx) } },
        { mark: whisker, encoding: { x: xEnc, y: { ...yEnc, field: 'bytes_min' }, y2: { field: 'bytes_max' }, color: strategyColour(ctx) } },
        {
          params: [LEGEND_PICK],
          mark: { type: 'point', filled: true, size: 90 },
          encoding: {
            x: xEnc,
            y: yEnc,
            color: strategyColour(ctx),
            shape: { field: 'block', type: 'nominal', sort: blocks, scale: { domain: blocks, range: blocks.map((_, i) => SHAPES[i % SHAPES.length]!) }, legend: { title: 'Block size', orient: 'bottom', symbolFillColor: '#555', symbolStrokeWidth: 0 } },
            stroke: { condition: { test: 'datum.pareto', value: '#000' }, value: null },
            strokeWidth: { condition: { test: 'datum.pareto', value: 2 }, value: 0 },
            opacity: PICK_OPACITY,
            tooltip: tooltip({ ...CELL_TIPS, sent: 'Bytes sent per sync', cpu_text: 'CPU per sync (both halves)', pareto_text: 'On the Pareto front' }),
          },
        },
      ]),
    }
    return { spec }
  },
}
