import { errorMessage, ProtocolError } from '../core/errors.ts'
import { MeteredChannel, type ChannelCounters } from './metered-channel.ts'
import type { FrameCodec } from './channel-codec.ts'
import { timed } from './cpu-clock.ts'
import { StagedVolume } from './staged-volume.ts'
import type { StagedStateStore } from './state-store.ts'
import { SyncTelemetry, type TelemetryValues } from './telemetry.ts'
import type { ReadonlyVolume, Volume } from '../core/volume.ts'
import type { AnyStrategy, Half, StrategyOptions, Tracker } from '../core/strategy.ts'

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
}

/**
 * Runs one sync: alternates the halves (sender first) until both are done and nothing is in flight,
 * carrying frames through the metered channel and timing every step on its own side. Commits the
 * staged replica and both state stores only if everything finished cleanly.
 */
export async function runSync(input: SyncInput): Promise<SyncOutcome> {
  const { strategy, options } = input
  const channel = new MeteredChannel(strategy.name, input.codec)
  const sender: SideCost = { cpuMs: 0, childCpuMs: 0, wallMs: 0, steps: 0 }
  const receiver: SideCost = { cpuMs: 0, childCpuMs: 0, wallMs: 0, steps: 0 }
  const telemetry = new SyncTelemetry(strategy.name)
  // Child CPU is charged by the halves during their steps; it joins each side's CPU however the sync ends.
  const settle = () => {
    sender.childCpuMs = telemetry.childCpuMs.sender
    receiver.childCpuMs = telemetry.childCpuMs.receiver
    sender.cpuMs += sender.childCpuMs
    receiver.cpuMs += receiver.childCpuMs
  }
  const staged = new StagedVolume(input.replica, input.replicaQuota)
  const maxSteps = input.maxSteps ?? 1_000_000
  const t0 = performance.now()
  try {
    const s = await timed(() => strategy.sender({ source: input.source, tracker: input.tracker, state: input.senderState, syncIndex: input.syncIndex, telemetry: telemetry.side('sender') }, options))
    sender.cpuMs += s.cpuMs
    sender.wallMs += s.wallMs
    const r = await timed(() => strategy.receiver({ replica: input.replica, staged, state: input.receiverState, syncIndex: input.syncIndex, telemetry: telemetry.side('receiver') }, options))
    receiver.cpuMs += r.cpuMs
    receiver.wallMs += r.wallMs
    const halves: [Half, Half] = [s.value, r.value]
    const costs = [sender, receiver]
    let inbox: Uint8Array[][] = [[], []]
    let turn = 0
    let idle = 0
    for (;;) {
      const half = halves[turn]!
      const mine = inbox[turn]!
      if (half.done && mine.length > 0) throw new ProtocolError(strategy.name, `${turn === 0 ? 'sender' : 'receiver'} is done but was sent ${mine.length} more frame(s)`)
      if (!half.done) {
        inbox[turn] = []
        const step = await timed(() => half.step(mine))
        const cost = costs[turn]!
        cost.cpuMs += step.cpuMs
        cost.wallMs += step.wallMs
        cost.steps++
        if (cost.steps > maxSteps) throw new ProtocolError(strategy.name, `more than ${maxSteps} steps on one side: the halves do not converge`)
        const delivery = await channel.transmit(turn === 0 ? 'down' : 'up', step.value)
        const sent = delivery.frames
        cost.cpuMs += delivery.encodeCpuMs
        costs[1 - turn]!.cpuMs += delivery.decodeCpuMs
        inbox[1 - turn]!.push(...sent)
        idle = sent.length === 0 && mine.length === 0 ? idle + 1 : 0
        if (turn === 1 && half.done && input.crashAfterApply) {
          staged.commit()
          input.receiverState.commit()
          input.senderState.abort()
          settle()
          return { counters: channel.counters, sender, receiver, wallMs: performance.now() - t0, telemetry: telemetry.values, committed: true, crashed: true }
        }
      } else {
        idle++
      }
      if (halves[0].done && halves[1].done && inbox[0]!.length === 0 && inbox[1]!.length === 0) break
      if (idle > 4) throw new ProtocolError(strategy.name, 'stalled: neither half sends anything and they are not both done')
      turn = 1 - turn
    }
    staged.commit()
    input.senderState.commit()
    input.receiverState.commit()
    settle()
    return { counters: channel.counters, sender, receiver, wallMs: performance.now() - t0, telemetry: telemetry.values, committed: true }
  } catch (err) {
    staged.abort()
    input.senderState.abort()
    input.receiverState.abort()
    settle()
    const code = (err as { code?: unknown })?.code
    return {
      counters: channel.counters,
      sender,
      receiver,
      wallMs: performance.now() - t0,
      telemetry: telemetry.values,
      error: errorMessage(err),
      errorCode: typeof code === 'string' ? code : 'ERROR',
      committed: false,
    }
  }
}
