/**
 * Bytes sent per sync against block size: a line per strategy, a panel per workload, log scales, and the
 * oracle (edit-aware lower bound) as a dashed black reference line.
 */
import type { TopLevelSpec } from 'vega-lite'
import { acrossSeeds, meanPerSync } from './aggregate.ts'
import { groupBy } from '../../core/stats.ts'
import { blockSizeX, chartConfig, spreadNote, strategyColour, VEGA_LITE_SCHEMA, type ChartBuilder, LEGEND_PICK, PICK_OPACITY, workloadPanels } from './chart.ts'
import { blockLabel, bytes, bytesExpr, formatRatio, formatSpread, logTicks } from './format.ts'
import { ORACLE_COLOUR } from './palette.ts'

export const bytesVsBlockSize: ChartBuilder = {
  id: 'bytes-vs-block-size',
  title: 'Bytes sent per sync vs block size',
  about: 'How many bytes each strategy puts on the wire (both directions, framing included) at each block size, against the least the edits allow.',
  build(rows, ctx) {
    const points: Record<string, unknown>[] = []
    for (const g of groupBy(rows, ['strategy', 'workload', 'block_size'])) {
      const s = acrossSeeds(g.rows, meanPerSync((r) => r.bytes_total))
      if (!s) continue
      const oracle = acrossSeeds(g.rows, meanPerSync((r) => r.oracle_bytes))
      points.push({
        layer: 'strategy',
        ...g.key,
        median: s.median,
        min: s.min,
        max: s.max,
        sent: formatSpread(s, bytes),
        block: blockLabel(g.key.block_size),
        vs_oracle: oracle && oracle.median > 0 ? formatRatio(s.median / oracle.median) : 'no oracle',
      })
    }
    for (const g of groupBy(rows, ['workload'])) {
      const o = acrossSeeds(g.rows.filter((r) => r.strategy === g.rows[0]!.strategy && r.block_size === g.rows[0]!.block_size), meanPerSync((r) => r.oracle_bytes))
      if (!o || o.median <= 0) continue
      for (const block_size of ctx.blockSizes) points.push({ layer: 'oracle', workload: g.key.workload, block_size, median: o.median, min: o.min, max: o.max, sent: formatSpread(o, bytes) })
    }
    const values = points.flatMap((p) => [p.min as number, p.max as number]).filter((v) => v > 0)
    if (values.length === 0) return { absent: 'no syncs sent any bytes' }
    // Extra room under the lowest value: the oracle's label sits below its line.
    const y = logTicks(Math.min(...values) / 1.6, Math.max(...values), 'bytes')
    const yEnc = {
      field: 'median',
      type: 'quantitative' as const,
      scale: { type: 'log' as const, domain: y.domain, nice: false },
      axis: { values: y.values, labelExpr: bytesExpr('datum.value'), title: 'Bytes sent per sync (log scale)' },
    }
    const isOracle = "datum.layer === 'oracle'"
    const isStrategy = "datum.layer === 'strategy'"
    const hasOracle = points.some((p) => p.layer === 'oracle')
    const spec: TopLevelSpec = {
      $schema: VEGA_LITE_SCHEMA,
      title: {
        text: this.title,
        subtitle: [
          `Both directions, framing included; ${ctx.runLine}.`,
          spreadNote(ctx),
          hasOracle ? 'Dashed black line: the oracle, the fewest bytes the edits allow (edit-aware lower bound).' : 'No oracle for this run (a file pair has no edit list).',
        ],
      },
      config: chartConfig(),
      data: { values: points },
      ...workloadPanels(ctx),
      spec: {
        width: 300,
        height: 200,
        layer: [
          {
            transform: [{ filter: isOracle }],
            mark: { type: 'line', color: ORACLE_COLOUR, strokeDash: [6, 4], strokeWidth: 1.5 },
            encoding: { x: blockSizeX(ctx), y: yEnc, tooltip: [{ field: 'workload', title: 'Workload' }, { field: 'sent', title: 'Oracle lower bound per sync' }] },
          },
          {
            transform: [{ filter: `${isOracle} && datum.block_size === ${Math.min(...ctx.blockSizes)}` }],
            // Under the line: every strategy's bytes are at or above the bound, so the space below is free.
            mark: { type: 'text', text: 'oracle', align: 'left', baseline: 'top', dx: -4, dy: 3, fontSize: 11, fontStyle: 'italic', color: ORACLE_COLOUR },
            encoding: { x: blockSizeX(ctx), y: yEnc },
          },
          {
            transform: [{ filter: isStrategy }],
            mark: { type: 'rule', strokeWidth: 2, opacity: 0.6 },
            encoding: { x: blockSizeX(ctx), y: { ...yEnc, field: 'min' }, y2: { field: 'max' }, color: strategyColour(ctx) },
          },
          {
            transform: [{ filter: isStrategy }],
            params: [LEGEND_PICK],
            mark: { type: 'line', point: { size: 50, filled: true }, strokeWidth: 2 },
            encoding: {
              x: blockSizeX(ctx),
              y: yEnc,
              color: strategyColour(ctx),
              opacity: PICK_OPACITY,
              tooltip: [
                { field: 'strategy', title: 'Strategy' },
                { field: 'workload', title: 'Workload' },
                { field: 'block', title: 'Block size' },
                { field: 'sent', title: 'Bytes sent per sync' },
                { field: 'vs_oracle', title: '× oracle (median)' },
              ],
            },
          },
        ],
      },
    }
    return { spec }
  },
}
