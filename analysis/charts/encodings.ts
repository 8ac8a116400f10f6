/**
 * The encodings charts share, so a strategy, a block size or a byte count looks and reads the same in every
 * chart: the strategy colour and its legend pick, the block-size axis, log axes, and tooltips.
 */
import type { ChartContext } from './chart.ts'
import { bytesExpr, logTicks } from './format.ts'
import { strategyScale } from './palette.ts'
import { strategyDash } from './families.ts'

/** The strategy colour, identical in every chart (scale domain is every strategy of the run). */
export function strategyColour(ctx: ChartContext, legendTitle = 'Strategy') {
  return { field: 'strategy', type: 'nominal' as const, scale: strategyScale(ctx.strategies), legend: { title: legendTitle, orient: 'bottom' as const, columns: 3 } }
}

/**
 * The family's dash per strategy (families.ts), so lines a reader cannot tell apart by colour differ by dash.
 * Its legend is the colour's, merged by Vega-Lite into one (same field, same title): a legend: null here
 * beside the colour's would conflict ("Conflicting legend property disable") and log a warning in the page.
 */
export function strategyDashes(ctx: ChartContext, legendTitle = 'Strategy') {
  return { field: 'strategy', type: 'nominal' as const, scale: { domain: [...ctx.strategies], range: ctx.strategies.map(strategyDash) }, legend: strategyColour(ctx, legendTitle).legend }
}

/**
 * Clicking a strategy in the legend brings it forward and fades the rest: LEGEND_PICK goes in the
 * layer's params, PICK_OPACITY is its opacity encoding.
 */
export const LEGEND_PICK = { name: 'pick', select: { type: 'point' as const, fields: ['strategy'] }, bind: 'legend' as const }
export const PICK_OPACITY = { condition: { param: 'pick', value: 1 }, value: 0.15 }

/** x: block size on a log₂ axis labelled at exactly the block sizes that ran. */
export function blockSizeX(ctx: ChartContext) {
  const lo = Math.min(...ctx.blockSizes)
  const hi = Math.max(...ctx.blockSizes)
  return {
    field: 'block_size',
    type: 'quantitative' as const,
    scale: { type: 'log' as const, base: 2, domain: [lo / 1.6, hi * 1.6], nice: false },
    axis: { values: [...ctx.blockSizes], labelExpr: bytesExpr('datum.value'), title: 'Block size (log scale)', grid: false },
  }
}

/**
 * A log axis over the data's range [lo, hi] with round ticks (see logTicks): bytes labelled with their
 * unit (4 KiB), other measures plainly, the unit then in the title.
 */
export function logEncoding(field: string, kind: 'bytes' | 'decimal', [lo, hi]: readonly [number, number], title: string) {
  const ticks = logTicks(lo, hi, kind)
  return {
    field,
    type: 'quantitative' as const,
    scale: { type: 'log' as const, domain: ticks.domain, nice: false },
    axis: kind === 'bytes' ? { values: ticks.values, labelExpr: bytesExpr('datum.value'), title } : { values: ticks.values, format: ',~r', title },
  }
}

/** A tooltip from field → title pairs, in order. */
export function tooltip(fields: Readonly<Record<string, string>>): { field: string; title: string }[] {
  return Object.entries(fields).map(([field, title]) => ({ field, title }))
}

/** What every per-cell tooltip opens with (a point's data carries strategy, workload and block). */
export const CELL_TIPS = { strategy: 'Strategy', workload: 'Workload', block: 'Block size' } as const
