/**
 * The sync half of `npm run bench:tracking`: a CBT (changed-block-bitmap) and a journal-replay sync through
 * the harness (SyncSession: sender, frames through the metered channel, receiver into the staged replica,
 * commit) against a memcpy of the same dirty blocks from the source into a replica buffer, in the same run.
 * Beside them, the harness's own floor: the same dirty runs written into a staged replica and committed,
 * with no strategy and no channel (the copy-on-write stage every receiver writes into).
 *
 * Per workload and rep: the source and replica are set back to the seeded base in the same memory (fresh
 * 64 MiB volumes per rep left garbage whose collection and page faults landed in whichever task ran next),
 * a priming sync, the epoch's writes through the tracker, then each task in turn, the order rotated each
 * rep, each after a full garbage collection. Figures are medians of the process's CPU time over the task
 * (the machine is shared: wall time there is mostly other jobs' turns), wall time beside it; every replica
 * is checked byte for byte and the memcpy must copy exactly the bytes the CBT sync sent.
 */
import { prepareWorkload, type PreparedWorkload } from '../harness/prepare-workload.ts'
import { findStrategy, findWorkload } from '../harness/config.ts'
import { SyncSession } from '../harness/sync-session.ts'
import { StagedVolume } from '../harness/staged-volume.ts'
import { defaultOptions } from '../core/options.ts'
import { firstDifference, MemoryVolume } from '../core/volume.ts'
import { median } from '../core/stats.ts'
import type { ChangeBitmap } from '../strategies/tracking/changed-block-bitmap.ts'

const STRATEGIES = { cbt: 'changed-block-bitmap', journal: 'journal-replay' } as const
type Sync = keyof typeof STRATEGIES
const TASKS = ['cbt', 'journal', 'memcpy', 'stage'] as const
type Task = (typeof TASKS)[number]

/** A task's CPU and wall time, ms. */
export interface Spent {
  cpu: number
  wall: number
}

/** Where a sync's CPU went (ms, medians): its halves, the commit, and the rest (channel copies, set-up). */
export interface SyncParts {
  sender: number
  receiver: number
  commit: number
  other: number
}

export interface SyncVsCopy {
  workload: string
  /** Bytes of block data each sync moved (the channel's literal bytes); memcpy and stage copy the CBT's. */
  dirtyBytes: Record<Sync, number>
  /** Medians over reps. */
  ms: Record<Task, Spent>
  parts: Record<Sync, SyncParts>
}

const gc = (globalThis as { gc?: () => void }).gc

/** The source, replica and copy target of one workload, set back to the base before every task. */
class Volumes {
  readonly source: MemoryVolume
  readonly replica: MemoryVolume
  readonly copy: Uint8Array

  constructor(private readonly base: Uint8Array) {
    this.source = new MemoryVolume(base)
    this.replica = new MemoryVolume(base)
    this.copy = new Uint8Array(base.length)
  }

  reset(): void {
    for (const v of [this.source, this.replica]) {
      v.truncate(this.base.length)
      v.write(0, this.base)
    }
    this.copy.set(this.base)
  }
}

/** A session primed on the base with the epoch's writes applied to the source. */
async function sessionAt(prepared: PreparedWorkload, v: Volumes, strategy: string, blockSize: number): Promise<SyncSession> {
  v.reset()
  const s = findStrategy(strategy)
  const session = new SyncSession({ strategy: s, options: { ...defaultOptions(s), blockSize }, source: v.source, replica: v.replica })
  const primed = await session.prime()
  if (primed) throw new Error(`bench:tracking: priming ${strategy}: ${primed}`)
  session.apply(prepared.epochs[0]!, prepared.workload.name)
  return session
}

/** Calls `each(from, to)` for every run of consecutive blocks set in `bits`. */
function dirtyRuns(bits: Uint8Array, blocks: number, blockSize: number, size: number, each: (from: number, to: number) => void): void {
  for (let b = 0; b < blocks; ) {
    if ((bits[b >>> 3]! & (1 << (b & 7))) === 0) {
      b++
      continue
    }
    const first = b
    while (b < blocks && bits[b >>> 3]! & (1 << (b & 7))) b++
    each(first * blockSize, Math.min(size, b * blockSize))
  }
}

function measure<T>(fn: () => T): { value: T } & Spent {
  gc?.()
  const c0 = process.cpuUsage()
  const w0 = performance.now()
  const value = fn()
  const wall = performance.now() - w0
  const c = process.cpuUsage(c0)
  return { value, cpu: (c.user + c.system) / 1000, wall }
}

interface Rep {
  spent: Spent
  bytes: number
  parts?: SyncParts
}

async function timeSync(prepared: PreparedWorkload, v: Volumes, who: Sync, blockSize: number): Promise<Rep> {
  const session = await sessionAt(prepared, v, STRATEGIES[who], blockSize)
  gc?.()
  const c0 = process.cpuUsage()
  const w0 = performance.now()
  const out = await session.sync()
  const wall = performance.now() - w0
  const c = process.cpuUsage(c0)
  if (out.error || firstDifference(v.replica, v.source) >= 0) throw new Error(`bench:tracking: ${who} on ${prepared.workload.name}: ${out.error ?? 'replica not byte-exact'}`)
  const cpu = (c.user + c.system) / 1000
  const parts = { sender: out.sender.cpuMs, receiver: out.receiver.cpuMs, commit: out.commitCpuMs, other: cpu - out.sender.cpuMs - out.receiver.cpuMs - out.commitCpuMs }
  return { spent: { cpu, wall }, bytes: out.counters.byKind.literal, parts }
}

/** The memcpy (into a buffer) or the staged write and commit (into the replica) of the CBT's dirty runs. */
async function timeCopy(prepared: PreparedWorkload, v: Volumes, who: 'memcpy' | 'stage', blockSize: number): Promise<Rep> {
  // The CBT session's own bitmap says which blocks are dirty; the copy is of exactly those blocks.
  const session = await sessionAt(prepared, v, STRATEGIES.cbt, blockSize)
  const bits = (session.tracker as ChangeBitmap).bits.slice()
  const src = v.source.read(0, v.source.size)
  const blocks = Math.ceil(src.length / blockSize)
  if (who === 'memcpy') {
    const dst = v.copy
    const r = measure(() => {
      let copied = 0
      dirtyRuns(bits, blocks, blockSize, src.length, (from, to) => {
        dst.set(src.subarray(from, to), from)
        copied += to - from
      })
      return copied
    })
    if (firstDifference(new MemoryVolume(dst), v.source) >= 0) throw new Error(`bench:tracking: memcpy on ${prepared.workload.name}: copy not byte-exact`)
    return { spent: r, bytes: r.value }
  }
  const r = measure(() => {
    const staged = new StagedVolume(v.replica)
    let copied = 0
    dirtyRuns(bits, blocks, blockSize, src.length, (from, to) => {
      staged.write(from, src.subarray(from, to))
      copied += to - from
    })
    staged.commit()
    return copied
  })
  if (firstDifference(v.replica, v.source) >= 0) throw new Error(`bench:tracking: stage on ${prepared.workload.name}: replica not byte-exact`)
  return { spent: r, bytes: r.value }
}

const medianOf = (xs: Spent[]): Spent => ({ cpu: median(xs.map((x) => x.cpu)), wall: median(xs.map((x) => x.wall)) })

function medianParts(xs: SyncParts[]): SyncParts {
  return { sender: median(xs.map((x) => x.sender)), receiver: median(xs.map((x) => x.receiver)), commit: median(xs.map((x) => x.commit)), other: median(xs.map((x) => x.other)) }
}

/** Measures CBT and journal syncs, the memcpy of their dirty blocks and the staged floor on each workload's first epoch. */
export async function syncsAgainstMemcpy(o: { workloads: string[]; size: number; blockSize: number; reps: number; seed: string }): Promise<SyncVsCopy[]> {
  if (!gc) throw new Error('bench:tracking: run it with node --expose-gc (npm run bench:tracking does), so every task starts from a collected heap')
  const out: SyncVsCopy[] = []
  for (const name of o.workloads) {
    const w = findWorkload(name)
    const prepared = prepareWorkload(w, defaultOptions(w), { size: o.size, epochs: 1, seed: o.seed, content: 'mixed' })
    const base = prepared.base.clone()
    const v = new Volumes(base.read(0, base.size).slice())
    const spent: Record<Task, Spent[]> = { cbt: [], journal: [], memcpy: [], stage: [] }
    const parts: Record<Sync, SyncParts[]> = { cbt: [], journal: [] }
    const bytes: Record<Task, number> = { cbt: 0, journal: 0, memcpy: 0, stage: 0 }
    // One untimed round first: the JIT has compiled every path before the first figure.
    for (let rep = -1; rep < o.reps; rep++) {
      for (let k = 0; k < TASKS.length; k++) {
        const who = TASKS[(k + Math.max(rep, 0)) % TASKS.length]!
        const r = who === 'cbt' || who === 'journal' ? await timeSync(prepared, v, who, o.blockSize) : await timeCopy(prepared, v, who, o.blockSize)
        if (rep < 0) continue
        spent[who].push(r.spent)
        if (r.parts) parts[who as Sync].push(r.parts)
        bytes[who] = r.bytes
      }
    }
    prepared.base.release()
    if (bytes.memcpy !== bytes.cbt) throw new Error(`bench:tracking: memcpy copied ${bytes.memcpy} bytes, the CBT sync sent ${bytes.cbt} on ${name}`)
    out.push({
      workload: name,
      dirtyBytes: { cbt: bytes.cbt, journal: bytes.journal },
      ms: { cbt: medianOf(spent.cbt), journal: medianOf(spent.journal), memcpy: medianOf(spent.memcpy), stage: medianOf(spent.stage) },
      parts: { cbt: medianParts(parts.cbt), journal: medianParts(parts.journal) },
    })
  }
  return out
}
