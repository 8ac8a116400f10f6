/**
 * The report's summary table: one line per workload × strategy × block size, every number the median over
 * seeds of that seed's mean per sync, with min–max beside it, as the charts show them.
 */
import { acrossSeeds, efficiencyPerSeed, meanPerSync } from '../charts/aggregate.ts'
import { groupBy, type Spread } from '../../core/stats.ts'
import type { ChartContext } from '../charts/chart.ts'
import { blockLabel, bytes, formatMs, formatRatio } from '../charts/format.ts'
import type { ResultRow } from '../../core/result-row.ts'

/** A median, and the min–max over seeds when it shows a difference at the precision printed. */
export interface SummaryCell {
  value: string
  range: string | null
}

export interface SummaryLine {
  workload: string
  strategy: string
  block: string
  sent: SummaryCell
  up: SummaryCell
  vsOracle: SummaryCell
  roundTrips: SummaryCell
  senderCpu: SummaryCell
  receiverCpu: SummaryCell
  trackerState: SummaryCell
  syncs: number
  wrong: number
}

function cell(s: Spread | null, f: (n: number) => string): SummaryCell {
  if (!s) return { value: '–', range: null }
  const lo = f(s.min)
  const hi = f(s.max)
  return { value: f(s.median), range: lo === hi ? null : `${lo} – ${hi}` }
}

export function summaryLines(rows: readonly ResultRow[], ctx: ChartContext): SummaryLine[] {
  const lines = groupBy(rows, ['workload', 'strategy', 'block_size']).map((g) => {
    const per = (f: (r: ResultRow) => number | null) => acrossSeeds(g.rows, meanPerSync(f))
    return {
      key: g.key,
      line: {
        workload: g.key.workload,
        strategy: g.key.strategy,
        block: blockLabel(g.key.block_size),
        sent: cell(per((r) => r.bytes_total), bytes),
        up: cell(per((r) => r.bytes_up), bytes),
        vsOracle: cell(acrossSeeds(g.rows, efficiencyPerSeed), formatRatio),
        roundTrips: cell(per((r) => r.round_trips), (n) => String(Number(n.toFixed(2)))),
        senderCpu: cell(per((r) => r.sender_cpu_ms), formatMs),
        receiverCpu: cell(per((r) => r.receiver_cpu_ms), formatMs),
        trackerState: cell(per((r) => r.tracker_state_bytes), bytes),
        syncs: g.rows.length,
        wrong: g.rows.filter((r) => !r.correct).length,
      },
    }
  })
  const rank = (list: readonly (string | number)[], v: string | number) => list.indexOf(v)
  lines.sort(
    (a, b) =>
      rank(ctx.workloads, a.key.workload) - rank(ctx.workloads, b.key.workload) ||
      rank(ctx.strategies, a.key.strategy) - rank(ctx.strategies, b.key.strategy) ||
      a.key.block_size - b.key.block_size,
  )
  return lines.map((l) => l.line)
}
