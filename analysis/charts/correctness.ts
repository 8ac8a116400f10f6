/**
 * Correctness: every strategy × workload × block size cell says how many of its syncs left a byte-exact
 * replica. A cell with any wrong replica is solid red with the count in words; no average can hide it.
 */
import type { TopLevelSpec } from 'vega-lite'
import { blockText, cellsOf } from '../cell-figures.ts'
import { drawnBlockSizes } from './block-size-lines.ts'
import { chartFrame, type ChartBuilder } from './chart.ts'
import { CELL_TIPS, tooltip } from './encodings.ts'
import { WRONG_COLOUR } from './palette.ts'
import { blockSizeGrid, gridCell } from './panels.ts'

export const correctness: ChartBuilder = {
  id: 'correctness',
  title: 'Correctness: was every replica byte-exact?',
  about: 'After every sync the harness compares replica and source byte for byte. Red cells had at least one wrong replica; hover for the first one (seed, epoch, offset, error).',
  build(rows, ctx) {
    const cells: Record<string, unknown>[] = []
    for (const c of cellsOf(rows)) {
      const wrong = c.rows.filter((r) => !r.correct)
      const first = wrong[0]
      const n = c.rows.length
      const cell = {
        wrong: wrong.length,
        syncs: n,
        label: wrong.length ? `✗ ${wrong.length} of ${n} WRONG` : `✓ ${n} of ${n}`,
        result: wrong.length ? `${wrong.length} of ${n} syncs left a wrong replica` : `all ${n} syncs byte-exact`,
        first_wrong: first ? `seed ${first.seed}, epoch ${first.epoch}${first.first_diff_offset !== null ? `, first difference at byte ${first.first_diff_offset}` : ''}` : '–',
        error: first?.error ?? '–',
      }
      // A strategy that ignores the block size ran once; its cell shows in every block-size row, its block named "any".
      for (const block_size of drawnBlockSizes(c, ctx)) cells.push({ ...gridCell({ strategy: c.strategy, workload: c.workload, block_size }), block: blockText(c.blockSize), ...cell })
    }
    if (cells.length === 0) return { absent: 'the run has no rows' }
    const totalWrong = rows.filter((r) => !r.correct).length
    const headline = totalWrong === 0 ? `Correctness: all ${rows.length} syncs left a byte-exact replica` : `WRONG replicas: ${totalWrong} of ${rows.length} syncs (red cells)`
    const title = {
      text: headline,
      color: totalWrong ? WRONG_COLOUR : '#000',
      subtitle: ['After every sync the replica is compared with the source byte for byte.', 'Each cell counts the syncs (every seed and epoch) of one strategy, workload and block size.'],
    }
    const spec: TopLevelSpec = {
      ...chartFrame(title, cells),
      ...blockSizeGrid(ctx, 150, 30, [
        {
          mark: { type: 'rect', stroke: 'white', strokeWidth: 2 },
          encoding: {
            color: {
              field: 'wrong',
              type: 'quantitative',
              scale: { domain: [0, 0.5], range: ['#e3f1e0', WRONG_COLOUR], clamp: true },
              legend: null,
            },
            tooltip: tooltip({ ...CELL_TIPS, result: 'Result', first_wrong: 'First wrong replica', error: 'Error' }),
          },
        },
        {
          transform: [{ filter: 'datum.wrong === 0' }],
          mark: { type: 'text', fontSize: 12, color: '#1d5a1d' },
          encoding: { text: { field: 'label' } },
        },
        {
          transform: [{ filter: 'datum.wrong > 0' }],
          mark: { type: 'text', fontSize: 12, fontWeight: 'bold', color: 'white' },
          encoding: { text: { field: 'label' } },
        },
      ]),
    }
    return { spec }
  },
}
