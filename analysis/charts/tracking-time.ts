/**
 * For tracking strategies: what tracking costs while the workload writes (time in the tracker per epoch)
 * beside what the sync costs (CPU of both halves), against block size.
 */
import type { ChartBuilder } from './chart.ts'
import { formatMs } from './format.ts'
import { trackingLines } from './measure-lines.ts'

export const trackingTime: ChartBuilder = {
  id: 'tracking-time',
  title: 'Tracking strategies: write-time cost beside sync cost',
  about: 'Time spent in the tracker as the workload writes (paid on every write, between syncs) next to the CPU the sync itself takes.',
  build(rows, ctx) {
    return trackingLines(rows, ctx, 'tracker_ms', {
      title: this.title,
      legend: 'Dashed: time in the tracker during the epoch\'s writes. Solid: CPU of the sync, sender + receiver.',
      measures: [
        { name: 'sync CPU, sender + receiver', value: (r) => r.sender_cpu_ms + r.receiver_cpu_ms, dash: [1, 0] },
        { name: 'tracking during writes', value: (r) => r.tracker_ms, dash: [6, 3] },
      ],
      measureTitle: 'Cost',
      y: { kind: 'decimal', title: 'Time per sync (ms, log scale)', format: formatMs, valueTitle: 'Time per sync' },
    })
  },
}
