/**
 * For tracking strategies: every byte they keep between syncs (tracker state, sender state, receiver state:
 * a bitmap, a journal index, snapshot-diff's manifest) and the bytes the tracker writes to its own device,
 * beside the bytes the sync sends, against block size.
 */
import { cellFigure } from '../../core/aggregation.ts'
import { KEPT_STATE_WORDS, keptStateBytes, STATE_KINDS } from '../kept-state.ts'
import type { ChartBuilder } from './chart.ts'
import { bytes } from './format.ts'
import { trackingLines } from './measure-lines.ts'

export const trackingState: ChartBuilder = {
  id: 'tracking-state',
  title: 'Tracking strategies: state kept beside bytes sent',
  about: 'Every byte a tracking strategy keeps between syncs, whoever keeps it (tracker: bitmap, journal index; sender: a snapshot manifest; receiver: its acknowledged state), and what the tracker wrote to its own device, next to the bytes the sync sent. The tooltip splits the state by kind.',
  build(rows, ctx) {
    return trackingLines(rows, ctx, 'tracker_state_bytes', {
      title: this.title,
      legend: `Solid: bytes sent per sync. Dashed: ${KEPT_STATE_WORDS} (split in the tooltip). Dotted: bytes the tracker wrote to its device.`,
      measures: [
        { name: 'bytes sent per sync', value: (r) => r.bytes_total, dash: [1, 0] },
        {
          name: 'state kept (tracker + sender + receiver)',
          value: keptStateBytes,
          dash: [6, 3],
          detail: (c) => STATE_KINDS.map((k) => `${k.kind} ${bytes(cellFigure(c.rows, k.value)?.median ?? 0)}`).join(' + '),
        },
        { name: 'tracker device writes', value: (r) => r.tracker_device_bytes, dash: [2, 2] },
      ],
      measureTitle: 'Bytes',
      y: { kind: 'bytes', title: 'Bytes per sync (log scale)', format: bytes, valueTitle: 'Bytes per sync' },
    })
  },
}
