/**
 * Bytes sent per sync against block size: a line per strategy, a panel per workload, log scales, the
 * oracle (new bytes the edits wrote) as a dashed black reference line, and the floor (the best local delta of
 * each sync's two versions, local_floor_bytes) as a dashed slate one labelled "best local delta".
 */
import type { TopLevelSpec } from 'vega-lite'
import type { ResultRow } from '../../core/result-row.ts'
import { acrossSeeds, aggregationSentence, cellFigure, oracleRatioPerSeed } from '../../core/aggregation.ts'
import { groupBy } from '../../core/stats.ts'
import { blockText, cellsOf } from '../cell-figures.ts'
import { anyBlockNote, drawnBlockSizes, lineLabelLayer, pickedLine, seedWhiskers } from './block-size-lines.ts'
import { chartFrame, spreadNote, type ChartBuilder, type ChartContext } from './chart.ts'
import { blockSizeX, CELL_TIPS, logEncoding, strategyDashes, tooltip } from './encodings.ts'
import { bytes, formatRatio, formatSpread } from './format.ts'
import { FLOOR_COLOUR, ORACLE_COLOUR } from './palette.ts'
import { workloadPanels } from './panels.ts'
import { labelRoom, lineEndLabels, type LinePoint } from './line-labels.ts'

/** A point per strategy, workload and block size (every block size for a strategy that ignores it): bytes per sync over seeds, and × oracle. */
function strategyPoints(rows: readonly ResultRow[], ctx: ChartContext): Record<string, unknown>[] {
  const points: Record<string, unknown>[] = []
  for (const c of cellsOf(rows)) {
    const s = cellFigure(c.rows, (r) => r.bytes_total)
    if (!s) continue
    const ratio = acrossSeeds(c.rows, oracleRatioPerSeed)
    const point = { layer: 'strategy', strategy: c.strategy, workload: c.workload, median: s.median, min: s.min, max: s.max, sent: formatSpread(s, bytes), block: blockText(c.blockSize), vs_oracle: ratio ? formatRatio(ratio.median) : 'no oracle' }
    for (const block_size of drawnBlockSizes(c, ctx)) points.push({ ...point, block_size })
  }
  return points
}

/** The oracle of each workload (one cell's: the edits are the same for all), at every block size so it draws as a line. */
function oraclePoints(rows: readonly ResultRow[], ctx: ChartContext): Record<string, unknown>[] {
  const points: Record<string, unknown>[] = []
  for (const g of groupBy(rows, ['workload'])) {
    const o = cellFigure(g.rows.filter((r) => r.strategy === g.rows[0]!.strategy && r.block_size === g.rows[0]!.block_size), (r) => r.oracle_bytes)
    if (!o || o.median <= 0) continue
    for (const block_size of ctx.blockSizes) points.push({ layer: 'oracle', workload: g.key.workload, block_size, median: o.median, min: o.min, max: o.max, sent: formatSpread(o, bytes) })
  }
  return points
}

/**
 * The floor of each workload, aggregated like every figure (core/aggregation.ts): every cell of a workload and
 * seed has the same epochs, so all its rows give the same mean per sync. At every block size, so it draws as a line.
 */
function floorPoints(rows: readonly ResultRow[], ctx: ChartContext): Record<string, unknown>[] {
  const points: Record<string, unknown>[] = []
  for (const g of groupBy(rows, ['workload'])) {
    const f = cellFigure(g.rows, (r) => r.local_floor_bytes)
    if (!f || f.median <= 0) continue
    const tools = [...new Set(g.rows.map((r) => r.local_floor_tool).filter((t): t is string => t !== null))].join('; ')
    for (const block_size of ctx.blockSizes) points.push({ layer: 'floor', workload: g.key.workload, block_size, median: f.median, min: f.min, max: f.max, sent: formatSpread(f, bytes), tools })
  }
  return points
}

/** A panel's size before a slide resizes it. */
const PANEL = { width: 300, height: 200 }

export const bytesVsBlockSize: ChartBuilder = {
  id: 'bytes-vs-block-size',
  title: 'Bytes sent per sync vs block size',
  about: 'How many bytes each strategy puts on the wire (both directions, framing included) at each block size, against the least the edits allow.',
  build(rows, ctx) {
    const oracle = oraclePoints(rows, ctx)
    const floor = floorPoints(rows, ctx)
    const points = [...strategyPoints(rows, ctx), ...oracle, ...floor]
    const values = points.flatMap((p) => [p.min as number, p.max as number]).filter((v) => v > 0)
    if (values.length === 0) return { absent: 'no syncs sent any bytes' }
    // Extra room under the lowest value: the oracle's label sits below its line.
    const yEnc = logEncoding('median', 'bytes', [Math.min(...values) / 1.6, Math.max(...values)], 'Bytes sent per sync (log scale)')
    // Labels spaced for a slide's panel height (a slide grows panels about 2×; in the report's smaller panels close labels may touch).
    const labels = lineEndLabels(points.filter((p) => p.layer === 'strategy') as unknown as LinePoint[], yEnc.scale.domain, PANEL.height * 2)
    const isOracle = "datum.layer === 'oracle'"
    const isStrategy = "datum.layer === 'strategy'"
    const isFloor = "datum.layer === 'floor'"
    const title = {
      text: this.title,
      subtitle: [
        `Both directions, framing included; ${ctx.runLine}. ${spreadNote(ctx)}`,
        aggregationSentence(),
        oracle.length ? 'Dashed black line: the oracle, the new bytes the edits wrote (moved or repeated data can go under it).' : 'No oracle for this run (a file pair has no edit list).',
        floor.length ? 'Dashed slate line: the floor, the best local delta of each sync (zstd --patch-from or xdelta3 with both versions at hand).' : 'No local-delta floor for this run (--floor off, or its tools were missing).',
        ...anyBlockNote(rows),
      ],
    }
    const spec: TopLevelSpec = {
      ...chartFrame(title, [...points, ...labels]),
      ...workloadPanels(ctx, PANEL.width, PANEL.height, [
        {
          transform: [{ filter: isOracle }],
          mark: { type: 'line', color: ORACLE_COLOUR, strokeDash: [6, 4], strokeWidth: 1.5 },
          encoding: { x: blockSizeX(ctx), y: yEnc, tooltip: tooltip({ workload: 'Workload', sent: 'Oracle lower bound per sync' }) },
        },
        {
          transform: [{ filter: `${isOracle} && datum.block_size === ${Math.min(...ctx.blockSizes)}` }],
          // Under the line: every strategy's bytes are at or above the bound, so the space below is free.
          mark: { type: 'text', text: 'oracle', align: 'left', baseline: 'top', dx: -4, dy: 3, fontSize: 11, fontStyle: 'italic', color: ORACLE_COLOUR },
          encoding: { x: blockSizeX(ctx), y: yEnc },
        },
        {
          transform: [{ filter: isFloor }],
          mark: { type: 'line', color: FLOOR_COLOUR, strokeDash: [3, 3], strokeWidth: 1.5 },
          encoding: { x: blockSizeX(ctx), y: yEnc, tooltip: tooltip({ workload: 'Workload', sent: 'Best local delta per sync (the floor)', tools: 'Made by' }) },
        },
        {
          transform: [{ filter: `${isFloor} && datum.block_size === ${Math.max(...ctx.blockSizes)}` }],
          // Under the line at the right end: the floor is most often the lowest line, and the oracle's label is at the left end.
          mark: { type: 'text', text: 'best local delta', align: 'right', baseline: 'top', dx: 4, dy: 3, fontSize: 11, fontStyle: 'italic', color: FLOOR_COLOUR },
          encoding: { x: blockSizeX(ctx), y: yEnc },
        },
        seedWhiskers(ctx, yEnc, { opacity: 0.6, filter: isStrategy }),
        pickedLine(ctx, yEnc, { pointSize: 50, filter: isStrategy, strokeDash: strategyDashes(ctx), tooltip: tooltip({ ...CELL_TIPS, sent: 'Bytes sent per sync', vs_oracle: '× oracle (median)' }) }),
        lineLabelLayer(ctx, yEnc),
      ], labelRoom(labels)),
    }
    return { spec }
  },
}
