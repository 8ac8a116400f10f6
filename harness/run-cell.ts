import { applyMutation } from '../workloads/apply-mutations.ts'
import { TELEMETRY_COUNTERS, type AnyStrategy, type StrategyOptions, type TelemetryCounter, type Tracker } from '../strategies/strategy.ts'
import { UnsupportedError } from './errors.ts'
import type { PreparedWorkload } from './prepare-workload.ts'
import { checkRow, type ResultRow } from './record.ts'
import { runSync } from './run-sync.ts'
import { StagedStateStore } from './state-store.ts'
import type { TelemetryValues } from './telemetry.ts'
import { MeteredTrackerDevice } from './tracker-device.ts'
import { firstDifference, MemoryVolume } from './volume.ts'

export interface CellSpec {
  runId: string
  strategy: AnyStrategy
  /** Resolved options, blockSize included. */
  options: StrategyOptions & Record<string, unknown>
  prepared: PreparedWorkload
}

/** Why a cell cannot run, or undefined if it can. */
export function cellUnsupported(strategy: AnyStrategy, prepared: PreparedWorkload): string | undefined {
  const missing = strategy.unavailable?.()
  if (missing) return missing
  if (strategy.needsWriteTrace && !prepared.workload.hasWriteTrace) {
    return `${strategy.name} cannot run on ${prepared.workload.name}: it tracks writes at the source as they happen, and ${prepared.workload.name} has only before/after images (no write trace). Use a strategy that compares content (${'fixed-block-compare'}, whole-file) or a workload with a write trace.`
  }
  return undefined
}

/**
 * Runs one cell: a fresh source and replica from the base, then for each epoch the workload's writes
 * (seen by the tracker, timed), one sync, and a byte-for-byte check. Returns one row per epoch.
 */
export async function runCell(spec: CellSpec): Promise<ResultRow[]> {
  const { strategy, options, prepared } = spec
  const why = cellUnsupported(strategy, prepared)
  if (why) throw new UnsupportedError(why)
  const source = new MemoryVolume(prepared.base)
  const replica = new MemoryVolume(prepared.base)
  const device = new MeteredTrackerDevice()
  const tracker: Tracker | undefined = strategy.tracker?.({ geometry: { size: source.size, blockSize: options.blockSize }, device }, options)
  const senderState = new StagedStateStore()
  const receiverState = new StagedStateStore()
  const rows: ResultRow[] = []
  for (let e = 0; e < prepared.epochs.length; e++) {
    let trackerMs = 0
    let trackerWrites = 0
    let sourceWriteBytes = 0
    const deviceBefore = device.writtenBytes
    const observer = {
      onWrite(offset: number, data: Uint8Array) {
        sourceWriteBytes += data.length
        if (!tracker) return
        trackerWrites++
        // performance.now() around a synchronous call: cheap enough per write, and equal to its CPU time.
        const t = performance.now()
        tracker.onWrite({ offset, data })
        trackerMs += performance.now() - t
      },
      onResize(size: number) {
        if (!tracker) return
        const t = performance.now()
        tracker.onResize(size)
        trackerMs += performance.now() - t
      },
    }
    for (const m of prepared.epochs[e]!) applyMutation(source, m, observer, prepared.workload.name)
    const replicaBefore = replica.size
    const sync = await runSync({ strategy, options, source, replica, tracker, senderState, receiverState, syncIndex: e + 1 })
    const diff = firstDifference(replica, source)
    const c = sync.counters
    const total = c.bytes.down + c.bytes.up
    const oracle = prepared.oracle[e] ?? null
    rows.push(
      checkRow({
        run_id: spec.runId,
        strategy: strategy.name,
        strategy_options: JSON.stringify(options),
        workload: prepared.workload.name,
        workload_options: JSON.stringify(prepared.options),
        content: prepared.params.content,
        block_size: options.blockSize,
        seed: prepared.params.seed,
        epoch: e + 1,
        volume_bytes: source.size,
        replica_bytes_before: replicaBefore,
        mutations: prepared.epochs[e]!.length,
        source_write_bytes: sourceWriteBytes,
        oracle_bytes: oracle?.bytes ?? null,
        oracle_new_bytes: oracle?.newBytes ?? null,
        bytes_down: c.bytes.down,
        bytes_up: c.bytes.up,
        bytes_total: total,
        frames_down: c.frames.down,
        frames_up: c.frames.up,
        flights: c.flights,
        round_trips: c.flights / 2,
        bytes_signature: c.byKind.signature,
        bytes_manifest: c.byKind.manifest,
        bytes_literal: c.byKind.literal,
        bytes_copy: c.byKind.copy,
        bytes_control: c.byKind.control,
        bytes_framing: c.framing,
        efficiency: oracle && oracle.bytes > 0 ? total / oracle.bytes : null,
        sender_cpu_ms: round3(sync.sender.cpuMs),
        receiver_cpu_ms: round3(sync.receiver.cpuMs),
        sender_wall_ms: round3(sync.sender.wallMs),
        receiver_wall_ms: round3(sync.receiver.wallMs),
        sync_wall_ms: round3(sync.wallMs),
        tracker_ms: tracker ? round3(trackerMs) : null,
        tracker_writes: tracker ? trackerWrites : null,
        tracker_state_bytes: tracker ? tracker.serialize().length : null,
        tracker_device_bytes: tracker ? device.writtenBytes - deviceBefore : null,
        sender_state_bytes: senderState.bytes,
        receiver_state_bytes: receiverState.bytes,
        correct: diff < 0,
        first_diff_offset: diff < 0 ? null : diff,
        error: sync.error ?? null,
        child_cpu_ms: sync.sender.childCpuMs + sync.receiver.childCpuMs > 0 ? round3(sync.sender.childCpuMs + sync.receiver.childCpuMs) : null,
        ...telemetryColumns(sync.telemetry),
      }),
    )
  }
  return rows
}

/** One column per telemetry counter, null where no half reported it. */
function telemetryColumns(t: TelemetryValues): Record<TelemetryCounter, number | null> {
  return Object.fromEntries(TELEMETRY_COUNTERS.map((k) => [k, t[k] ?? null])) as Record<TelemetryCounter, number | null>
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000
}
