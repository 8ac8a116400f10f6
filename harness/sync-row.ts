import { TELEMETRY_COUNTERS, type AnyStrategy, type StrategyOptions, type TelemetryCounter } from '../core/strategy.ts'
import { checkRow, COLUMN_NAMES, type ColumnName, type ResultRow } from '../core/result-row.ts'
import { estimateSyncMs } from '../core/network-profile.ts'
import { traceOf } from '../workloads/workload.ts'
import type { ChannelSetup } from './channel-setup.ts'
import type { FaultSpec } from './faults.ts'
import type { LocalFloor, PreparedWorkload } from './prepare-workload.ts'
import type { OracleBound } from './oracle.ts'
import type { SessionSync, TrackerEpoch } from './sync-session.ts'
import type { TelemetryValues } from './telemetry.ts'

/** What one epoch of a cell says, gathered once its sync is done. */
export interface EpochFacts {
  runId: string
  strategy: AnyStrategy
  /** Resolved options, blockSize included. */
  options: StrategyOptions & Record<string, unknown>
  prepared: PreparedWorkload
  repeat: number
  channel: ChannelSetup
  /** 1-based. */
  epoch: number
  sync: SessionSync
  /** Source size after the epoch. */
  volumeBytes: number
  /** First offset where the replica differs from the source after the sync; -1 when they are equal. */
  firstDiff: number
  /** The fault of the run and its events in this epoch; null without one. */
  fault: { spec: FaultSpec; injected: number } | null
  /** steady: an uncounted priming sync ran before the first measured one; cold: it did not (--cold). */
  syncState: 'steady' | 'cold'
}

/** Columns that are all null when their group does not apply to a row, and all set when it does. */
export const OPTIONAL_GROUPS = {
  /** The strategy has a tracker. */
  tracker: ['tracker_ms', 'tracker_writes', 'tracker_state_bytes', 'tracker_device_bytes', 'tracker_device_held_bytes'],
  /** The run injects a fault. */
  fault: ['fault', 'fault_rate', 'faults_injected', 'caught_by_harness'],
  /** The strategy self-verifies. */
  selfVerify: ['self_verify_bytes', 'self_detected', 'self_repaired'],
  /** The workload recorded its edits, so the epoch has an oracle bound. */
  oracle: ['oracle_bytes', 'oracle_new_bytes'],
  /** The run computed the local-delta floor (--floor). */
  localFloor: ['local_floor_bytes', 'local_floor_tool', 'vs_local'],
} as const satisfies Record<string, readonly ColumnName[]>

type Group<K extends ColumnName> = Pick<ResultRow, K>
type Optional<G extends keyof typeof OPTIONAL_GROUPS> = Group<(typeof OPTIONAL_GROUPS)[G][number]>

/** The row of one epoch, column group by column group; checkRow validates it. */
export function syncRow(f: EpochFacts): ResultRow {
  const c = f.sync.counters
  return inColumnOrder(
    checkRow({
      ...identityColumns(f),
      ...epochColumns(f),
      ...floorColumns(f.prepared.oracle[f.epoch - 1] ?? null, f.prepared.localFloor?.[f.epoch - 1] ?? null, c.bytes.down + c.bytes.up, f.channel),
      ...channelColumns(f.sync, f.channel),
      ...costColumns(f.sync, f.channel),
      ...trackerColumns(f.sync.tracker),
      ...outcomeColumns(f.sync, f.firstDiff),
      ...faultColumns(f.fault, f.sync, f.firstDiff),
      ...selfVerifyColumns(f.strategy.selfVerifies?.(f.options) === true, f.sync, f.firstDiff),
      ...telemetryColumns(f.sync.telemetry),
      dedup_ratio: dedupRatio(f.sync.telemetry.matched_data, f.volumeBytes),
    }),
  )
}

function identityColumns(f: EpochFacts): Group<'run_id' | 'strategy' | 'strategy_options' | 'workload' | 'workload_options' | 'content' | 'block_size' | 'uses_block_size' | 'sync_state' | 'seed' | 'epoch' | 'repeat' | 'trace'> {
  const { workload, options, params } = f.prepared
  return {
    run_id: f.runId,
    strategy: f.strategy.name,
    strategy_options: JSON.stringify(f.options),
    workload: workload.name,
    workload_options: JSON.stringify(options),
    content: params.content,
    block_size: f.options.blockSize,
    uses_block_size: f.strategy.ignoresBlockSize?.(f.options) !== true,
    sync_state: f.syncState,
    seed: params.seed,
    epoch: f.epoch,
    repeat: f.repeat,
    trace: traceOf(workload),
  }
}

function epochColumns(f: EpochFacts): Group<'volume_bytes' | 'replica_bytes_before' | 'mutations' | 'source_write_bytes'> {
  return {
    volume_bytes: f.volumeBytes,
    replica_bytes_before: f.sync.replicaBytesBefore,
    mutations: f.prepared.epochs[f.epoch - 1]!.length,
    source_write_bytes: f.sync.sourceWriteBytes,
  }
}

/** The epoch's two yardsticks (new bytes the edits wrote, the best local delta), the ratios, and why a row is under one. */
function floorColumns(oracle: OracleBound | null, local: LocalFloor | null, total: number, channel: ChannelSetup): Optional<'oracle'> & Optional<'localFloor'> & Group<'efficiency' | 'under_floor'> {
  const reasons: string[] = []
  if (oracle && total < oracle.bytes) reasons.push(underOracleReason(channel))
  if (local && total < local.bytes) reasons.push(underLocalReason(local))
  return {
    // A yardstick of zero bytes (an epoch that changed nothing) gives no ratio.
    ...(oracle ? { oracle_bytes: oracle.bytes, oracle_new_bytes: oracle.newBytes } : absent(OPTIONAL_GROUPS.oracle)),
    efficiency: oracle && oracle.bytes > 0 ? total / oracle.bytes : null,
    ...(local ? { local_floor_bytes: local.bytes, local_floor_tool: local.tool, vs_local: local.bytes > 0 ? total / local.bytes : null } : absent(OPTIONAL_GROUPS.localFloor)),
    under_floor: reasons.length ? reasons.join('; ') : null,
  }
}

/** The oracle counts every byte the edits wrote as new and uncompressed: compressing or matching them is how a row gets under it. */
function underOracleReason(channel: ChannelSetup): string {
  const coder = channel.codec ? `the channel's ${channel.compression} or the strategy's own coder` : "the strategy's own coder"
  return `under oracle_bytes: the oracle counts every written byte as new and uncompressed; this sync compressed them (${coder}) or matched written bytes equal to old content elsewhere (moved pages, repeated data)`
}

function underLocalReason(local: LocalFloor): string {
  // Both local deltas carry fixed headers (magic, window and checksum fields): tens of bytes.
  return local.bytes <= 1024
    ? `under local_floor_bytes: the change is so small that the local deltas' fixed headers (${local.tool}) outweigh it`
    : `under local_floor_bytes: this sync coded the change in fewer bytes than ${local.tool} with both versions at hand`
}

/** What crossed the channel, by direction and by kind, and what compression saved. */
function channelColumns(sync: SessionSync, channel: ChannelSetup) {
  const c = sync.counters
  const total = c.bytes.down + c.bytes.up
  return {
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
    compression: channel.compression,
    bytes_uncompressed: c.uncompressed,
    compression_ratio: channel.codec && total > 0 ? c.uncompressed / total : null,
  } satisfies Partial<ResultRow>
}

/** Measured CPU and wall time, and the time the sync would take on the run's network profile. */
function costColumns(sync: SessionSync, channel: ChannelSetup) {
  const { sender, receiver, counters: c } = sync
  const childCpuMs = sender.childCpuMs + receiver.childCpuMs
  // The tracker's time (its writes, and a snapshot before the sync) is the sender side's cost of the sync too.
  const senderCpuMs = sender.cpuMs + (sync.tracker?.ms ?? 0)
  const estimate = estimateSyncMs({ bytesDown: c.bytes.down, bytesUp: c.bytes.up, flights: c.flights, senderCpuMs, receiverCpuMs: receiver.cpuMs }, channel.profile, channel.model)
  return {
    sender_cpu_ms: round3(sender.cpuMs),
    receiver_cpu_ms: round3(receiver.cpuMs),
    sender_wall_ms: round3(sender.wallMs),
    receiver_wall_ms: round3(receiver.wallMs),
    sync_wall_ms: round3(sync.wallMs),
    est_profile: channel.profile.name,
    est_model: channel.model,
    est_sync_ms: round3(estimate),
    child_cpu_ms: childCpuMs > 0 ? round3(childCpuMs) : null,
  } satisfies Partial<ResultRow>
}

function trackerColumns(t: TrackerEpoch | null): Optional<'tracker'> {
  if (!t) return absent(OPTIONAL_GROUPS.tracker)
  return {
    tracker_ms: round3(t.ms),
    tracker_writes: t.writes,
    tracker_state_bytes: t.stateBytes,
    tracker_device_bytes: t.deviceBytes,
    tracker_device_held_bytes: t.deviceHeldBytes,
  }
}

/** Whether the replica came out right, what failed if not, and the state each half keeps. */
function outcomeColumns(sync: SessionSync, firstDiff: number): Group<'correct' | 'first_diff_offset' | 'error' | 'sender_state_bytes' | 'receiver_state_bytes'> {
  return {
    correct: firstDiff < 0,
    first_diff_offset: firstDiff < 0 ? null : firstDiff,
    error: sync.error ?? null,
    sender_state_bytes: sync.senderStateBytes,
    receiver_state_bytes: sync.receiverStateBytes,
  }
}

function faultColumns(fault: EpochFacts['fault'], sync: SessionSync, firstDiff: number): Optional<'fault'> {
  if (!fault) return absent(OPTIONAL_GROUPS.fault)
  return {
    fault: fault.spec.kind,
    fault_rate: fault.spec.rate,
    faults_injected: fault.injected,
    // Wrong, yet nothing else noticed: no error, and no repair pass of the strategy's own.
    caught_by_harness: firstDiff >= 0 && !sync.error && sync.counters.byPhase.repair === 0,
  }
}

function selfVerifyColumns(selfVerify: boolean, sync: SessionSync, firstDiff: number): Optional<'selfVerify'> {
  if (!selfVerify) return absent(OPTIONAL_GROUPS.selfVerify)
  const { verify, repair } = sync.counters.byPhase
  return { self_verify_bytes: verify + repair, self_detected: repair > 0, self_repaired: repair > 0 && firstDiff < 0 }
}

/** One column per telemetry counter, null where no half reported it. */
function telemetryColumns(t: TelemetryValues): Record<TelemetryCounter, number | null> {
  return Object.fromEntries(TELEMETRY_COUNTERS.map((k) => [k, t[k] ?? null])) as Record<TelemetryCounter, number | null>
}

/** The share of the new version rebuilt from the replica (matched_data / size); null without matched_data. */
function dedupRatio(matched: number | undefined, size: number): number | null {
  if (matched === undefined) return null
  return size === 0 ? 1 : matched / size
}

/** Every column of a group null. */
function absent<K extends ColumnName>(names: readonly K[]): Record<K, null> {
  return Object.fromEntries(names.map((n) => [n, null])) as Record<K, null>
}

// Keys in COLUMNS order, as the row literal had them, so rows.jsonl of two runs differ only in timing.
function inColumnOrder(row: ResultRow): ResultRow {
  return Object.fromEntries(COLUMN_NAMES.map((n) => [n, row[n]])) as ResultRow
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000
}
