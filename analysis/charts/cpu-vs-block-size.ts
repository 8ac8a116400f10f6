/**
 * CPU time per sync against block size, sender and receiver apart (solid and dashed), a panel per workload.
 */
import { runSpreadLines, type ChartBuilder } from './chart.ts'
import { formatMs } from './format.ts'
import { measureLines } from './measure-lines.ts'

export const cpuVsBlockSize: ChartBuilder = {
  id: 'cpu-vs-block-size',
  title: 'CPU time per sync vs block size',
  about: 'CPU (user + system) each half spends per sync: the sender solid, the receiver dashed. Process-wide, so V8 background work is included.',
  build(rows, ctx) {
    return measureLines(rows, ctx, {
      title: this.title,
      subtitle: ["User + system CPU of each half (process-wide, so V8's GC and JIT threads are included).", ...runSpreadLines(ctx)],
      measures: [
        { name: 'sender', value: (r) => r.sender_cpu_ms, dash: [1, 0] },
        { name: 'receiver', value: (r) => r.receiver_cpu_ms, dash: [6, 3] },
      ],
      measureTitle: 'Half',
      y: { kind: 'decimal', title: 'CPU time per sync (ms, log scale)', format: formatMs, valueTitle: 'CPU per sync' },
    })
  },
}
