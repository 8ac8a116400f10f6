/**
 * CPU time per sync against block size: one line per strategy (sender + receiver), a panel per workload;
 * each half's share is in the tooltip, so a panel holds one line per strategy, not two.
 */
import { cellFigure } from '../../core/aggregation.ts'
import { runSpreadLines, type ChartBuilder } from './chart.ts'
import { formatMs } from './format.ts'
import { measureLines } from './measure-lines.ts'

export const cpuVsBlockSize: ChartBuilder = {
  id: 'cpu-vs-block-size',
  title: 'CPU time per sync vs block size',
  about: 'CPU (user + system) of sender and receiver together per sync, each half in the tooltip. Process-wide, so V8 background work is included.',
  build(rows, ctx) {
    return measureLines(rows, ctx, {
      title: this.title,
      subtitle: ["User + system CPU of sender and receiver together (process-wide, so V8's GC and JIT threads are included); each half in the tooltip.", ...runSpreadLines(ctx)],
      measures: [
        {
          name: 'sender + receiver',
          value: (r) => r.sender_cpu_ms + r.receiver_cpu_ms,
          dash: [1, 0],
          detail: (c) => `sender ${formatMs(cellFigure(c.rows, (r) => r.sender_cpu_ms)?.median ?? NaN)}, receiver ${formatMs(cellFigure(c.rows, (r) => r.receiver_cpu_ms)?.median ?? NaN)}`,
        },
      ],
      measureTitle: 'CPU of',
      y: { kind: 'decimal', title: 'CPU time per sync (ms, log scale)', format: formatMs, valueTitle: 'CPU per sync' },
    })
  },
}
