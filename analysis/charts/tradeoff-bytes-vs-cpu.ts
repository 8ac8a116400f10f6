/**
 * The trade-off: bytes sent against CPU time, one point per strategy and block size, a panel per workload,
 * with the Pareto front (no other configuration has both fewer bytes and less CPU) outlined and joined.
 */
import type { TopLevelSpec } from 'vega-lite'
import { acrossSeeds, meanPerSync, paretoFront } from './aggregate.ts'
import { groupBy } from '../../core/stats.ts'
import { chartConfig, spreadNote, strategyColour, VEGA_LITE_SCHEMA, type ChartBuilder, LEGEND_PICK, PICK_OPACITY, workloadPanels } from './chart.ts'
import { blockLabel, bytes, bytesExpr, formatMs, formatSpread, logTicks } from './format.ts'

/** One shape per block size, in size order; more block sizes than shapes reuse them in turn. */
const SHAPES = ['circle', 'square', 'triangle-up', 'diamond', 'cross', 'triangle-down', 'triangle-right', 'triangle-left']

export const tradeoff: ChartBuilder = {
  id: 'tradeoff-bytes-vs-cpu',
  title: 'Trade-off: bytes sent vs CPU time',
  about: 'Each point is a strategy at one block size. Outlined points joined by the black line form the Pareto front: nothing else in that workload sends fewer bytes with less CPU.',
  build(rows, ctx) {
    const points: Record<string, unknown>[] = []
    for (const w of groupBy(rows, ['workload'])) {
      const inWorkload: Record<string, unknown>[] = []
      for (const g of groupBy(w.rows, ['strategy', 'block_size'])) {
        const b = acrossSeeds(g.rows, meanPerSync((r) => r.bytes_total))
        const c = acrossSeeds(g.rows, meanPerSync((r) => r.sender_cpu_ms + r.receiver_cpu_ms))
        if (!b || !c || b.min <= 0 || c.min <= 0) continue
        inWorkload.push({
          ...g.key,
          workload: w.key.workload,
          bytes: b.median,
          bytes_min: b.min,
          bytes_max: b.max,
          cpu: c.median,
          cpu_min: c.min,
          cpu_max: c.max,
          block: blockLabel(g.key.block_size),
          sent: formatSpread(b, bytes),
          cpu_text: formatSpread(c, formatMs),
        })
      }
      const front = paretoFront(inWorkload.map((p) => ({ x: p.cpu as number, y: p.bytes as number })))
      inWorkload.forEach((p, i) => {
        p.pareto = front.has(i)
        p.pareto_text = front.has(i) ? 'yes' : 'no'
      })
      points.push(...inWorkload)
    }
    if (points.length === 0) return { absent: 'no sync with bytes and measurable CPU' }
    const bx = points.flatMap((p) => [p.bytes_min as number, p.bytes_max as number])
    const cx = points.flatMap((p) => [p.cpu_min as number, p.cpu_max as number])
    const y = logTicks(Math.min(...bx), Math.max(...bx), 'bytes')
    const x = logTicks(Math.min(...cx), Math.max(...cx), 'decimal')
    const BLOCK_SHAPES = ctx.blockSizes.map((_, i) => SHAPES[i % SHAPES.length]!)
    const xEnc = { field: 'cpu', type: 'quantitative' as const, scale: { type: 'log' as const, domain: x.domain, nice: false }, axis: { values: x.values, format: '~g', title: 'CPU per sync, both halves (ms, log scale)' } }
    const yEnc = { field: 'bytes', type: 'quantitative' as const, scale: { type: 'log' as const, domain: y.domain, nice: false }, axis: { values: y.values, labelExpr: bytesExpr('datum.value'), title: 'Bytes sent per sync (log scale)' } }
    const spec: TopLevelSpec = {
      $schema: VEGA_LITE_SCHEMA,
      title: {
        text: this.title,
        subtitle: [
          'Colour: strategy; shape: block size. Black outline and line: the Pareto front (nothing sends fewer bytes with less CPU).',
          `${ctx.runLine}. ${spreadNote(ctx)}`,
        ],
      },
      config: chartConfig(),
      data: { values: points },
      ...workloadPanels(ctx),
      spec: {
        width: 300,
        height: 220,
        layer: [
          {
            transform: [{ filter: 'datum.pareto' }],
            mark: { type: 'line', color: '#000', strokeWidth: 1.2, opacity: 0.7 },
            encoding: { x: xEnc, y: yEnc, order: { field: 'cpu', type: 'quantitative' } },
          },
          {
            mark: { type: 'rule', strokeWidth: 1.5, opacity: 0.6 },
            encoding: { x: { ...xEnc, field: 'cpu_min' }, x2: { field: 'cpu_max' }, y: yEnc, color: strategyColour(ctx) },
          },
          {
            mark: { type: 'rule', strokeWidth: 1.5, opacity: 0.6 },
            encoding: { x: xEnc, y: { ...yEnc, field: 'bytes_min' }, y2: { field: 'bytes_max' }, color: strategyColour(ctx) },
          },
          {
            params: [LEGEND_PICK],
            mark: { type: 'point', filled: true, size: 90 },
            encoding: {
              x: xEnc,
              y: yEnc,
              color: strategyColour(ctx),
              shape: { field: 'block', type: 'nominal', sort: ctx.blockSizes.map(blockLabel), scale: { domain: ctx.blockSizes.map(blockLabel), range: BLOCK_SHAPES }, legend: { title: 'Block size', orient: 'bottom', symbolFillColor: '#555', symbolStrokeWidth: 0 } },
              stroke: { condition: { test: 'datum.pareto', value: '#000' }, value: null },
              strokeWidth: { condition: { test: 'datum.pareto', value: 2 }, value: 0 },
              opacity: PICK_OPACITY,
              tooltip: [
                { field: 'strategy', title: 'Strategy' },
                { field: 'workload', title: 'Workload' },
                { field: 'block', title: 'Block size' },
                { field: 'sent', title: 'Bytes sent per sync' },
                { field: 'cpu_text', title: 'CPU per sync (both halves)' },
                { field: 'pareto_text', title: 'On the Pareto front' },
              ],
            },
          },
        ],
      },
    }
    return { spec }
  },
}
