import { errorMessage, ProtocolError } from '../core/errors.ts'
import { MeteredChannel, type ChannelCounters } from './metered-channel.ts'
import type { FrameCodec } from './channel-codec.ts'
import { timed } from './cpu-clock.ts'
import { StagedVolume } from './staged-volume.ts'
import type { StagedStateStore } from './state-store.ts'
import { SyncTelemetry, type TelemetryValues } from './telemetry.ts'
import type { ReadonlyVolume, Volume } from '../core/volume.ts'
import type { AnyStrategy, Half, StrategyOptions, Tracker } from '../core/strategy.ts'

export type Side = 'sender' | 'receiver'

/**
 * Wraps a half once the strategy made it: to filter the frames it receives (fuzzing) or to time its
 * steps (bench:rsync). `childCpuMs` reads the child CPU its side has charged so far in this sync.
 */
export type HalfWrapper = (half: Half, side: Side, childCpuMs: () => number) => Half

export interface SyncInput {
  strategy: AnyStrategy
  options: StrategyOptions
  source: ReadonlyVolume
  /** The receiver's committed replica; changed only if the sync completes. */
  replica: Volume
  tracker: Tracker | undefined
  senderState: StagedStateStore
  receiverState: StagedStateStore
  syncIndex: number
  /** Steps per half before the harness calls the strategy stalled. */
  maxSteps?: number
  /** Compression stage on the channel (none when absent). */
  codec?: FrameCodec
  /** Space the receiver has for its replica, in bytes (default: unbounded). */
  replicaQuota?: number
  /**
   * Fault injection (harness/faults.ts): once the receiver is done, commit its side and abort the
   * sender's, which never sees the receiver's last frames: a crash after apply, before the sender cleared.
   */
  crashAfterApply?: boolean
  /** Applied to both halves before the first step. */
  wrap?: HalfWrapper
}

export interface SideCost {
  /** Includes childCpuMs. */
  cpuMs: number
  /** CPU of child processes the half charged (real tools), measured by the kernel. */
  childCpuMs: number
  wallMs: number
  steps: number
}

export interface SyncOutcome {
  counters: ChannelCounters
  sender: SideCost
  receiver: SideCost
  wallMs: number
  /** What the halves reported through ctx.telemetry (kept when the sync fails, for diagnosis). */
  telemetry: TelemetryValues
  /** Set when a half threw or the exchange broke the contract; the replica is then unchanged. */
  error?: string
  errorCode?: string
  committed: boolean
  /** Set when crashAfterApply cut the sync: the receiver's side is committed, the sender's is not. */
  crashed?: boolean
  /** CPU of committing the staged replica (harness work, in neither side's cpuMs; bench:rsync counts it in the patch). */
  commitCpuMs: number
}

type Costs = Record<Side, SideCost>

/**
 * Runs one sync: alternates the halves (sender first) until both are done and nothing is in flight,
 * carrying frames through the metered channel and timing every step on its own side. Commits the
 * staged replica and both state stores only if everything finished cleanly.
 */
export async function runSync(input: SyncInput): Promise<SyncOutcome> {
  const channel = new MeteredChannel(input.strategy.name, input.codec)
  const costs: Costs = { sender: emptyCost(), receiver: emptyCost() }
  const telemetry = new SyncTelemetry(input.strategy.name)
  const staged = new StagedVolume(input.replica, input.replicaQuota)
  const t0 = performance.now()
  let commitCpuMs = 0
  const outcome = (end: Pick<SyncOutcome, 'committed' | 'crashed' | 'error' | 'errorCode'>): SyncOutcome => {
    // Child CPU is charged by the halves during their steps; it joins each side's CPU however the sync ends.
    for (const side of ['sender', 'receiver'] as const) {
      costs[side].childCpuMs = telemetry.childCpuMs[side]
      costs[side].cpuMs += costs[side].childCpuMs
    }
    return { counters: channel.counters, sender: costs.sender, receiver: costs.receiver, wallMs: performance.now() - t0, telemetry: telemetry.values, commitCpuMs, ...end }
  }
  // The halves as the strategy made them (not wrapped): closed however the sync ends, so a tool the other half's failure left waiting is ended too.
  const made: Half[] = []
  try {
    const halves = await startHalves(input, staged, telemetry, costs, made)
    const crashed = await exchange(input, halves, channel, costs)
    commitCpuMs = (await timed(() => staged.commit())).cpuMs
    input.receiverState.commit()
    if (crashed) input.senderState.abort()
    else input.senderState.commit()
    return outcome(crashed ? { committed: true, crashed: true } : { committed: true })
  } catch (err) {
    staged.abort()
    input.senderState.abort()
    input.receiverState.abort()
    const code = (err as { code?: unknown })?.code
    return outcome({ committed: false, error: errorMessage(err), errorCode: typeof code === 'string' ? code : 'ERROR' })
  } finally {
    for (const h of made) h.close?.()
  }
}

function emptyCost(): SideCost {
  return { cpuMs: 0, childCpuMs: 0, wallMs: 0, steps: 0 }
}

/** Makes both halves (timed on their sides) and applies the input's wrapper to each. */
async function startHalves(input: SyncInput, staged: StagedVolume, telemetry: SyncTelemetry, costs: Costs, made: Half[]): Promise<[Half, Half]> {
  const { strategy, options, syncIndex } = input
  const s = await timed(() => strategy.sender({ source: input.source, tracker: input.tracker, state: input.senderState, syncIndex, telemetry: telemetry.side('sender') }, options))
  made.push(s.value)
  costs.sender.cpuMs += s.cpuMs
  costs.sender.wallMs += s.wallMs
  const r = await timed(() => strategy.receiver({ replica: input.replica, staged, state: input.receiverState, syncIndex, telemetry: telemetry.side('receiver') }, options))
  made.push(r.value)
  costs.receiver.cpuMs += r.cpuMs
  costs.receiver.wallMs += r.wallMs
  const wrap = input.wrap
  if (!wrap) return [s.value, r.value]
  return [wrap(s.value, 'sender', () => telemetry.childCpuMs.sender), wrap(r.value, 'receiver', () => telemetry.childCpuMs.receiver)]
}

/**
 * The step loop: hands each half the frames that arrived for it until both are done and nothing is in
 * flight. Returns true when crashAfterApply cut it once the receiver was done; throws a ProtocolError
 * when the halves break the contract (a done half sent frames, no progress, too many steps).
 */
async function exchange(input: SyncInput, halves: [Half, Half], channel: MeteredChannel, costs: Costs): Promise<boolean> {
  const name = input.strategy.name
  const maxSteps = input.maxSteps ?? 1_000_000
  const sides = [costs.sender, costs.receiver]
  const inbox: Uint8Array[][] = [[], []]
  let turn = 0
  let idle = 0
  for (;;) {
    const half = halves[turn]!
    const mine = inbox[turn]!
    if (half.done && mine.length > 0) throw new ProtocolError(name, `${turn === 0 ? 'sender' : 'receiver'} is done but was sent ${mine.length} more frame(s)`)
    if (!half.done) {
      inbox[turn] = []
      const step = await timed(() => half.step(mine))
      const cost = sides[turn]!
      cost.cpuMs += step.cpuMs
      cost.wallMs += step.wallMs
      cost.steps++
      if (cost.steps > maxSteps) throw new ProtocolError(name, `more than ${maxSteps} steps on one side: the halves do not converge`)
      const delivery = await channel.transmit(turn === 0 ? 'down' : 'up', step.value)
      cost.cpuMs += delivery.encodeCpuMs
      sides[1 - turn]!.cpuMs += delivery.decodeCpuMs
      inbox[1 - turn]!.push(...delivery.frames)
      idle = delivery.frames.length === 0 && mine.length === 0 ? idle + 1 : 0
      if (turn === 1 && half.done && input.crashAfterApply) return true
    } else {
      idle++
    }
    if (halves[0].done && halves[1].done && inbox[0]!.length === 0 && inbox[1]!.length === 0) return false
    if (idle > 4) throw new ProtocolError(name, 'stalled: neither half sends anything and they are not both done')
    turn = 1 - turn
  }
}
