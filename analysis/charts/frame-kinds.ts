/**
 * Where the bytes go: for each strategy and block size, a bar of the bytes sent per sync stacked by what
 * they carry (signatures, manifests, literal data, copy instructions, control, framing), a panel per
 * workload with its own scale, the total written at the end of each bar.
 */
import type { TopLevelSpec } from 'vega-lite'
import type { ResultRow } from '../../core/result-row.ts'
import { cellFigure } from '../../core/aggregation.ts'
import { blockText, cellsOf } from '../cell-figures.ts'
import { chartFrame, runSpreadLines, type ChartBuilder } from './chart.ts'
import { tooltip } from './encodings.ts'
import { bytes, formatSpread } from './format.ts'

/**
 * The kinds and their colours: pale tones, unlike the saturated strategy colours, so a bar's colour here
 * is never read as a strategy (here the strategy is the bar's label).
 */
const KINDS: { kind: string; label: string; colour: string; value: (r: ResultRow) => number }[] = [
  { kind: 'signature', label: 'signatures (hashes)', colour: '#6a3d9a', value: (r) => r.bytes_signature },
  { kind: 'manifest', label: 'manifests', colour: '#cab2d6', value: (r) => r.bytes_manifest },
  { kind: 'literal', label: 'literal data', colour: '#a6cee3', value: (r) => r.bytes_literal },
  { kind: 'copy', label: 'copy instructions', colour: '#b2df8a', value: (r) => r.bytes_copy },
  { kind: 'control', label: 'control (headers, acks)', colour: '#fdbf6f', value: (r) => r.bytes_control },
  { kind: 'framing', label: 'framing (length prefixes)', colour: '#444444', value: (r) => r.bytes_framing },
]

export const frameKinds: ChartBuilder = {
  id: 'frame-kinds',
  title: 'Where the bytes go',
  about: 'Bytes sent per sync split by what they carry, for each strategy and block size. Each workload has its own scale; the total is written at the end of each bar.',
  build(rows, ctx) {
    const points: Record<string, unknown>[] = []
    const order: string[] = []
    // A strategy that ignores the block size has one bar, "any", before its sized ones.
    for (const strategy of ctx.strategies) for (const b of [null, ...ctx.blockSizes]) order.push(`${strategy} · ${blockText(b)}`)
    for (const c of cellsOf(rows)) {
      const bar = `${c.strategy} · ${blockText(c.blockSize)}`
      const total = cellFigure(c.rows, (r) => r.bytes_total)
      if (!total) continue
      for (const k of KINDS) {
        const s = cellFigure(c.rows, k.value)
        if (!s || s.median === 0) continue
        points.push({ layer: 'kind', workload: c.workload, strategy: c.strategy, bar, kind: k.label, bytes: s.median, text: formatSpread(s, bytes), share: `${((100 * s.median) / total.median).toFixed(1)} %` })
      }
      points.push({ layer: 'total', workload: c.workload, bar, total: total.median, total_text: bytes(total.median), room: total.median * 1.35 })
    }
    if (!points.some((p) => p.layer === 'kind')) return { absent: 'no bytes were sent' }
    // One unit for the whole chart, chosen by the largest bar, so ticks are round numbers of it.
    const largest = Math.max(...points.map((p) => (p.total as number | undefined) ?? 0))
    const [unit, div] = largest >= 1 << 20 ? ['MiB', 1 << 20] : largest >= 1024 ? ['KiB', 1024] : ['B', 1]
    for (const p of points) for (const f of ['bytes', 'total', 'room']) if (typeof p[f] === 'number') p[f] = (p[f] as number) / div
    const y = { field: 'bar', type: 'nominal' as const, sort: order, axis: { title: null, labelLimit: 320 } }
    const title = {
      text: this.title,
      subtitle: ['Bytes sent per sync (both directions) by what they carry; each workload has its own scale.', ...runSpreadLines(ctx, { minMax: 'tooltip' })],
    }
    const spec: TopLevelSpec = {
      ...chartFrame(title, points),
      facet: { row: { field: 'workload', type: 'nominal', title: null, sort: ctx.workloads, header: { labelAngle: 0, labelAlign: 'left', labelAnchor: 'start', labelOrient: 'top' } } },
      resolve: { scale: { x: 'independent' } },
      spec: {
        width: 420,
        layer: [
          {
            transform: [{ filter: "datum.layer === 'kind'" }],
            mark: { type: 'bar', height: { band: 0.8 } },
            encoding: {
              y,
              x: { field: 'bytes', type: 'quantitative', stack: 'zero', axis: { format: ',~r', title: `Bytes sent per sync (${unit})`, tickCount: 6 } },
              color: {
                field: 'kind',
                type: 'nominal',
                scale: { domain: KINDS.map((k) => k.label), range: KINDS.map((k) => k.colour) },
                legend: { title: 'Bytes carrying', orient: 'bottom', columns: 3 },
              },
              order: { field: 'kind', sort: 'ascending' },
              tooltip: tooltip({ bar: 'Strategy · block size', workload: 'Workload', kind: 'Carrying', text: 'Bytes per sync', share: 'Share of the bar' }),
            },
          },
          {
            transform: [{ filter: "datum.layer === 'total'" }],
            mark: { type: 'text', align: 'left', dx: 4, fontSize: 11, color: '#222' },
            encoding: { y, x: { field: 'total', type: 'quantitative' }, text: { field: 'total_text' } },
          },
          // An invisible point a third past each total, so the scale leaves room for the total's label.
          {
            transform: [{ filter: "datum.layer === 'total'" }],
            mark: { type: 'point', opacity: 0 },
            encoding: { y, x: { field: 'room', type: 'quantitative' } },
          },
        ],
      },
    }
    return { spec }
  },
}
