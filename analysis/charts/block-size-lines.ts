/**
 * The two layers of a line per strategy against block size (bytes-vs-block-size, measure-lines): whiskers
 * from each point's min to its max over seeds, and the line itself, which the legend can pick out. The y
 * encoding is the line's (field median); the whiskers read min and max from the same data.
 */
import type { ResultRow } from '../../core/result-row.ts'
import type { ChartContext } from './chart.ts'
import { blockSizeX, LEGEND_PICK, PICK_OPACITY, strategyColour } from './encodings.ts'

/** Only the rows a filter expression keeps, when the chart's data holds other layers too. */
const onlyWhere = (filter: string | undefined) => (filter ? { transform: [{ filter }] } : {})

/** A rule from min to max at each block size, in the strategy's colour; `detail` keeps apart lines of one colour. */
export function seedWhiskers<Y extends { field: string }>(ctx: ChartContext, y: Y, o: { opacity: number; filter?: string; detail?: { field: string } }) {
  return {
    ...onlyWhere(o.filter),
    mark: { type: 'rule' as const, strokeWidth: 2, opacity: o.opacity },
    encoding: { x: blockSizeX(ctx), y: { ...y, field: 'min' }, y2: { field: 'max' }, color: strategyColour(ctx), ...(o.detail ? { detail: o.detail } : {}) },
  }
}

/** The median line with a dot at each block size, faded unless its strategy is picked in the legend. */
export function pickedLine<Y extends { field: string }, D extends object>(ctx: ChartContext, y: Y, o: { pointSize: number; tooltip: { field: string; title: string }[]; filter?: string; strokeDash?: D }) {
  return {
    ...onlyWhere(o.filter),
    params: [LEGEND_PICK],
    mark: { type: 'line' as const, point: { size: o.pointSize, filled: true }, strokeWidth: 2 },
    encoding: { x: blockSizeX(ctx), y, color: strategyColour(ctx), ...(o.strokeDash ? { strokeDash: o.strokeDash } : {}), opacity: PICK_OPACITY, tooltip: o.tooltip },
  }
}

/** Each line's direct label (line-labels.ts) right of its end, in its strategy's colour; "a = b" where lines coincide. */
export function lineLabelLayer<Y extends { field: string }>(ctx: ChartContext, y: Y) {
  return {
    transform: [{ filter: "datum.layer === 'label'" }],
    mark: { type: 'text' as const, align: 'left' as const, baseline: 'middle' as const, dx: 8, fontSize: 11, fontWeight: 'bold' as const },
    encoding: { x: blockSizeX(ctx), y: { ...y, field: 'label_y' }, text: { field: 'label' }, color: strategyColour(ctx), opacity: PICK_OPACITY },
  }
}

/**
 * The block sizes a cell is drawn at: its own, or, for a strategy that ignores the block size (one run per
 * workload and seed), every block size of the run, so its line is a level rule across them, not one point.
 */
export function drawnBlockSizes(cell: { blockSize: number | null }, ctx: ChartContext): number[] {
  return cell.blockSize === null ? ctx.blockSizes : [cell.blockSize]
}

/** The subtitle line that says which level lines are strategies that ignore the block size (none when no row does). */
export function anyBlockNote(rows: readonly ResultRow[]): string[] {
  const level = [...new Set(rows.filter((r) => !r.uses_block_size).map((r) => r.strategy))]
  return level.length ? [`Level across every block size: ${level.join(', ')}, which ${level.length === 1 ? 'ignores' : 'ignore'} the block size (one run per workload and seed).`] : []
}
