/**
 * The two facet frames charts share, each spread into a spec after its chartFrame: a panel per workload
 * (lines and points against block size or CPU), and a row per block size holding a strategy × workload grid
 * of cells (correctness, efficiency).
 */
import type { TopLevelSpec } from 'vega-lite'
import type { ChartContext } from './chart.ts'
import { blockLabel } from './format.ts'

/** The layers inside a faceted spec, as Vega-Lite types them, so a chart's layers are checked where it writes them. */
type PanelLayers = Extract<Extract<TopLevelSpec, { facet: unknown }>['spec'], { layer: unknown }>['layer']

/** Panels in a grid with none left empty: 1–3 in a row, 4 as 2 × 2, then rows of 3. */
export const columnsFor = (panels: number): number => (panels <= 3 ? panels : panels === 4 ? 2 : 3)

/**
 * One panel per workload, laid out by count (columnsFor), in the run's workload order, each width × height
 * px; `spacing` px between panels (room for direct labels at the lines' ends), else Vega-Lite's.
 */
export function workloadPanels(ctx: ChartContext, width: number, height: number, layer: PanelLayers, spacing?: number) {
  return { facet: { field: 'workload', type: 'nominal' as const, title: null, sort: ctx.workloads }, columns: columnsFor(ctx.workloads.length), ...(spacing ? { spacing } : {}), spec: { width, height, layer } }
}

/** A grid row's name: "4 KiB blocks". */
const blocksLabel = (blockSize: number) => `${blockLabel(blockSize)} blocks`

/**
 * One row per block size, smallest first, named on the left; in each, a column per workload (named on top)
 * and a line per strategy, in run order, every cell cellWidth × cellHeight px.
 */
export function blockSizeGrid(ctx: ChartContext, cellWidth: number, cellHeight: number, layer: PanelLayers) {
  return {
    facet: {
      row: { field: 'blocks', type: 'ordinal' as const, title: null, sort: ctx.blockSizes.map(blocksLabel), header: { labelAngle: 0, labelAlign: 'left' as const, labelOrient: 'left' as const } },
    },
    spec: {
      width: { step: cellWidth },
      height: { step: cellHeight },
      encoding: {
        x: { field: 'workload', type: 'nominal' as const, sort: ctx.workloads, axis: { title: null, labelAngle: 0, orient: 'top' as const } },
        y: { field: 'strategy', type: 'nominal' as const, sort: ctx.strategies, axis: { title: null } },
      },
      layer,
    },
  }
}

/** A grid cell's place: its key, plus the block size in words for the tooltip and for its row. */
export function gridCell<K extends { block_size: number }>(key: K) {
  return { ...key, block: blockLabel(key.block_size), blocks: blocksLabel(key.block_size) }
}
