/**
 * Fuzzing every decoder through the real sync path. A reference sync records how many frames each half
 * receives; each case then replays the same sync with one received frame mutated (bit flips, truncation,
 * junk appended, a forged length near 2^32, dropped, duplicated, replaced by garbage). A case passes when
 * the sync either completes or fails with a typed error (WireFormatError, ProtocolError, a ToolError when a real tool refuses it); after a failed
 * sync the replica must be exactly as it was. Anything else — a TypeError, a RangeError from an
 * allocation sized by an unchecked length, a hang — is a finding, reported with the seed that replays it.
 */
import { createHash } from 'node:crypto'
import { Rng } from '../core/seeded-random.ts'
import type { Mutation } from '../workloads/workload.ts'
import type { AnyStrategy, StrategyOptions } from '../core/strategy.ts'
import type { HalfWrapper, SyncOutcome } from '../harness/run-sync.ts'
import type { Direction } from '../harness/metered-channel.ts'
import { SyncSession } from '../harness/sync-session.ts'
import { MemoryVolume } from '../core/volume.ts'
import { defaultOptions } from '../core/options.ts'

export const MUTATORS = ['bitflip', 'truncate', 'extend', 'forge-length', 'drop', 'duplicate', 'garbage', 'empty'] as const
export type Mutator = (typeof MUTATORS)[number]

/** Error codes a strategy may answer a malformed frame with. */
const TYPED = new Set(['WIRE_FORMAT', 'PROTOCOL', 'UNSUPPORTED', 'CAPACITY', 'TOOL', 'VERIFY'])

export interface Scenario {
  base: Uint8Array
  /** Epochs of edits; the fuzzed sync is the last one, so stateful strategies carry state into it. */
  epochs: Mutation[][]
  options: StrategyOptions & Record<string, unknown>
}

export interface FuzzFinding {
  strategy: string
  seed: string
  mutator: Mutator
  direction: Direction
  frame: number
  problem: string
}

export interface FuzzReport {
  strategy: string
  cases: number
  completed: number
  rejected: number
  /** Completed syncs whose replica came out wrong (a mutated payload accepted: possible without checksums). */
  acceptedWrong: number
  findings: FuzzFinding[]
  /** The case that took longest (wall time of its sync), to find what makes a case slow; null before any case. */
  slowest?: { seed: string; mutator: Mutator; direction: Direction; ms: number; ended: string } | null
}

/** Mutates one frame; returns the frames that replace it (none to drop it). */
export function mutateFrame(frame: Uint8Array, mutator: Mutator, rng: Rng): Uint8Array[] {
  switch (mutator) {
    case 'bitflip': {
      const out = new Uint8Array(frame)
      const flips = 1 + rng.int(8)
      for (let i = 0; i < flips && out.length > 0; i++) out[rng.int(out.length)]! ^= 1 << rng.int(8)
      return [out]
    }
    case 'truncate':
      return [frame.slice(0, rng.int(Math.max(1, frame.length)))]
    case 'extend':
      return [Uint8Array.from([...frame, ...rng.bytes(1 + rng.int(64))])]
    case 'forge-length': {
      // A varint near 2^32 (or 2^53) written over a random position: a length or count no one checked.
      const out = new Uint8Array(frame)
      const forged = rng.int(2) === 0 ? [0xfc, 0xff, 0xff, 0xff, 0x0f] : [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x0f]
      const at = out.length > 1 ? 1 + rng.int(out.length - 1) : 0
      const merged = Uint8Array.from([...out.subarray(0, at), ...forged, ...out.subarray(Math.min(out.length, at + forged.length))])
      return [merged]
    }
    case 'drop':
      return []
    case 'duplicate':
      return [frame, new Uint8Array(frame)]
    case 'garbage':
      return [rng.bytes(rng.int(2 * frame.length + 16))]
    case 'empty':
      return [new Uint8Array(0)]
  }
}

/** Where a received frame stands in the sync: its direction, its place in that direction and in both (delivery order), 0-based. */
interface FramePlace {
  direction: Direction
  nth: number
  overall: number
}

/** What arrives in place of a received frame: itself, mutated frames, or nothing. */
type FrameFilter = (frame: Uint8Array, at: FramePlace) => Uint8Array[]

/** Frames received so far in the sync, per direction and in all; the two halves' filters share it. */
type FrameCount = Record<Direction, number> & { overall: number }

/** A HalfWrapper that numbers every frame a half receives and passes it through `filter` (none: all arrive). */
function filterFrames(count: FrameCount, filter?: FrameFilter): HalfWrapper {
  return (half, side) => {
    // The receiver receives what travels down, the sender what comes up.
    const direction: Direction = side === 'receiver' ? 'down' : 'up'
    return {
      get done() {
        return half.done
      },
      step(inbox) {
        const out: Uint8Array[] = []
        for (const frame of inbox) {
          const at = { direction, nth: count[direction]++, overall: count.overall++ }
          out.push(...(filter ? filter(frame, at) : [frame]))
        }
        return half.step(out)
      },
    }
  }
}

/** Mutates the frame-th frame received in one direction. */
function tamper(direction: Direction, frame: number, edit: (f: Uint8Array) => Uint8Array[]): FrameFilter {
  return (f, at) => (at.direction === direction && at.nth === frame ? edit(f) : [f])
}

/** Cuts the connection after `at` delivered frames (both directions, in delivery order); with `keep`, the frame at the cut arrives truncated to that many bytes. */
export interface Cut {
  at: number
  keep?: number
}

/** Frames past the cut never arrive (the connection died). */
function cutAt(cut: Cut): FrameFilter {
  return (f, at) => (at.overall < cut.at ? [f] : at.overall === cut.at && cut.keep !== undefined ? [f.subarray(0, Math.min(cut.keep, f.length))] : [])
}

interface Replay {
  outcome: SyncOutcome
  received: Record<Direction, number>
  replicaBefore: string
  replicaAfter: string
  sourceHash: string
}

const digest = (v: MemoryVolume) => createHash('sha256').update(v.read(0, v.size)).digest('hex')

/** A state store's committed entries, copied (what a half keeps between syncs, core/strategy.ts StateStore). */
type Kept = [string, Uint8Array][]

/**
 * Where a scenario's last (fuzzed) sync starts: source and replica after the earlier epochs' syncs, and
 * what each half kept. A case starts from it instead of replaying those syncs, which for a real tool
 * cost as much as the case itself (each a few tool spawns). Only for strategies without a tracker: a
 * half keeps state only in its StateStore (the contract), so these bytes are the whole state; a tracker
 * holds its own (and reads syncIndex), so a tracking strategy replays the earlier epochs, in process.
 */
interface Start {
  source: Uint8Array
  replica: Uint8Array
  sender: Kept
  receiver: Kept
}

const keep = (store: SyncSession['senderState']): Kept => store.keys().map((k) => [k, new Uint8Array(store.get(k)!)])
function restore(store: SyncSession['senderState'], kept: Kept): void {
  for (const [k, v] of kept) store.set(k, v)
  store.commit()
}

/**
 * Runs the scenario's syncs; the last one's received frames pass through `filter` (a mutation, a cut).
 * From `start`, the earlier epochs are not replayed. With `retry`, one more sync, untouched, follows it:
 * the connection came back. `capture` receives the start of the last sync (when the strategy has no tracker).
 */
async function replay(strategy: AnyStrategy, sc: Scenario, o: { filter?: FrameFilter; retry?: boolean; start?: Start; capture?: (s: Start) => void } = {}): Promise<Replay & { retry?: Replay }> {
  const source = new MemoryVolume(o.start?.source ?? sc.base)
  const replica = new MemoryVolume(o.start?.replica ?? sc.base)
  const session = new SyncSession({ strategy, options: sc.options, source, replica, maxSteps: 10_000, replicaQuota: 2 * sc.base.length + (1 << 20) })
  const synced = async (wrap?: HalfWrapper): Promise<Replay> => {
    const replicaBefore = digest(replica)
    const outcome = await session.sync(wrap)
    return { outcome, received: { down: 0, up: 0 }, replicaBefore, replicaAfter: digest(replica), sourceHash: digest(source) }
  }
  if (o.start) {
    restore(session.senderState, o.start.sender)
    restore(session.receiverState, o.start.receiver)
  } else {
    for (const epoch of sc.epochs.slice(0, -1)) {
      session.apply(epoch)
      await synced()
    }
    if (o.capture && !strategy.tracker) o.capture({ source: source.read(0, source.size).slice(), replica: replica.read(0, replica.size).slice(), sender: keep(session.senderState), receiver: keep(session.receiverState) })
  }
  session.apply(sc.epochs.at(-1)!)
  const count: FrameCount = { down: 0, up: 0, overall: 0 }
  const last = { ...(await synced(filterFrames(count, o.filter))), received: { down: count.down, up: count.up } }
  return o.retry ? { ...last, retry: await synced() } : last
}

export interface CutReport {
  strategy: string
  cuts: number
  /** Cuts after which the replica was exactly as before the sync. */
  unchanged: number
  /** Cuts that came late enough for the sync to finish. */
  synced: number
  findings: string[]
}

/**
 * Cuts the connection at every frame boundary of a reference sync, and at seeded byte offsets inside
 * frames. After each cut the replica must be exactly as it was or exactly synced, never mixed; and the
 * next sync, uncut, must leave it correct.
 */
export async function cutTransfers(strategy: AnyStrategy, offsetsPerFrame = 3, seed = 'cut'): Promise<CutReport> {
  const sc = defaultScenario('cut', 1024, defaultOptions(strategy))
  const ref = await replay(strategy, sc)
  if (ref.outcome.error) throw new Error(`cut: ${strategy.name} fails its own reference sync: ${ref.outcome.error}`)
  const frames = ref.received.down + ref.received.up
  const rng = new Rng(`${seed}/${strategy.name}`)
  const report: CutReport = { strategy: strategy.name, cuts: 0, unchanged: 0, synced: 0, findings: [] }
  const cuts: Cut[] = []
  for (let k = 0; k <= frames; k++) {
    cuts.push({ at: k })
    for (let j = 0; j < offsetsPerFrame && k < frames; j++) cuts.push({ at: k, keep: rng.int(4096) })
  }
  for (const cut of cuts) {
    report.cuts++
    const r = await replay(strategy, sc, { filter: cutAt(cut), retry: true })
    const where = `cut after ${cut.at} frame(s)${cut.keep !== undefined ? ` with ${cut.keep} bytes of the next` : ''}`
    if (r.replicaAfter === r.replicaBefore) report.unchanged++
    else if (r.replicaAfter === r.sourceHash) report.synced++
    else report.findings.push(`${where}: replica is neither the old one nor the source`)
    if (r.outcome.error && !TYPED.has(r.outcome.errorCode ?? '')) report.findings.push(`${where}: untyped error ${r.outcome.error}`)
    if (!r.retry || r.retry.outcome.error || r.retry.replicaAfter !== r.retry.sourceHash) report.findings.push(`${where}: the next sync did not repair the replica (${r.retry?.outcome.error ?? 'wrong bytes'})`)
  }
  return report
}

/** A small scenario: a seeded base and two epochs of overwrites, an insert and a delete. */
export function defaultScenario(seed: string, blockSize: number, options: Record<string, unknown>): Scenario {
  const rng = new Rng(`fuzz-scenario/${seed}`)
  const base = rng.bytes(48 * 1024 + rng.int(4096))
  const epoch = (): Mutation[] => [
    { kind: 'overwrite', at: rng.int(40_000), bytes: rng.bytes(1 + rng.int(3000)) },
    { kind: 'insert', at: rng.int(40_000), bytes: rng.bytes(1 + rng.int(500)) },
    { kind: 'delete', at: rng.int(40_000), length: 1 + rng.int(500) },
  ]
  return { base, epochs: [epoch(), epoch()], options: { ...options, blockSize } }
}

/** What a fuzz run is: the strategy's cases follow from these alone (not from how they are split). */
export interface FuzzPlan {
  strategy: AnyStrategy
  seed: string
  blockSize: number
  /** Options set over the strategy's defaults (e.g. verify: 'digest'). */
  overrides: Record<string, unknown>
}

/** Scenarios each case is drawn from: a few, each replayed with many mutations. */
export const SCENARIOS = 8

interface Prepared {
  sc: Scenario
  received: Record<Direction, number>
  start?: Start
}

/**
 * The scenarios of a plan, each prepared once per process by a reference sync (which also gives the
 * frame counts a case picks from, and the start of the fuzzed sync). A worker keeps its own: the same
 * plan prepares the same scenarios anywhere.
 */
export class FuzzScenarios {
  private readonly prepared = new Map<number, Prepared>()
  /** Each case's outcome (index, error code, replica hash), with `list` (tests compare two paths with it). */
  readonly outcomes: string[] | undefined

  /** Whether the cases reuse a real tool's output for a step whose inputs are byte-identical to an earlier run's (strategies/shared/tool-cache.ts). */
  readonly toolCache: boolean

  /**
   * `replayEarlier`: every case replays the earlier epochs instead of starting from the kept start (the old,
   * slow path, for tests). `toolCache: false` runs every tool step of every case (tests compare the two);
   * the default is on unless DELTABENCH_FUZZ_TOOL_CACHE=0 (for before/after measurements; workers inherit it).
   */
  constructor(
    readonly plan: FuzzPlan,
    private readonly o: { replayEarlier?: boolean; list?: boolean; toolCache?: boolean } = {},
  ) {
    this.outcomes = o.list ? [] : undefined
    this.toolCache = o.toolCache ?? process.env.DELTABENCH_FUZZ_TOOL_CACHE !== '0'
  }

  async get(k: number): Promise<Prepared> {
    const have = this.prepared.get(k)
    if (have) return have
    const { strategy, blockSize, overrides } = this.plan
    const sc = defaultScenario(String(k), blockSize, { ...defaultOptions(strategy), ...overrides })
    let start: Start | undefined
    const ref = await replay(strategy, sc, { capture: (s) => (start = s) })
    if (ref.outcome.error) throw new Error(`fuzz: ${strategy.name} fails its own reference sync: ${ref.outcome.error}`)
    const entry = { sc, received: ref.received, start: this.o.replayEarlier ? undefined : start }
    this.prepared.set(k, entry)
    return entry
  }
}

/** An empty report, to add cases to. */
export function emptyReport(strategy: string): FuzzReport {
  return { strategy, cases: 0, completed: 0, rejected: 0, acceptedWrong: 0, findings: [], slowest: null }
}

/** Reports of consecutive case ranges joined, in the order given (findings stay in case order). */
export function joinReports(strategy: string, parts: readonly FuzzReport[]): FuzzReport {
  const r = emptyReport(strategy)
  for (const p of parts) {
    r.cases += p.cases
    r.completed += p.completed
    r.rejected += p.rejected
    r.acceptedWrong += p.acceptedWrong
    r.findings.push(...p.findings)
    if (p.slowest && (!r.slowest || p.slowest.ms > r.slowest.ms)) r.slowest = p.slowest
  }
  return r
}

/**
 * Runs cases [from, to) of a plan. Case i is drawn from its own seed (`<seed>/<strategy>/<i>`: mutator,
 * direction, frame and the mutation's bytes) on scenario i mod SCENARIOS, so it is the same case however
 * the range is split across processes (`npm run fuzz -- --jobs N`), and a finding's seed replays it alone.
 */
export async function fuzzCases(scenarios: FuzzScenarios, from: number, to: number): Promise<FuzzReport> {
  // Only this range's syncs run while it is on (a fuzz process runs nothing else); set back after, which empties it.
  const was = process.env[TOOL_CACHE_ENV]
  if (scenarios.toolCache) process.env[TOOL_CACHE_ENV] = '1'
  else delete process.env[TOOL_CACHE_ENV]
  try {
    return await runCases(scenarios, from, to)
  } finally {
    if (was === undefined) delete process.env[TOOL_CACHE_ENV]
    else process.env[TOOL_CACHE_ENV] = was
  }
}

/** strategies/shared/tool-cache.ts's switch (its TOOL_CACHE_ENV: apps reach strategies only through the registry, so the name is repeated here; test/fuzz-cache.test.ts fails if they part). */
const TOOL_CACHE_ENV = 'DELTABENCH_TOOL_CACHE'

async function runCases(scenarios: FuzzScenarios, from: number, to: number): Promise<FuzzReport> {
  const { strategy, seed } = scenarios.plan
  const report = emptyReport(strategy.name)
  for (let i = from; i < to; i++) {
    const entry = await scenarios.get(i % SCENARIOS)
    const caseSeed = `${seed}/${strategy.name}/${i}`
    const rng = new Rng(caseSeed)
    const mutator = MUTATORS[rng.int(MUTATORS.length)]!
    const direction: Direction = entry.received.up > 0 && rng.int(2) === 0 ? 'up' : 'down'
    const count = entry.received[direction]
    if (count === 0) continue
    const frame = rng.int(count)
    const where = { strategy: strategy.name, seed: caseSeed, mutator, direction, frame }
    report.cases++
    let r: Replay
    const t = performance.now()
    try {
      r = await replay(strategy, entry.sc, { filter: tamper(direction, frame, (f) => mutateFrame(f, mutator, rng)), start: entry.start })
    } catch (err) {
      report.findings.push({ ...where, problem: `the harness itself threw: ${(err as Error).stack ?? String(err)}` })
      continue
    }
    const ms = performance.now() - t
    const o = r.outcome
    scenarios.outcomes?.push(`${i} ${o.errorCode ?? 'ok'} ${r.replicaAfter.slice(0, 12)}`)
    if (!report.slowest || ms > report.slowest.ms) report.slowest = { seed: caseSeed, mutator, direction, ms, ended: o.error ?? 'completed' }
    if (!o.error) {
      report.completed++
      if (r.replicaAfter !== r.sourceHash) report.acceptedWrong++
      continue
    }
    report.rejected++
    if (!TYPED.has(o.errorCode ?? '')) report.findings.push({ ...where, problem: `untyped error (${o.errorCode}): ${o.error}` })
    else if (r.replicaAfter !== r.replicaBefore) report.findings.push({ ...where, problem: 'replica changed by a rejected sync' })
  }
  return report
}

/** Fuzzes one strategy with `cases` seeded cases in this process. `overrides` set options (e.g. verify: 'digest'). */
export async function fuzzStrategy(strategy: AnyStrategy, cases: number, seed = 'fuzz', blockSize = 1024, overrides: Record<string, unknown> = {}): Promise<FuzzReport> {
  return fuzzCases(new FuzzScenarios({ strategy, seed, blockSize, overrides }), 0, cases)
}
