/**
 * The trade-off: bytes sent (both directions) against CPU (sender + receiver), one point per series and
 * block size, a panel per workload, log scales, the Pareto front (no other point has both fewer bytes
 * and less CPU) outlined and joined, and every point labelled directly with its series and block size.
 */
import type { TopLevelSpec } from 'vega-lite'
import type { ResultRow } from '../../core/result-row.ts'
import { ANY_BLOCK } from '../cell-figures.ts'
import { chartFrame, runSpreadLines, type ChartBuilder } from './chart.ts'
import { CELL_TIPS, LEGEND_PICK, logEncoding, PICK_OPACITY, strategyColour, tooltip } from './encodings.ts'
import { blockLabel, logTicks } from './format.ts'
import { placeLabels } from './label-placement.ts'
import { workloadPanels } from './panels.ts'
import { tradeoffPoints, type TradeoffPoint } from './tradeoff-points.ts'

/** One shape per block size, in size order; more block sizes than shapes reuse them in turn. */
const SHAPES = ['circle', 'square', 'triangle-up', 'diamond', 'cross', 'triangle-down', 'triangle-right', 'triangle-left']
const LABEL_FONT = 10

/** The smallest and largest of two fields over the points: a log axis's range. */
const range = (points: readonly TradeoffPoint[], lo: 'cpu_min' | 'bytes_min', hi: 'cpu_max' | 'bytes_max'): [number, number] => {
  const values = points.flatMap((p) => [p[lo], p[hi]])
  return [Math.min(...values), Math.max(...values)]
}

/** Panel size: one workload gets a slide-sized panel (room for its labels), several get small multiples. */
const panelSize = (workloads: number) => (workloads === 1 ? { width: 760, height: 460 } : { width: 380, height: 260 })

/** The points with their label anchors, placed panel by panel (each panel shares the chart's log domains). */
function labelled(points: TradeoffPoint[], workloads: readonly string[], xDomain: [number, number], yDomain: [number, number]) {
  const size = panelSize(workloads.length)
  return workloads.flatMap((w) => {
    const mine = points.filter((p) => p.workload === w)
    const spots = placeLabels(mine.map((p) => ({ x: p.cpu, y: p.bytes, text: p.label })), { ...size, xDomain, yDomain, fontSize: LABEL_FONT })
    return mine.map((p, i) => ({ ...p, ...spots[i]! }))
  })
}

export const tradeoff: ChartBuilder = {
  id: 'tradeoff-bytes-vs-cpu',
  title: 'Trade-off: bytes sent vs CPU time',
  about: 'Each point is a strategy (with the options that set it apart) at one block size, labelled. Outlined points joined by the black line form the Pareto front: nothing else in that workload sends fewer bytes with less CPU; along it, read off what each KB saved costs in CPU.',
  build(rows: readonly ResultRow[], ctx) {
    const raw = tradeoffPoints(rows)
    if (raw.length === 0) return { absent: 'no sync with bytes and measurable CPU' }
    const workloads = ctx.workloads.filter((w) => raw.some((p) => p.workload === w))
    const [cpuRange, bytesRange] = [range(raw, 'cpu_min', 'cpu_max'), range(raw, 'bytes_min', 'bytes_max')]
    const points = labelled(raw, workloads, logTicks(...cpuRange, 'decimal').domain, logTicks(...bytesRange, 'bytes').domain)
    const xEnc = logEncoding('cpu', 'decimal', cpuRange, 'CPU per sync, both sides (ms, log scale)')
    const yEnc = logEncoding('bytes', 'bytes', bytesRange, 'Bytes per sync, both directions, framing included (log scale)')
    // "any" (a strategy that ignores the block size) gets a shape of its own, first.
    const blocks = [...(points.some((p) => p.block === ANY_BLOCK) ? [ANY_BLOCK] : []), ...ctx.blockSizes.map(blockLabel)]
    const whisker = { type: 'rule' as const, strokeWidth: 1.5, opacity: 0.6 }
    const labelAt = { x: { ...xEnc, field: 'label_x' }, y: { ...yEnc, field: 'label_y' } }
    const text = (align: 'left' | 'right') => ({
      transform: [{ filter: `datum.align === '${align}'` }],
      mark: { type: 'text' as const, align, baseline: 'middle' as const, fontSize: LABEL_FONT, color: '#222' },
      encoding: { ...labelAt, text: { field: 'label' }, opacity: PICK_OPACITY },
    })
    const title = {
      text: this.title,
      subtitle: [
        'x: CPU per sync of sender + receiver, child processes included; y: bytes per sync, down + up. Colour: strategy; shape: block size; each point labelled.',
        'Black outline and line: the Pareto front (nothing sends fewer bytes with less CPU).',
        ...runSpreadLines(ctx),
      ],
    }
    const { width, height } = panelSize(workloads.length)
    const spec: TopLevelSpec = {
      ...chartFrame(title, points),
      ...workloadPanels({ ...ctx, workloads }, width, height, [
        {
          transform: [{ filter: 'datum.pareto' }],
          mark: { type: 'line', color: '#000', strokeWidth: 1.2, opacity: 0.7 },
          encoding: { x: xEnc, y: yEnc, order: { field: 'cpu', type: 'quantitative' } },
        },
        { mark: whisker, encoding: { x: { ...xEnc, field: 'cpu_min' }, x2: { field: 'cpu_max' }, y: yEnc, color: strategyColour(ctx) } },
        { mark: whisker, encoding: { x: xEnc, y: { ...yEnc, field: 'bytes_min' }, y2: { field: 'bytes_max' }, color: strategyColour(ctx) } },
        {
          transform: [{ filter: 'datum.leader' }],
          mark: { type: 'rule', color: '#999', strokeWidth: 0.8 },
          encoding: { x: xEnc, y: yEnc, x2: { field: 'label_x' }, y2: { field: 'label_y' } },
        },
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
            tooltip: tooltip({ ...CELL_TIPS, series: 'Series', sent: 'Bytes sent per sync', cpu_text: 'CPU per sync (sender + receiver)', pareto_text: 'On the Pareto front' }),
          },
        },
        text('left'),
        text('right'),
      ]),
    }
    return { spec }
  },
}
