import { applyMutation, type WriteObserver } from '../workloads/apply-mutations.ts'
import type { Mutation } from '../workloads/workload.ts'
import type { AnyStrategy, StrategyOptions, Tracker } from '../core/strategy.ts'
import type { Volume } from '../core/volume.ts'
import type { FrameCodec } from './channel-codec.ts'
import type { FaultInjector } from './faults.ts'
import { runSync, type HalfWrapper, type SyncOutcome } from './run-sync.ts'
import { StagedStateStore } from './state-store.ts'
import { MeteredTrackerDevice } from './tracker-device.ts'

export interface SessionSetup {
  strategy: AnyStrategy
  options: StrategyOptions
  /** The source the epochs write to; the tracker sees those writes. */
  source: Volume
  /** The receiver's committed replica; a sync changes it only when it completes. */
  replica: Volume
  /** Compression stage on the channel (none when absent). */
  codec?: FrameCodec
  /** Space the receiver has for its replica, in bytes (default: unbounded). */
  replicaQuota?: number
  /** Steps per half before a sync is called stalled (default: runSync's). */
  maxSteps?: number
  /** Tracker faults (harness/faults.ts): on the write path, a reset between writes, a crash after apply. */
  faults?: FaultInjector
}

/** What the tracker did between the previous sync and the end of this one. */
export interface TrackerEpoch {
  /** Time in the tracker: its writes and resizes, and the snapshot before the sync. */
  ms: number
  /** Writes delivered to it (after the fault layer's drops and splits). */
  writes: number
  /** Bytes it appended to its device. */
  deviceBytes: number
  /** Bytes on its device when the sync started (not yet truncated by an acknowledgement). */
  deviceHeldBytes: number
  /** Its serialised state after the sync. */
  stateBytes: number
}

/** A sync's outcome with what the session saw around it, for the row. */
export interface SessionSync extends SyncOutcome {
  /** Replica size when the sync started. */
  replicaBytesBefore: number
  /** Bytes the source device wrote since the previous sync (shifted tails included). */
  sourceWriteBytes: number
  /** Null for a strategy without a tracker. */
  tracker: TrackerEpoch | null
  /** Committed state each half keeps after the sync. */
  senderStateBytes: number
  receiverStateBytes: number
}

/**
 * One source and replica kept in sync, epoch after epoch: the strategy's tracker (on a metered device),
 * both halves' saved state, the channel's setup and the fault layer. `apply` writes an epoch's edits to
 * the source with the tracker watching; `sync` runs one sync and measures the epoch.
 */
export class SyncSession {
  readonly device = new MeteredTrackerDevice()
  readonly senderState = new StagedStateStore()
  readonly receiverState = new StagedStateStore()
  private current: Tracker | undefined
  private syncs = 0
  /** Epochs applied so far: the fault layer labels its draws by epoch, so a priming sync does not shift them. */
  private epochs = 0
  private trackerMs = 0
  private trackerWrites = 0
  private sourceWriteBytes = 0
  /** device.writtenBytes when the epoch started. */
  private deviceMark = 0

  constructor(private readonly setup: SessionSetup) {
    this.current = this.newTracker()
    this.startEpoch()
  }

  get tracker(): Tracker | undefined {
    return this.current
  }

  /** Applies one epoch's edits to the source; `where` names the workload in its errors. */
  apply(mutations: readonly Mutation[], where?: string): void {
    const faults = this.setup.faults
    faults?.startEpoch(++this.epochs, mutations.length)
    for (let i = 0; i <= mutations.length; i++) {
      if (faults?.resetBefore(i)) this.resetTracker()
      if (i < mutations.length) applyMutation(this.setup.source, mutations[i]!, this.observer, where)
    }
  }

  /** Snapshots the source if the tracker takes snapshots, runs the next sync, and measures the epoch. */
  sync(wrap?: HalfWrapper): Promise<SessionSync> {
    return this.run(wrap, this.setup.faults?.crashThisSync() ?? false)
  }

  /**
   * The priming sync: run before the first epoch, while source and replica are equal, with no fault and
   * nothing measured, so the first counted sync starts from the state a previous sync of the strategy's
   * own would have left (the sender's kept version, an acknowledged manifest, a clean bitmap, receiver
   * caches). Returns the error, or null when it came out clean.
   */
  async prime(): Promise<string | null> {
    const sync = await this.run(undefined, false)
    return sync.error ?? null
  }

  private async run(wrap: HalfWrapper | undefined, crashAfterApply: boolean): Promise<SessionSync> {
    const { strategy, options, source, replica, codec, replicaQuota, maxSteps } = this.setup
    const tracker = this.current
    if (tracker?.snapshot) {
      const t = performance.now()
      await tracker.snapshot(source)
      this.trackerMs += performance.now() - t
    }
    const replicaBytesBefore = replica.size
    const deviceHeldBytes = this.device.size
    this.syncs++
    const outcome = await runSync({ strategy, options, source, replica, tracker, senderState: this.senderState, receiverState: this.receiverState, syncIndex: this.syncs, codec, replicaQuota, maxSteps, crashAfterApply, wrap })
    const sync: SessionSync = {
      ...outcome,
      replicaBytesBefore,
      sourceWriteBytes: this.sourceWriteBytes,
      tracker: tracker ? { ms: this.trackerMs, writes: this.trackerWrites, deviceBytes: this.device.writtenBytes - this.deviceMark, deviceHeldBytes, stateBytes: tracker.serialize().length } : null,
      senderStateBytes: this.senderState.bytes,
      receiverStateBytes: this.receiverState.bytes,
    }
    this.startEpoch()
    return sync
  }

  /** The observer applyMutation reports the source's writes to: counted, then through the faults to the tracker. */
  private readonly observer: WriteObserver = {
    onWrite: (offset, data) => {
      this.sourceWriteBytes += data.length
      if (!this.current) return
      this.trackerWrites++
      if (this.setup.faults) this.setup.faults.write(offset, data, this.deliverWrite)
      else this.deliverWrite(offset, data)
    },
    onResize: (size) => {
      if (!this.current) return
      if (this.setup.faults) this.setup.faults.resize(size, this.deliverResize)
      else this.deliverResize(size)
    },
  }

  // performance.now() around a synchronous call: cheap enough per write, and equal to its CPU time.
  private readonly deliverWrite = (offset: number, data: Uint8Array): void => {
    const t = performance.now()
    this.current!.onWrite({ offset, data })
    this.trackerMs += performance.now() - t
  }

  private readonly deliverResize = (size: number): void => {
    const t = performance.now()
    this.current!.onResize(size)
    this.trackerMs += performance.now() - t
  }

  /** The fault layer's reset: a tracker that restarts empty, its device and the sender's saved state gone with it. */
  private resetTracker(): void {
    this.device.clear()
    this.current = this.newTracker()
    this.senderState.reset()
  }

  private newTracker(): Tracker | undefined {
    const { strategy, options, source } = this.setup
    return strategy.tracker?.({ geometry: { size: source.size, blockSize: options.blockSize }, device: this.device, source }, options)
  }

  /** Zeroes the per-epoch counts once a sync has measured them. */
  private startEpoch(): void {
    this.trackerMs = 0
    this.trackerWrites = 0
    this.sourceWriteBytes = 0
    this.deviceMark = this.device.writtenBytes
  }
}
