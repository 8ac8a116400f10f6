/**
 * What tracking faults cost: for each injected fault and strategy, the share of syncs that ended with a wrong
 * replica (caught by the harness's byte-for-byte check), with who noticed in the tooltip: the strategy's own
 * self-verification, or only the harness. Drawn only for runs with a fault injected (--fault).
 */
import type { TopLevelSpec } from 'vega-lite'
import { chartFrame, narrowContext, type ChartBuilder } from './chart.ts'
import { strategyColour, tooltip } from './encodings.ts'
import { faultCells, selfVerifyText } from './fault-cells.ts'

export const faults: ChartBuilder = {
  id: 'faults',
  title: 'Tracking faults: how often a replica ended wrong',
  about: 'For each injected fault, the share of syncs whose replica came out wrong (the harness compares every replica byte for byte), per strategy.',
  build(rows, ctx) {
    const cells = faultCells(rows)
    if (cells.length === 0) return { absent: 'this run has no fault rows (no row records an injected fault; run with --fault)' }
    const points = cells.map((c) => ({
      strategy: c.strategy,
      series: c.series,
      fault: c.fault,
      syncs: c.syncs,
      wrong: c.wrong,
      share: c.wrong / c.syncs,
      label: `${c.wrong} of ${c.syncs} wrong`,
      harness_text: `${c.harnessOnly} of ${c.syncs}`,
      self_verify_text: selfVerifyText(c),
      events: c.events,
    }))
    const y = { field: 'fault', type: 'nominal' as const, title: 'Injected fault', sort: [...new Set(cells.map((c) => c.fault))] }
    const spec: TopLevelSpec = {
      ...chartFrame({ text: this.title, subtitle: ['Share of syncs with that fault injected whose replica was not byte-exact afterwards.', `Bars in the strategy's colour; the count is written beside each bar. ${ctx.runLine}.`] }, points),
      width: 420,
      height: { step: 22 * Math.max(1, new Set(cells.map((c) => c.series)).size) },
      encoding: { y, yOffset: { field: 'series', type: 'nominal', sort: [...new Set(cells.map((c) => c.series))] } },
      layer: [
        {
          mark: { type: 'bar' },
          encoding: {
            x: { field: 'share', type: 'quantitative', scale: { domain: [0, 1] }, axis: { format: '.0%', title: 'Syncs that ended with a wrong replica (%)' } },
            color: strategyColour(narrowContext(ctx, cells)),
            tooltip: tooltip({ series: 'Strategy', fault: 'Fault', label: 'Wrong replicas', harness_text: 'Caught only by the harness', self_verify_text: 'Self-verification', events: 'Fault events' }),
          },
        },
        {
          mark: { type: 'text', align: 'left', dx: 4, fontSize: 10 },
          encoding: { x: { field: 'share', type: 'quantitative' }, text: { field: 'label' } },
        },
      ],
    }
    return { spec }
  },
}
