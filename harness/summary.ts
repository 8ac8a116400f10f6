import type { ResultRow } from './record.ts'
import { formatBytes } from './units.ts'
import { median, spread, type Spread } from './stats.ts'

export { median }

export interface SummaryLine {
  strategy: string
  workload: string
  blockSize: number
  syncs: number
  /** Means per sync over every epoch and seed. */
  bytesDown: number
  bytesUp: number
  roundTrips: number
  /** Medians per sync, with the spread across epochs, seeds and repeats. */
  senderCpuMs: number
  receiverCpuMs: number
  senderCpu: Spread
  receiverCpu: Spread
  repeats: number
  /** Σ bytes / Σ oracle over the group, or null with no oracle. */
  efficiency: number | null
  trackerStateBytes: number | null
  wrong: number
  /** Median estimated sync time on the run's profile. */
  estMs: number
  estProfile: string
}

/** Groups rows by strategy × workload × block size. */
export function summarise(rows: readonly ResultRow[]): SummaryLine[] {
  const groups = new Map<string, ResultRow[]>()
  for (const r of rows) {
    const k = JSON.stringify([r.strategy, r.workload, r.block_size])
    groups.set(k, [...(groups.get(k) ?? []), r])
  }
  const out: SummaryLine[] = []
  for (const g of groups.values()) {
    const r0 = g[0]!
    const n = g.length
    const oracle = g.every((r) => r.oracle_bytes !== null) ? g.reduce((a, r) => a + (r.oracle_bytes ?? 0), 0) : null
    const bytes = g.reduce((a, r) => a + r.bytes_total, 0)
    const tracker = g.filter((r) => r.tracker_state_bytes !== null).map((r) => r.tracker_state_bytes!)
    out.push({
      strategy: r0.strategy,
      workload: r0.workload,
      blockSize: r0.block_size,
      syncs: n,
      bytesDown: g.reduce((a, r) => a + r.bytes_down, 0) / n,
      bytesUp: g.reduce((a, r) => a + r.bytes_up, 0) / n,
      roundTrips: g.reduce((a, r) => a + r.round_trips, 0) / n,
      senderCpuMs: median(g.map((r) => r.sender_cpu_ms)),
      receiverCpuMs: median(g.map((r) => r.receiver_cpu_ms)),
      senderCpu: spread(g.map((r) => r.sender_cpu_ms)),
      receiverCpu: spread(g.map((r) => r.receiver_cpu_ms)),
      repeats: Math.max(...g.map((r) => r.repeat)),
      efficiency: oracle && oracle > 0 ? bytes / oracle : null,
      trackerStateBytes: tracker.length ? Math.max(...tracker) : null,
      wrong: g.filter((r) => !r.correct).length,
      estMs: median(g.map((r) => r.est_sync_ms)),
      estProfile: r0.est_profile,
    })
  }
  return out.sort((a, b) => a.workload.localeCompare(b.workload) || a.strategy.localeCompare(b.strategy) || a.blockSize - b.blockSize)
}

/** The terminal table printed at the end of a run. */
export function summaryTable(rows: readonly ResultRow[]): string {
  const lines = summarise(rows)
  const head = ['workload', 'strategy', 'block', 'down/sync', 'up/sync', 'RTs', 'send CPU ms', 'recv CPU ms', `est ms (${lines[0]?.estProfile ?? 'wan'})`, '× oracle', 'tracker state', 'correct']
  const body = lines.map((s) => [
    s.workload,
    s.strategy,
    formatBytes(s.blockSize),
    formatBytes(Math.round(s.bytesDown)),
    formatBytes(Math.round(s.bytesUp)),
    s.roundTrips.toFixed(1),
    cpu(s.senderCpu, s.repeats),
    cpu(s.receiverCpu, s.repeats),
    s.estMs.toFixed(1),
    s.efficiency === null ? '-' : s.efficiency.toFixed(2),
    s.trackerStateBytes === null ? '-' : formatBytes(s.trackerStateBytes),
    s.wrong === 0 ? 'yes' : `NO (${s.wrong}/${s.syncs} wrong)`,
  ])
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((r) => r[i]!.length)))
  const numeric = new Set([2, 3, 4, 5, 6, 7, 8, 9, 10])
  const fmt = (cells: string[]) => cells.map((c, i) => (numeric.has(i) ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ')
  return [fmt(head), widths.map((w) => '─'.repeat(w)).join('  '), ...body.map(fmt)].join('\n')
}

/** A CPU median; with repeats, its 95% bootstrap interval too. */
function cpu(x: Spread, repeats: number): string {
  return repeats > 1 ? `${x.median.toFixed(1)} [${x.lo.toFixed(1)}-${x.hi.toFixed(1)}]` : x.median.toFixed(1)
}
