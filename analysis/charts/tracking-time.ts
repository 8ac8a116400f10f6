/**
 * For tracking strategies: what tracking costs while the workload writes (time in the tracker per epoch)
 * beside what the sync costs (CPU of both halves), against block size.
 */
import { spreadNote, type ChartBuilder } from './chart.ts'
import { formatMs } from './format.ts'
import { measureLines } from './measure-lines.ts'

export const trackingTime: ChartBuilder = {
  id: 'tracking-time',
  title: 'Tracking strategies: write-time cost beside sync cost',
  about: 'Time spent in the tracker as the workload writes (paid on every write, between syncs) next to the CPU the sync itself takes.',
  build(rows, ctx) {
    const tracked = rows.filter((r) => r.tracker_ms !== null)
    if (tracked.length === 0) return { absent: 'no tracking strategy ran (no row has tracker_ms)' }
    return measureLines(tracked, { ...ctx, strategies: ctx.strategies.filter((s) => tracked.some((r) => r.strategy === s)) }, {
      title: this.title,
      subtitle: ['Dashed: time in the tracker during the epoch\'s writes. Solid: CPU of the sync, sender + receiver.', `${ctx.runLine}. ${spreadNote(ctx, 'mean per epoch')}`],
      measures: [
        { name: 'sync CPU, sender + receiver', value: (r) => r.sender_cpu_ms + r.receiver_cpu_ms, dash: [1, 0] },
        { name: 'tracking during writes', value: (r) => r.tracker_ms, dash: [6, 3] },
      ],
      measureTitle: 'Cost',
      y: { kind: 'decimal', title: 'Time per epoch (ms, log scale)', format: formatMs, valueTitle: 'Time per epoch' },
    })
  },
}
