/**
 * Syncs with a fault injected, tallied per series (strategy plus the options that differ) and fault, from
 * the fault columns the harness writes (core/result-row.ts): fault, faults_injected, caught_by_harness,
 * self_detected, self_repaired and self_verify_bytes. A row without a fault has an empty fault column.
 */
import type { ResultRow } from '../../core/result-row.ts'
import { bytes } from './format.ts'
import { seriesLabeller } from './series-label.ts'

/** What self-verification did over a cell's syncs. */
export interface SelfVerifyTally {
  /** Syncs whose own digest check found the replica wrong and ran the repair pass (self_detected). */
  detected: number
  /** Of those, the syncs that ended byte-exact (self_repaired). */
  repaired: number
  /** Σ self_verify_bytes: digests, plus the repair passes that ran. */
  bytes: number
}

export interface FaultCell {
  strategy: string
  series: string
  fault: string
  syncs: number
  wrong: number
  /** Fault events that hit (Σ faults_injected). */
  events: number
  /** Wrong replicas nothing but the harness's byte check saw (caught_by_harness). */
  harnessOnly: number
  /** Null when the series ran without self-verification (its columns are empty). */
  selfVerify: SelfVerifyTally | null
}

function tally(c: FaultCell, r: ResultRow): void {
  c.syncs++
  if (!r.correct) c.wrong++
  c.events += r.faults_injected ?? 0
  if (r.caught_by_harness) c.harnessOnly++
  if (r.self_detected === null) return
  c.selfVerify ??= { detected: 0, repaired: 0, bytes: 0 }
  if (r.self_detected) c.selfVerify.detected++
  if (r.self_repaired) c.selfVerify.repaired++
  c.selfVerify.bytes += r.self_verify_bytes ?? 0
}

/** The fault cells of these rows, in order of first appearance; empty when no row has a fault injected. */
export function faultCells(rows: readonly ResultRow[]): FaultCell[] {
  const cells = new Map<string, FaultCell>()
  const seriesLabel = seriesLabeller(rows)
  for (const r of rows) {
    if (r.fault === null) continue
    const series = seriesLabel(r)
    const key = JSON.stringify([series, r.fault])
    let c = cells.get(key)
    if (!c) cells.set(key, (c = { strategy: r.strategy, series, fault: r.fault, syncs: 0, wrong: 0, events: 0, harnessOnly: 0, selfVerify: null }))
    tally(c, r)
  }
  return [...cells.values()]
}

/** "detected 3 of 8, repaired 3, 1.2 KiB per sync", or "off" for a series without self-verification. */
export function selfVerifyText(c: FaultCell): string {
  const v = c.selfVerify
  return v ? `detected ${v.detected} of ${c.syncs}, repaired ${v.repaired}, ${bytes(v.bytes / c.syncs)} per sync` : 'off'
}
