/**
 * The strategy contract. A strategy is two halves that talk only through frames (the harness copies
 * each frame across a metered channel, so the halves share no memory), plus an optional tracker that
 * observes the source's writes between syncs.
 *
 * Who sees what:
 *  - the sender sees the source volume, its tracker and its own saved state;
 *  - the receiver sees its committed replica (read-only), a staged replica it writes into, and its own
 *    saved state. The harness commits the stage only when the receiver finishes without an error.
 */
import type { ReadonlyVolume, Volume } from './volume.ts'
import type { SchemaFor } from './options.ts'

/** Largest block size any strategy accepts (1 GiB): bounds what a decoder will size from a header. */
export const MAX_BLOCK_SIZE = 1 << 30

/** What a frame's bytes carry, so charts can stack where the bytes go. */
export const FRAME_KINDS = ['signature', 'manifest', 'literal', 'copy', 'control'] as const
export type FrameKind = (typeof FRAME_KINDS)[number]

/**
 * One message for the peer. `bytes` is exactly what a transport would carry (the strategy's own header
 * included); the harness adds a varint length prefix per frame, counted as framing.
 * `kind` attributes all bytes to one kind, or `split` divides them (it must add up to bytes.length;
 * the harness checks). The kind is accounting only: it does not cross the channel.
 */
export interface Frame {
  readonly bytes: Uint8Array
  readonly kind: FrameKind
  readonly split?: Partial<Record<FrameKind, number>>
  /**
   * Self-verification accounting, like `kind`: 'verify' for the whole-volume digest a strategy exchanges
   * after the sync, 'repair' for the fallback pass a mismatch triggers. The channel counts these bytes apart
   * (column self_verify_bytes); they do not cross the channel.
   */
  readonly phase?: FramePhase
}

/** Phases of self-verification (see Frame.phase). */
export const FRAME_PHASES = ['verify', 'repair'] as const
export type FramePhase = (typeof FRAME_PHASES)[number]

/** A half of a sync: called with the frames that arrived from the peer since its last step. */
export interface Half {
  step(inbox: readonly Uint8Array[]): Frame[] | Promise<Frame[]>
  /** True once this half has nothing more to do (it may still be handed frames; it must then throw). */
  readonly done: boolean
  /**
   * Called by the harness once the sync is over, however it ended (completed, failed, or the other half
   * failed or stalled): ends whatever the half still runs or holds (a tool's processes, temp files).
   * Must not throw. A half that holds nothing outside its heap leaves it out.
   */
  close?(): void
}

/**
 * State a half keeps between syncs (a cached signature, a manifest). Values are bytes, so what is kept
 * is what is measured. Writes are staged: they take effect only if the sync completes, else they are
 * dropped with the replica's stage.
 */
export interface StateStore {
  get(key: string): Uint8Array | undefined
  set(key: string, value: Uint8Array): void
  delete(key: string): void
  keys(): string[]
}

/** A write the source device saw: `data` is valid only during the call (copy what you keep). */
export interface BlockWrite {
  readonly offset: number
  readonly data: Uint8Array
}

/** Shape of the tracked device, given to a tracker when it is created. */
export interface Geometry {
  readonly size: number
  readonly blockSize: number
}

/** Where a tracker persists what it logs (a journal, a flushed bitmap): every byte is counted. */
export interface TrackerDevice {
  append(bytes: Uint8Array): void
  /** Everything appended since the last truncate, in order. */
  contents(): Uint8Array
  /** Drops everything appended (after the receiver acknowledged it). */
  clear(): void
  readonly size: number
}

export interface TrackerContext {
  readonly geometry: Geometry
  readonly device: TrackerDevice
  /**
   * The tracked device as it stands after each write (read-only), for a tracker that logs whole blocks
   * around a partial write, as a block-layer journal does (read-modify-write).
   */
  readonly source: ReadonlyVolume
}

/** Observes the source's writes between syncs, as CBT or a journal does in the write path. */
export interface Tracker {
  onWrite(write: BlockWrite): void
  onResize(size: number): void
  /** The tracker's in-memory state serialised; its length is reported as tracker state bytes. */
  serialize(): Uint8Array
  /**
   * Optional: takes a snapshot of the source just before a sync (a manifest of block hashes). The harness
   * calls it after the epoch's writes and times it as tracker time, so the cost per snapshot shows in
   * tracker_ms beside a write-path tracker's cost per write.
   */
  snapshot?(source: ReadonlyVolume): void | Promise<void>
}

/**
 * Counters a half may report about its own work, each shown in the row column of the same name (empty
 * when no half reports it). Telemetry, not bytes: bytes are only ever counted by the metered channel.
 */
export const TELEMETRY_COUNTERS = [
  'effective_block_size',
  'strong_bytes',
  'delta_passes',
  'weak_hits',
  'false_alarms',
  'block_matches',
  'max_chain',
  'sums_cached',
  'literal_data',
  'matched_data',
] as const
export type TelemetryCounter = (typeof TELEMETRY_COUNTERS)[number]

/** Where a half reports telemetry; one per half and sync, given in its context. */
export interface Telemetry {
  /** Adds n to a counter (weak hits, matches). */
  add(name: TelemetryCounter, n: number): void
  /** Raises a counter to at least n (longest candidate chain). */
  max(name: TelemetryCounter, n: number): void
  /** Sets a counter (the block size actually used). */
  set(name: TelemetryCounter, n: number): void
  /**
   * Charges CPU that a child process spent for this half (a real tool run as a baseline), in ms, as the
   * kernel measured it for the waited-for child (see strategies/tools/child-tool.ts). process.cpuUsage()
   * cannot see it; the harness adds it to this side's CPU and shows it in child_cpu_ms.
   */
  chargeChildCpu(ms: number): void
}

export interface SenderContext<T extends Tracker | undefined = Tracker | undefined> {
  readonly source: ReadonlyVolume
  readonly tracker: T
  readonly state: StateStore
  /** Synchronisation number, 1 for the first sync of a run; both halves see the same value. */
  readonly syncIndex: number
  readonly telemetry: Telemetry
}

export interface ReceiverContext {
  /** The replica as last committed. Read-only: copies come from here. */
  readonly replica: ReadonlyVolume
  /** Starts as the replica; everything the receiver writes goes here and is committed atomically. */
  readonly staged: Volume
  readonly state: StateStore
  readonly syncIndex: number
  readonly telemetry: Telemetry
}

export interface StrategyOptions {
  blockSize: number
}

/** The block size every strategy declares (a run's --block-sizes sets it per cell): 1 B to MAX_BLOCK_SIZE. */
export function blockSizeOption(description: string, defaultSize = 4096) {
  return { type: 'size', default: defaultSize, min: 1, max: MAX_BLOCK_SIZE, description } as const
}

export interface Strategy<O extends StrategyOptions = StrategyOptions, T extends Tracker | undefined = Tracker | undefined> {
  readonly name: string
  readonly summary: string
  readonly options: SchemaFor<O>
  /** True when the strategy only works with a write trace (it has a tracker). */
  readonly needsWriteTrace: boolean
  /**
   * Runs a real tool (rdiff, rsync, xdelta3, zstd) as a child process: a baseline, left out of the default
   * matrix because a child process per sync is slow; name it with --strategies, or run npm run bench:rsync.
   */
  readonly external?: boolean
  /** Why it cannot run on this machine (a missing tool, with the apt-get line), or undefined if it can. */
  unavailable?(): string | undefined
  /**
   * Whether these options make the strategy verify itself (exchange a whole-volume digest, repair on a
   * mismatch, its frames marked with a phase); absent when it never does.
   */
  selfVerifies?(opts: O): boolean
  /**
   * True when what these options make the strategy send does not depend on opts.blockSize (a tool that
   * finds its own matches, a rule that picks the size from the volume). The harness then runs it once per
   * workload and seed, at its own default block size, and its rows say uses_block_size = false.
   */
  ignoresBlockSize?(opts: O): boolean
  /**
   * Checks what a schema cannot (a ladder's order): throws a ConfigError with the fix. The run's config
   * calls it before anything runs, as it does a workload's validate.
   */
  validate?(opts: O): void
  tracker?(ctx: TrackerContext, opts: O): T
  sender(ctx: SenderContext<T>, opts: O): Half | Promise<Half>
  receiver(ctx: ReceiverContext, opts: O): Half | Promise<Half>
}

/** Erased type for the registry. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyStrategy = Strategy<any, any>

