import { ConfigError } from './errors.ts'
import { didYouMean } from './did-you-mean.ts'

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
  if (!m) throw new ConfigError(`network profile "${text}"${didYouMean(text, Object.keys(PROFILES))}: use one of ${Object.keys(PROFILES).join(', ')} or write name:down/up/rtt, e.g. sat:20M/2M/600ms`)
  const scale = (u: string | undefined) => ({ '': 1, k: 1e3, m: 1e6, g: 1e9 })[(u ?? '').toLowerCase()] ?? 1
  const down = Number(m[2]) * scale(m[3])
  const up = m[4] === undefined ? down : Number(m[4]) * scale(m[5])
  if (PROFILES[m[1]!]) throw new ConfigError(`network profile "${text}": ${m[1]} is a built-in profile (${Object.keys(PROFILES).join(', ')}); give yours another name, e.g. my-${m[1]}:${text.slice(m[1]!.length + 1)}`)
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

/** A sync's estimate taken apart, in ms: what each part would take on its own. */
export interface SyncBreakdown {
  /** Sender → receiver bytes ÷ down bandwidth. */
  transferDownMs: number
  /** Receiver → sender bytes ÷ up bandwidth. */
  transferUpMs: number
  /** flights × one-way delay (RTT / 2). */
  latencyMs: number
  senderCpuMs: number
  receiverCpuMs: number
}

/** The parts of a sync's time on a link, before a cost model combines them. */
export function syncBreakdown(c: SyncCost, p: NetworkProfile): SyncBreakdown {
  return {
    transferDownMs: ((c.bytesDown * 8) / p.downBps) * 1000,
    transferUpMs: ((c.bytesUp * 8) / p.upBps) * 1000,
    latencyMs: c.flights * (p.rttMs / 2),
    senderCpuMs: c.senderCpuMs,
    receiverCpuMs: c.receiverCpuMs,
  }
}

/**
 * The parts combined into time: serial is their sum; pipelined is latency plus the largest of the other
 * four (transfer each way and CPU each side overlap, so the slowest sets the pace and the rest are hidden).
 */
export function combineBreakdown(b: SyncBreakdown, model: CostModel): number {
  if (model === 'serial') return b.latencyMs + b.transferDownMs + b.transferUpMs + b.senderCpuMs + b.receiverCpuMs
  return b.latencyMs + Math.max(b.transferDownMs, b.transferUpMs, b.senderCpuMs, b.receiverCpuMs)
}

/** Estimated time to sync on a link, in ms: its breakdown combined per the model. */
export function estimateSyncMs(c: SyncCost, p: NetworkProfile, model: CostModel): number {
  return combineBreakdown(syncBreakdown(c, p), model)
}

export function parseCostModel(text: string): CostModel {
  if (text === 'serial' || text === 'pipelined') return text
  throw new ConfigError(`cost model "${text}": choose serial or pipelined`)
}
