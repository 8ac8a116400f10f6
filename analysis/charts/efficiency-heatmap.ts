/**
 * Efficiency against the oracle as a heat map: strategy × workload, a panel per block size, each cell the
 * bytes sent over the oracle's lower bound (1× = as few as the edits allow), on a log colour scale.
 */
import type { TopLevelSpec } from 'vega-lite'
import { acrossSeeds, efficiencyPerSeed } from './aggregate.ts'
import { groupBy } from '../../core/stats.ts'
import { chartFrame, runSpreadLine, type ChartBuilder } from './chart.ts'
import { CELL_TIPS, tooltip } from './encodings.ts'
import { formatRatio, formatSpread, logTicks } from './format.ts'
import { blockSizeGrid, gridCell } from './panels.ts'

export const efficiencyHeatmap: ChartBuilder = {
  id: 'efficiency-heatmap',
  title: 'Bytes sent ÷ oracle lower bound',
  about: 'Each cell: how many times the oracle lower bound a strategy sent (1× = as few bytes as the edits allow). Pale is close to the bound, dark is far from it.',
  build(rows, ctx) {
    const cells: Record<string, unknown>[] = []
    for (const g of groupBy(rows, ['strategy', 'workload', 'block_size'])) {
      const s = acrossSeeds(g.rows, efficiencyPerSeed)
      if (!s || s.median <= 0) continue
      cells.push({ ...gridCell(g.key), ratio: s.median, label: formatRatio(s.median), text: formatSpread(s, formatRatio) })
    }
    if (cells.length === 0) return { absent: 'no oracle in this run (a file pair has no edit list), so there is nothing to compare against' }
    const ratios = cells.map((c) => c.ratio as number)
    const scale = logTicks(Math.min(1, ...ratios), Math.max(10, ...ratios), 'decimal', 6)
    const [lo, hi] = scale.domain
    // Text turns white where the cell is dark: past the geometric middle of the colour domain.
    const dark = Math.sqrt(lo * hi) * Math.sqrt(Math.sqrt(hi / lo))
    const title = {
      text: this.title,
      subtitle: ['Bytes sent (both directions) over the edit-aware lower bound; 1× is the best possible without compression.', runSpreadLine(ctx, { what: 'Σ bytes ÷ Σ oracle', minMax: 'tooltip' })],
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
              legend: { title: '× oracle (log)', orient: 'right', values: scale.values, format: '~g', gradientLength: 200 },
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
