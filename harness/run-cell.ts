import type { AnyStrategy, StrategyOptions } from '../core/strategy.ts'
import type { AnyWorkload } from '../workloads/workload.ts'
import { UnsupportedError } from '../core/errors.ts'
import { replicaQuota, type PreparedWorkload } from './prepare-workload.ts'
import { FaultInjector, type FaultSpec } from './faults.ts'
import type { ResultRow } from '../core/result-row.ts'
import { SyncSession } from './sync-session.ts'
import { cellVolume, releaseCellVolume } from './cell-volumes.ts'
import { syncRow } from './sync-row.ts'
import { firstDifference, type Volume } from '../core/volume.ts'
import { DEFAULT_CHANNEL, type ChannelSetup } from './channel-setup.ts'

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
  /** Measure the first sync from a fresh start instead of the steady state (no priming sync). Default false. */
  cold?: boolean
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
  const source = cellVolume(prepared)
  const replica = cellVolume(prepared)
  let rows: ResultRow[] | undefined
  try {
    rows = await runEpochs(spec, channel, source, replica)
    return rows
  } finally {
    // All epochs applied: the source holds the last one, and so does a replica its last sync left byte-exact.
    const complete = rows !== undefined && rows.length === prepared.epochs.length
    releaseCellVolume(prepared, source, complete)
    releaseCellVolume(prepared, replica, complete && rows!.length > 0 && rows![rows!.length - 1]!.correct === true)
  }
}

/** Steady when the priming sync came out clean; a priming sync that failed leaves the cell measured cold. */
async function prime(session: SyncSession, source: Volume, replica: Volume): Promise<'steady' | 'cold'> {
  const error = await session.prime()
  return error === null && firstDifference(replica, source) < 0 ? 'steady' : 'cold'
}

async function runEpochs(spec: CellSpec, channel: ChannelSetup, source: Volume, replica: Volume): Promise<ResultRow[]> {
  const { strategy, options, prepared } = spec
  const faults = spec.fault ? new FaultInjector(spec.fault, `${prepared.workload.name}/${prepared.params.seed}`, strategy, options.blockSize) : undefined
  const session = new SyncSession({ strategy, options, source, replica, codec: channel.codec, replicaQuota: replicaQuota(prepared), faults })
  try {
    return await measureEpochs(spec, channel, session, source, replica, faults)
  } finally {
    session.device.release()
  }
}

async function measureEpochs(spec: CellSpec, channel: ChannelSetup, session: SyncSession, source: Volume, replica: Volume, faults: FaultInjector | undefined): Promise<ResultRow[]> {
  const { strategy, options, prepared } = spec
  const syncState = spec.cold ? 'cold' : await prime(session, source, replica)
  const rows: ResultRow[] = []
  for (let e = 0; e < prepared.epochs.length; e++) {
    // A macrotask between syncs, outside the timed sync: an in-memory sync resolves in microtasks only, so
    // without it a signal (apps/interrupt.ts) would wait for the whole cell.
    await new Promise((r) => setImmediate(r))
    session.apply(prepared.epochs[e]!, prepared.workload.name)
    const sync = await session.sync()
    rows.push(
      syncRow({
        runId: spec.runId,
        strategy,
        options,
        prepared,
        repeat: spec.repeat ?? 1,
        channel,
        epoch: e + 1,
        sync,
        volumeBytes: source.size,
        firstDiff: firstDifference(replica, source),
        fault: faults ? { spec: faults.spec, injected: faults.injected } : null,
        syncState,
      }),
    )
  }
  return rows
}
