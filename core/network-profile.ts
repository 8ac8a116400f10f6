import { ConfigError } from './errors.ts'

/** A link between sender and receiver: bandwidth each way and round-trip time. */
export interface NetworkProfile {
  readonly name: string
  /** Sender → receiver bandwidth, bits per second. */
  readonly downBps: number
  /** Receiver → sender bandwidth, bits per second. */
  readonly upBps: number
  readonly rttMs: number
}

const MBIT = 1e6

export const PROFILES: Record<string, NetworkProfile> = {
  lan: { name: 'lan', downBps: 10_000 * MBIT, upBps: 10_000 * MBIT, rttMs: 1 },
  wan: { name: 'wan', downBps: 100 * MBIT, upBps: 100 * MBIT, rttMs: 40 },
  mobile: { name: 'mobile', downBps: 10 * MBIT, upBps: 2 * MBIT, rttMs: 80 },
  'cross-region': { name: 'cross-region', downBps: 1000 * MBIT, upBps: 1000 * MBIT, rttMs: 150 },
}

/**
 * A built-in profile by name, or a custom one written `name:down/up/rtt`, e.g. `sat:20M/2M/600ms`
 * (bandwidths take k, M, G bits per second; the up bandwidth may be left out for a symmetric link).
 */
export function parseProfile(text: string): NetworkProfile {
  const builtIn = PROFILES[text]
  if (builtIn) return builtIn
  const m = /^([a-z0-9-]+):(\d+(?:\.\d+)?)([kmg]?)(?:\/(\d+(?:\.\d+)?)([kmg]?))?\/(\d+(?:\.\d+)?)ms$/i.exec(text)
  if (!m) throw new ConfigError(`network profile "${text}": use one of ${Object.keys(PROFILES).join(', ')} or write name:down/up/rtt, e.g. sat:20M/2M/600ms`)
  const scale = (u: string | undefined) => ({ '': 1, k: 1e3, m: 1e6, g: 1e9 })[(u ?? '').toLowerCase()] ?? 1
  const down = Number(m[2]) * scale(m[3])
  const up = m[4] === undefined ? down : Number(m[4]) * scale(m[5])
  if (!(down > 0) || !(up > 0)) throw new ConfigError(`network profile "${text}": bandwidths must be positive`)
  return { name: m[1]!, downBps: down, upBps: up, rttMs: Number(m[6]) }
}

/** What the cost model needs of one sync (a row has all of it). */
export interface SyncCost {
  bytesDown: number
  bytesUp: number
  flights: number
  senderCpuMs: number
  receiverCpuMs: number
}

/**
 * How the parts of a sync add up to time.
 * - serial: nothing overlaps: latency + transfer each way + CPU on each side, summed.
 * - pipelined: latency is paid, and transfer and CPU overlap, so the slowest of them sets the pace.
 */
export type CostModel = 'serial' | 'pipelined'

/** Estimated time to sync on a link, in ms: flights × one-way delay plus transfer and CPU per the model. */
export function estimateSyncMs(c: SyncCost, p: NetworkProfile, model: CostModel): number {
  const latency = c.flights * (p.rttMs / 2)
  const down = ((c.bytesDown * 8) / p.downBps) * 1000
  const up = ((c.bytesUp * 8) / p.upBps) * 1000
  if (model === 'serial') return latency + down + up + c.senderCpuMs + c.receiverCpuMs
  return latency + Math.max(down, up, c.senderCpuMs, c.receiverCpuMs)
}

export function parseCostModel(text: string): CostModel {
  if (text === 'serial' || text === 'pipelined') return text
  throw new ConfigError(`cost model "${text}": choose serial or pipelined`)
}
