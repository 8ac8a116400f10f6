/**
 * Seeded tracker faults, switched on per run with a rate (`--fault dropped-bits --fault-rate 0.01`).
 * They model change tracking failing in the field, silently: nothing tells the strategy, and the change
 * id or LSN it holds stays as it was. Where each one enters:
 *
 *  - between the device and the tracker (the write observer): dropped-bits, lost-records, misaligned-offset.
 *    Only strategies that rely on a write trace are hit; one that reads content at sync time is not.
 *  - between syncs: tracker-reset replaces the tracker with a fresh one, clears its device and the
 *    sender's saved state.
 *  - in the sync (harness/run-sync.ts): crash-after-apply commits the receiver's side and aborts the
 *    sender's before it sees the acknowledgement.
 *
 * Every draw comes from a Rng seeded by the workload and its seed, the fault and the epoch, in the order
 * the device saw its writes, so the same seed hits the same writes for every strategy.
 */
import { Rng } from '../core/seeded-random.ts'
import type { AnyStrategy } from '../core/strategy.ts'
import { ConfigError } from '../core/errors.ts'

export const FAULT_KINDS = ['dropped-bits', 'lost-records', 'tracker-reset', 'crash-after-apply', 'misaligned-offset'] as const
export type FaultKind = (typeof FAULT_KINDS)[number]

export interface FaultSpec {
  kind: FaultKind
  /** Probability per unit (see FAULTS[kind].per), 0 < rate <= 1. */
  rate: number
}

/** Sector size a misaligned offset is shifted to. */
const SECTOR = 512

export const FAULTS: Record<FaultKind, { per: string; defaultRate: number; description: string }> = {
  'dropped-bits': {
    per: 'block of each write',
    defaultRate: 0.01,
    description: 'the tracker is not told about some blocks of a write (CBT bits lost, as ESXi 6.0 lost entries during snapshot consolidation)',
  },
  'lost-records': {
    per: 'write or resize',
    defaultRate: 0.01,
    description: 'a whole write or resize never reaches the tracker (a journal record lost, a bitmap update dropped in a failed flush, as QEMU\'s)',
  },
  'tracker-reset': {
    per: 'epoch',
    defaultRate: 0.5,
    description: 'at a seeded point between two syncs the tracker restarts empty (its device and the sender\'s saved state lost), and the strategy is not told: its change id or LSN is stale',
  },
  'crash-after-apply': {
    per: 'sync',
    defaultRate: 0.5,
    description: 'the receiver applied and committed, then the sender crashed before it saw the acknowledgement: the next sync must neither lose nor double-apply',
  },
  'misaligned-offset': {
    per: 'write',
    defaultRate: 0.05,
    description: `an unaligned write is reported at its offset rounded down to ${SECTOR} bytes (Ceph fast-diff's shifted extents)`,
  },
}

export function isFaultKind(k: string): k is FaultKind {
  return (FAULT_KINDS as readonly string[]).includes(k)
}

/** Checks --fault / --fault-rate; undefined when no fault is asked for. */
export function resolveFault(kind: string | undefined, rate: string | number | undefined): FaultSpec | undefined {
  if (kind === undefined) {
    if (rate !== undefined) throw new ConfigError('--fault-rate needs --fault <kind>, e.g. --fault dropped-bits --fault-rate 0.01')
    return undefined
  }
  if (!isFaultKind(kind)) throw new ConfigError(`unknown fault "${kind}"; choose one of ${FAULT_KINDS.join(', ')}`)
  // Number('') is 0, so an empty rate fails the range check too.
  const r = rate === undefined ? FAULTS[kind].defaultRate : Number(rate)
  if (!Number.isFinite(r) || r <= 0 || r > 1) throw new ConfigError(`--fault-rate must be a probability in (0, 1], got "${rate}"`)
  return { kind, rate: r }
}

type Deliver = (offset: number, data: Uint8Array) => void

/**
 * The fault layer of one cell. The harness calls startEpoch before each epoch's writes, passes every
 * write and resize through `write`/`resize` on their way to the tracker, asks `resetBefore(i)` before
 * mutation i (and i = count after the last), and `crashThisSync` for the sync.
 */
export class FaultInjector {
  /** Fault events that hit in the current epoch (dropped blocks, lost notifications, shifted offsets, resets, crashes). */
  injected = 0
  private rng: Rng
  private resetAt = -1
  private crash = false
  /** Observer faults hit only a strategy whose replica depends on the write trace. */
  private readonly onWritePath: boolean
  private readonly hasTracker: boolean

  constructor(
    readonly spec: FaultSpec,
    /** Workload and seed: the same for every strategy of a cell, so they all meet the same faults. */
    private readonly seed: string,
    strategy: AnyStrategy,
    private readonly blockSize: number,
  ) {
    this.onWritePath = strategy.needsWriteTrace
    this.hasTracker = strategy.tracker !== undefined
    this.rng = new Rng(this.label(0))
  }

  private label(epoch: number): string {
    return `${this.seed}/fault/${this.spec.kind}/${this.spec.rate}/epoch/${epoch}`
  }

  startEpoch(epoch: number, mutations: number): void {
    this.rng = new Rng(this.label(epoch))
    this.injected = 0
    const { kind, rate } = this.spec
    this.resetAt = kind === 'tracker-reset' && this.hasTracker && this.rng.float() < rate ? this.rng.int(mutations + 1) : -1
    this.crash = kind === 'crash-after-apply' && this.rng.float() < rate
  }

  /** True when the tracker is to be reset before mutation i (i = mutation count: after the last one). */
  resetBefore(i: number): boolean {
    if (i !== this.resetAt) return false
    this.injected++
    return true
  }

  /** Whether this epoch's sync crashes after the receiver applied; counted when asked. */
  crashThisSync(): boolean {
    if (this.crash) this.injected++
    return this.crash
  }

  write(offset: number, data: Uint8Array, deliver: Deliver): void {
    const { kind, rate } = this.spec
    if (!this.onWritePath || data.length === 0) return deliver(offset, data)
    if (kind === 'lost-records') {
      if (this.rng.float() < rate) this.injected++
      else deliver(offset, data)
    } else if (kind === 'misaligned-offset') {
      const hit = this.rng.float() < rate
      if (hit && offset % SECTOR !== 0) {
        this.injected++
        deliver(offset - (offset % SECTOR), data)
      } else deliver(offset, data)
    } else if (kind === 'dropped-bits') this.dropBlocks(offset, data, deliver)
    else deliver(offset, data)
  }

  resize(size: number, deliver: (size: number) => void): void {
    if (this.onWritePath && this.spec.kind === 'lost-records' && this.rng.float() < this.spec.rate) {
      this.injected++
      return
    }
    deliver(size)
  }

  /** One draw per block the write touches; the surviving runs of blocks are delivered as writes. */
  private dropBlocks(offset: number, data: Uint8Array, deliver: Deliver): void {
    const bs = this.blockSize
    const end = offset + data.length
    let runStart = offset
    let dropped = 0
    for (let b = Math.floor(offset / bs); b * bs < end; b++) {
      if (this.rng.float() >= this.spec.rate) continue
      const from = Math.max(offset, b * bs)
      const to = Math.min(end, (b + 1) * bs)
      if (from > runStart) deliver(runStart, data.subarray(runStart - offset, from - offset))
      runStart = to
      dropped++
    }
    if (dropped === 0) return deliver(offset, data)
    if (runStart < end) deliver(runStart, data.subarray(runStart - offset))
    this.injected += dropped
  }
}
