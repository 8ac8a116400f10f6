/**
 * Efficiency against the oracle as a heat map: strategy × workload, a panel per block size, each cell the
 * bytes sent over the oracle's lower bound (1× = as few as the edits allow), on a log colour scale.
 */
import type { TopLevelSpec } from 'vega-lite'
import { acrossSeeds, oracleRatioPerSeed } from '../../core/aggregation.ts'
import { blockText, cellsOf } from '../cell-figures.ts'
import { drawnBlockSizes } from './block-size-lines.ts'
import { chartFrame, runSpreadLines, type ChartBuilder } from './chart.ts'
import { CELL_TIPS, tooltip } from './encodings.ts'
import { formatRatio, formatSpread, logTicks } from './format.ts'
import { blockSizeGrid, gridCell } from './panels.ts'

export const efficiencyHeatmap: ChartBuilder = {
  id: 'efficiency-heatmap',
  title: 'Bytes sent ÷ oracle lower bound',
  about: 'Each cell: how many times the oracle lower bound a strategy sent (1× = as few bytes as the edits allow). Pale is close to the bound, dark is far from it.',
  build(rows, ctx) {
    const cells: Record<string, unknown>[] = []
    for (const c of cellsOf(rows)) {
      const s = acrossSeeds(c.rows, oracleRatioPerSeed)
      if (!s || s.median <= 0) continue
      // A strategy that ignores the block size fills its cell in every block-size row, its block named "any".
      for (const block_size of drawnBlockSizes(c, ctx)) cells.push({ ...gridCell({ strategy: c.strategy, workload: c.workload, block_size }), block: blockText(c.blockSize), ratio: s.median, label: formatRatio(s.median), text: formatSpread(s, formatRatio) })
    }
    if (cells.length === 0) return { absent: 'no oracle in this run (a file pair has no edit list), so there is nothing to compare against' }
    const ratios = cells.map((c) => c.ratio as number)
    const scale = logTicks(Math.min(1, ...ratios), Math.max(10, ...ratios), 'decimal', 6)
    const [lo, hi] = scale.domain
    // Text turns white where the cell is dark: past the geometric middle of the colour domain.
    const dark = Math.sqrt(lo * hi) * Math.sqrt(Math.sqrt(hi / lo))
    const title = {
      text: this.title,
      subtitle: ['Bytes sent (both directions) over the edit-aware lower bound; 1× is the best possible without compression.', ...runSpreadLines(ctx, { minMax: 'tooltip' })],
    }
    const spec: TopLevelSpec = {
      ...chartFrame(title, cells),
      ...blockSizeGrid(ctx, 120, 34, [
        {
          mark: { type: 'rect', stroke: 'white', strokeWidth: 1 },
          encoding: {
            color: {
              field: 'ratio',
              type: 'quantitative',
              scale: { type: 'log', scheme: 'yellowgreenblue', domain: [lo, hi] },
              legend: { title: '× oracle (log)', orient: 'right', values: scale.values, format: ',~r', gradientLength: 200 },
            },
            tooltip: tooltip({ ...CELL_TIPS, text: 'Bytes sent ÷ oracle' }),
          },
        },
        {
          mark: { type: 'text', fontSize: 11 },
          encoding: {
            text: { field: 'label' },
            color: { condition: { test: `datum.ratio > ${dark}`, value: 'white' }, value: '#111' },
          },
        },
      ]),
    }
    return { spec }
  },
}
