/**
 * For tracking strategies: the state a tracker holds and the bytes it writes to its own device, beside
 * the bytes the sync sends, against block size.
 */
import type { ChartBuilder } from './chart.ts'
import { bytes } from './format.ts'
import { trackingLines } from './measure-lines.ts'

export const trackingState: ChartBuilder = {
  id: 'tracking-state',
  title: 'Tracking strategies: state held beside bytes sent',
  about: 'The tracker\'s state after each sync (bitmap, journal index) and what it wrote to its own device, next to the bytes the sync sent.',
  build(rows, ctx) {
    return trackingLines(rows, ctx, 'tracker_state_bytes', {
      title: this.title,
      legend: 'Solid: bytes sent per sync. Dashed: tracker state held after the sync. Dotted: bytes the tracker wrote to its device.',
      measures: [
        { name: 'bytes sent per sync', value: (r) => r.bytes_total, dash: [1, 0] },
        { name: 'tracker state held', value: (r) => r.tracker_state_bytes, dash: [6, 3] },
        { name: 'tracker device writes', value: (r) => r.tracker_device_bytes, dash: [2, 2] },
      ],
      measureTitle: 'Bytes',
      y: { kind: 'bytes', title: 'Bytes per epoch (log scale)', format: bytes, valueTitle: 'Bytes per epoch' },
    })
  },
}
