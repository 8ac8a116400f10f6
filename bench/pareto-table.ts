/** bench/pareto.ts's table: one Markdown line per trade-off point, fewest bytes first, with its bytes and CPU. */
import type { ResultRow } from '../core/result-row.ts'
import { formatBytes } from '../core/units.ts'
import { tradeoffPoints } from '../analysis/charts/tradeoff-points.ts'

const HEAD = ['workload', 'series', 'block', 'down', 'up', 'total (B)', '× local floor', 'sender CPU ms', 'receiver CPU ms', 'CPU ms (both)', 'Pareto front']

export function paretoTable(rows: readonly ResultRow[]): string {
  const points = tradeoffPoints(rows).sort((a, b) => a.workload.localeCompare(b.workload) || a.bytes - b.bytes)
  const lines = points.map((p) => [
    p.workload,
    p.series + (p.wrong ? ' (WRONG replica)' : ''),
    p.block,
    formatBytes(Math.round(p.bytes_down)),
    formatBytes(Math.round(p.bytes_up)),
    String(Math.round(p.bytes)),
    p.vs_local === null ? '' : `${p.vs_local.toFixed(2)}×`,
    p.sender_cpu.toFixed(0),
    p.receiver_cpu.toFixed(0),
    p.cpu.toFixed(0),
    p.pareto ? 'yes' : '',
  ])
  return [HEAD, HEAD.map(() => '---'), ...lines].map((l) => `| ${l.join(' | ')} |`).join('\n')
}
