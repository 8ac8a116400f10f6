import type { ResultRow } from '../core/result-row.ts'
import { formatBytes } from '../core/units.ts'
import { textTable } from '../core/text-table.ts'
import { groupBy, median, medianInterval, type MedianInterval } from '../core/stats.ts'

export interface SummaryLine {
  strategy: string
  workload: string
  blockSize: number
  syncs: number
  /** Means per sync over every epoch and seed. */
  bytesDown: number
  bytesUp: number
  roundTrips: number
  /** Medians per sync across epochs, seeds and repeats, with their 95% bootstrap intervals. */
  senderCpuMs: number
  receiverCpuMs: number
  senderCpuInterval: MedianInterval
  receiverCpuInterval: MedianInterval
  repeats: number
  /** Σ bytes / Σ oracle over the group, or null with no oracle. */
  efficiency: number | null
  trackerStateBytes: number | null
  /** Tracking cost: median tracker time per sync (writes observed, or the snapshot), or null without a tracker. */
  trackerMs: number | null
  /** Tracking cost: mean bytes the tracker wrote to its device per sync (journal write amplification). */
  trackerDeviceBytes: number | null
  /** Largest state the sender kept between syncs (a manifest). */
  senderStateBytes: number
  wrong: number
  /** Median estimated sync time on the run's profile. */
  estMs: number
  estProfile: string
  /** With a fault: events injected over the group; syncs the strategy's self-verification detected and repaired. */
  faultsInjected: number | null
  selfDetected: number | null
  selfRepaired: number | null
}

/** Groups rows by strategy × workload × block size. */
export function summarise(rows: readonly ResultRow[]): SummaryLine[] {
  const out: SummaryLine[] = []
  for (const { rows: g } of groupBy(rows, ['strategy', 'workload', 'block_size'])) {
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
      senderCpuInterval: medianInterval(g.map((r) => r.sender_cpu_ms)),
      receiverCpuInterval: medianInterval(g.map((r) => r.receiver_cpu_ms)),
      repeats: Math.max(...g.map((r) => r.repeat)),
      efficiency: oracle && oracle > 0 ? bytes / oracle : null,
      trackerStateBytes: tracker.length ? Math.max(...tracker) : null,
      trackerMs: r0.tracker_ms === null ? null : median(g.map((r) => r.tracker_ms ?? 0)),
      trackerDeviceBytes: r0.tracker_device_bytes === null ? null : g.reduce((a, r) => a + (r.tracker_device_bytes ?? 0), 0) / n,
      senderStateBytes: Math.max(...g.map((r) => r.sender_state_bytes)),
      wrong: g.filter((r) => !r.correct).length,
      estMs: median(g.map((r) => r.est_sync_ms)),
      estProfile: r0.est_profile,
      faultsInjected: r0.faults_injected === null ? null : g.reduce((a, r) => a + (r.faults_injected ?? 0), 0),
      selfDetected: r0.self_detected === null ? null : g.filter((r) => r.self_detected).length,
      selfRepaired: r0.self_repaired === null ? null : g.filter((r) => r.self_repaired).length,
    })
  }
  return out.sort((a, b) => a.workload.localeCompare(b.workload) || a.strategy.localeCompare(b.strategy) || a.blockSize - b.blockSize)
}

/** The terminal table printed at the end of a run: bytes, then tracking costs, then correctness. */
export function summaryTable(rows: readonly ResultRow[]): string {
  const lines = summarise(rows)
  const withFaults = lines.some((s) => s.faultsInjected !== null)
  const withVerify = lines.some((s) => s.selfDetected !== null)
  const orDash = (v: number | null, f: (x: number) => string) => (v === null ? '-' : f(v))
  const cols: [string, boolean, (s: SummaryLine) => string][] = [
    ['workload', false, (s) => s.workload],
    ['strategy', false, (s) => s.strategy],
    ['block', true, (s) => formatBytes(s.blockSize)],
    ['down/sync', true, (s) => formatBytes(Math.round(s.bytesDown))],
    ['up/sync', true, (s) => formatBytes(Math.round(s.bytesUp))],
    ['RTs', true, (s) => s.roundTrips.toFixed(1)],
    ['send CPU ms', true, (s) => cpu(s.senderCpuMs, s.senderCpuInterval, s.repeats)],
    ['recv CPU ms', true, (s) => cpu(s.receiverCpuMs, s.receiverCpuInterval, s.repeats)],
    [`est ms (${lines[0]?.estProfile ?? 'wan'})`, true, (s) => s.estMs.toFixed(1)],
    ['× oracle', true, (s) => orDash(s.efficiency, (x) => x.toFixed(2))],
    ['track ms', true, (s) => orDash(s.trackerMs, (x) => x.toFixed(2))],
    ['track written/sync', true, (s) => orDash(s.trackerDeviceBytes, (x) => formatBytes(Math.round(x)))],
    ['tracker state', true, (s) => orDash(s.trackerStateBytes, formatBytes)],
    ['sender state', true, (s) => formatBytes(s.senderStateBytes)],
    ...(withFaults ? [['faults', true, (s: SummaryLine) => orDash(s.faultsInjected, String)] as [string, boolean, (s: SummaryLine) => string]] : []),
    ...(withVerify ? [['self-repaired', true, (s: SummaryLine) => (s.selfDetected === null ? '-' : `${s.selfRepaired}/${s.selfDetected}`)] as [string, boolean, (s: SummaryLine) => string]] : []),
    ['correct', false, (s) => (s.wrong === 0 ? 'yes' : `NO (${s.wrong}/${s.syncs} wrong)`)],
  ]
  const head = cols.map((c) => c[0])
  const body = lines.map((s) => cols.map((c) => c[2](s)))
  return textTable([head, ...body], { columns: cols.map((c) => ({ align: c[1] ? 'right' : 'left' })), rule: true }).join('\n')
}

/** A CPU median; with repeats, its 95% bootstrap interval too. */
function cpu(ms: number, x: MedianInterval, repeats: number): string {
  return repeats > 1 ? `${ms.toFixed(1)} [${x.lo.toFixed(1)}-${x.hi.toFixed(1)}]` : ms.toFixed(1)
}
