import { applyMutation } from '../workloads/apply-mutations.ts'
import { traceOf } from '../workloads/workload.ts'
import { TELEMETRY_COUNTERS, type AnyStrategy, type StrategyOptions, type TelemetryCounter, type Tracker } from '../core/strategy.ts'
import type { AnyWorkload } from '../workloads/workload.ts'
import { UnsupportedError } from '../core/errors.ts'
import { replicaQuota, type PreparedWorkload } from './prepare-workload.ts'
import { FaultInjector, type FaultSpec } from './faults.ts'
import { checkRow, type ResultRow } from '../core/result-row.ts'
import { runSync } from './run-sync.ts'
import { StagedStateStore } from './state-store.ts'
import type { TelemetryValues } from './telemetry.ts'
import { MeteredTrackerDevice } from './tracker-device.ts'
import { firstDifference, type Volume } from '../core/volume.ts'
import { FrameCodec, parseCompression } from './channel-codec.ts'
import { estimateSyncMs, parseProfile, PROFILES, type CostModel, type NetworkProfile } from '../core/network-profile.ts'

export interface CellSpec {
  runId: string
  strategy: AnyStrategy
  /** Resolved options, blockSize included. */
  options: StrategyOptions & Record<string, unknown>
  prepared: PreparedWorkload
  /** Repetition number, 1-based. Default 1. */
  repeat?: number
  /** Compression stage and the link the time estimate assumes. Default: none, wan, serial. */
  channel?: ChannelSetup
  /** A tracker fault to inject (harness/faults.ts). */
  fault?: FaultSpec
}

export interface ChannelSetup {
  codec?: FrameCodec
  compression: string
  profile: NetworkProfile
  model: CostModel
}

export const DEFAULT_CHANNEL: ChannelSetup = { compression: 'none', profile: PROFILES.wan!, model: 'serial' }

/** The channel a run's config asks for. */
export function channelFor(config: { compression: string; profile: string; costModel: CostModel }): ChannelSetup {
  const spec = parseCompression(config.compression)
  const profile = parseProfile(config.profile)
  return { codec: spec.kind === 'none' ? undefined : new FrameCodec(spec, profile), compression: config.compression, profile, model: config.costModel }
}

/** Why a cell cannot run, or undefined if it can. */
export function cellUnsupported(strategy: AnyStrategy, workload: AnyWorkload): string | undefined {
  const missing = strategy.unavailable?.()
  if (missing) return missing
  if (strategy.needsWriteTrace && !workload.hasWriteTrace) {
    return `${strategy.name} cannot run on ${workload.name}: it tracks writes at the source as they happen, and ${workload.name} has only before/after images (no write trace). Use a strategy that compares content (fixed-block-compare, whole-file) or a workload with a write trace.`
  }
  return undefined
}

/**
 * Runs one cell: a fresh source and replica from the base, then for each epoch the workload's writes
 * (seen by the tracker, timed), one sync, and a byte-for-byte check. Returns one row per epoch.
 */
export async function runCell(spec: CellSpec): Promise<ResultRow[]> {
  const { strategy, prepared } = spec
  const channel = spec.channel ?? DEFAULT_CHANNEL
  const why = cellUnsupported(strategy, prepared.workload)
  if (why) throw new UnsupportedError(why)
  const source = prepared.base.clone()
  const replica = prepared.base.clone()
  try {
    return await runEpochs(spec, channel, source, replica)
  } finally {
    prepared.storage.release(source)
    prepared.storage.release(replica)
  }
}

async function runEpochs(spec: CellSpec, channel: ChannelSetup, source: Volume, replica: Volume): Promise<ResultRow[]> {
  const { strategy, options, prepared } = spec
  const device = new MeteredTrackerDevice()
  const newTracker = (): Tracker | undefined => strategy.tracker?.({ geometry: { size: source.size, blockSize: options.blockSize }, device, source }, options)
  let tracker = newTracker()
  const senderState = new StagedStateStore()
  const receiverState = new StagedStateStore()
  const faults = spec.fault ? new FaultInjector(spec.fault, `${prepared.workload.name}/${prepared.params.seed}`, strategy, options.blockSize) : undefined
  const resetTracker = () => {
    // A tracker that restarts empty: its device and the sender's saved state are gone with it.
    device.clear()
    tracker = newTracker()
    senderState.reset()
  }
  const selfVerify = strategy.selfVerifies?.(options) === true
  const rows: ResultRow[] = []
  for (let e = 0; e < prepared.epochs.length; e++) {
    let trackerMs = 0
    let trackerWrites = 0
    let sourceWriteBytes = 0
    const deviceBefore = device.writtenBytes
    // performance.now() around a synchronous call: cheap enough per write, and equal to its CPU time.
    const deliverWrite = (offset: number, data: Uint8Array) => {
      const t = performance.now()
      tracker!.onWrite({ offset, data })
      trackerMs += performance.now() - t
    }
    const deliverResize = (size: number) => {
      const t = performance.now()
      tracker!.onResize(size)
      trackerMs += performance.now() - t
    }
    const observer = {
      onWrite(offset: number, data: Uint8Array) {
        sourceWriteBytes += data.length
        if (!tracker) return
        trackerWrites++
        if (faults) faults.write(offset, data, deliverWrite)
        else deliverWrite(offset, data)
      },
      onResize(size: number) {
        if (!tracker) return
        if (faults) faults.resize(size, deliverResize)
        else deliverResize(size)
      },
    }
    const mutations = prepared.epochs[e]!
    faults?.startEpoch(e + 1, mutations.length)
    for (let i = 0; i <= mutations.length; i++) {
      if (faults?.resetBefore(i)) resetTracker()
      if (i < mutations.length) applyMutation(source, mutations[i]!, observer, prepared.workload.name)
    }
    if (tracker?.snapshot) {
      const t = performance.now()
      await tracker.snapshot(source)
      trackerMs += performance.now() - t
    }
    const replicaBefore = replica.size
    const deviceHeld = device.size
    const sync = await runSync({ strategy, options, source, replica, tracker, senderState, receiverState, syncIndex: e + 1, codec: channel.codec, replicaQuota: replicaQuota(prepared), crashAfterApply: faults?.crashThisSync() })
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
        repeat: spec.repeat ?? 1,
        compression: channel.compression,
        bytes_uncompressed: c.uncompressed,
        compression_ratio: channel.codec && total > 0 ? c.uncompressed / total : null,
        est_profile: channel.profile.name,
        est_model: channel.model,
        est_sync_ms: round3(
          estimateSyncMs({ bytesDown: c.bytes.down, bytesUp: c.bytes.up, flights: c.flights, senderCpuMs: sync.sender.cpuMs, receiverCpuMs: sync.receiver.cpuMs }, channel.profile, channel.model),
        ),
        tracker_device_held_bytes: tracker ? deviceHeld : null,
        fault: faults ? faults.spec.kind : null,
        fault_rate: faults ? faults.spec.rate : null,
        faults_injected: faults ? faults.injected : null,
        caught_by_harness: faults ? diff >= 0 && !sync.error && c.byPhase.repair === 0 : null,
        self_verify_bytes: selfVerify ? c.byPhase.verify + c.byPhase.repair : null,
        self_detected: selfVerify ? c.byPhase.repair > 0 : null,
        self_repaired: selfVerify ? c.byPhase.repair > 0 && diff < 0 : null,
        trace: traceOf(prepared.workload),
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
