/**
 * The sync half of `npm run bench:tracking`: a CBT (changed-block-bitmap) and a journal-replay sync through
 * the harness (SyncSession: frames, metered channel, staged replica, commit) against a memcpy of the same
 * dirty blocks from the source into a replica buffer, measured in the same run. Per workload and rep: a
 * fresh source and replica from the seeded base, a priming sync, the epoch's writes through the tracker,
 * then the three timed in turn, the order rotated each rep. Figures are medians of wall time (the syncs
 * are in-process and synchronous, so wall is CPU on an idle core); every replica is checked byte for byte.
 */
import { prepareWorkload, type PreparedWorkload } from '../harness/prepare-workload.ts'
import { findStrategy, findWorkload } from '../harness/config.ts'
import { SyncSession } from '../harness/sync-session.ts'
import { defaultOptions } from '../core/options.ts'
import { firstDifference, MemoryVolume } from '../core/volume.ts'
import { median } from '../core/stats.ts'
import type { ChangeBitmap } from '../strategies/tracking/changed-block-bitmap.ts'

export interface SyncVsCopy {
  workload: string
  /** Bytes of block data each sync moved (the channel's literal bytes). */
  dirtyBytes: { cbt: number; journal: number }
  ms: { cbt: number; journal: number; memcpy: number }
}

const STRATEGIES = { cbt: 'changed-block-bitmap', journal: 'journal-replay' } as const
type Who = keyof typeof STRATEGIES | 'memcpy'

/** A source and replica at the base, a session primed on them and the epoch's writes applied. */
async function sessionAt(prepared: PreparedWorkload, strategy: string, blockSize: number): Promise<{ session: SyncSession; source: MemoryVolume; replica: MemoryVolume }> {
  const base = prepared.base.clone()
  const source = new MemoryVolume(base.read(0, base.size))
  const replica = new MemoryVolume(base.read(0, base.size))
  const s = findStrategy(strategy)
  const session = new SyncSession({ strategy: s, options: { ...defaultOptions(s), blockSize }, source, replica })
  const primed = await session.prime()
  if (primed) throw new Error(`bench:tracking: priming ${strategy}: ${primed}`)
  session.apply(prepared.epochs[0]!, prepared.workload.name)
  return { session, source, replica }
}

/** Copies the blocks set in `bits` from source to replica, one run of consecutive dirty blocks at a time. */
function copyDirty(bits: Uint8Array, blockSize: number, source: Uint8Array, replica: Uint8Array): number {
  const blocks = Math.ceil(source.length / blockSize)
  let copied = 0
  for (let b = 0; b < blocks; ) {
    if ((bits[b >>> 3]! & (1 << (b & 7))) === 0) {
      b++
      continue
    }
    const first = b
    while (b < blocks && bits[b >>> 3]! & (1 << (b & 7))) b++
    const from = first * blockSize
    const to = Math.min(source.length, b * blockSize)
    replica.set(source.subarray(from, to), from)
    copied += to - from
  }
  return copied
}

async function timeOne(prepared: PreparedWorkload, who: Who, blockSize: number): Promise<{ ms: number; bytes: number }> {
  if (who === 'memcpy') {
    // The CBT session's own bitmap says which blocks are dirty; the copy is of exactly those blocks.
    const { session, source, replica } = await sessionAt(prepared, STRATEGIES.cbt, blockSize)
    const bits = (session.tracker as ChangeBitmap).bits.slice()
    const src = source.snapshot()
    // The replica's bytes in a buffer of the source's size (an insert or delete changed it).
    const dst = new Uint8Array(src.length)
    dst.set(replica.read(0, Math.min(replica.size, src.length)))
    const t = performance.now()
    const bytes = copyDirty(bits, blockSize, src, dst)
    return { ms: performance.now() - t, bytes }
  }
  const { session, source, replica } = await sessionAt(prepared, STRATEGIES[who], blockSize)
  const t = performance.now()
  const out = await session.sync()
  const ms = performance.now() - t
  if (out.error || firstDifference(replica, source) >= 0) throw new Error(`bench:tracking: ${who} on ${prepared.workload.name}: ${out.error ?? 'replica not byte-exact'}`)
  return { ms, bytes: out.counters.byKind.literal }
}

/** Measures CBT and journal syncs against memcpy of their dirty blocks on each workload's first epoch. */
export async function syncsAgainstMemcpy(o: { workloads: string[]; size: number; blockSize: number; reps: number; seed: string }): Promise<SyncVsCopy[]> {
  const out: SyncVsCopy[] = []
  for (const name of o.workloads) {
    const w = findWorkload(name)
    const prepared = prepareWorkload(w, defaultOptions(w), { size: o.size, epochs: 1, seed: o.seed, content: 'mixed' })
    const order: Who[] = ['cbt', 'journal', 'memcpy']
    const ms: Record<Who, number[]> = { cbt: [], journal: [], memcpy: [] }
    const bytes: Record<Who, number> = { cbt: 0, journal: 0, memcpy: 0 }
    // One untimed round first: the JIT has compiled every path before the first figure.
    for (let rep = -1; rep < o.reps; rep++) {
      for (let k = 0; k < order.length; k++) {
        const who = order[(k + Math.max(rep, 0)) % order.length]!
        const r = await timeOne(prepared, who, o.blockSize)
        if (rep >= 0) ms[who].push(r.ms)
        bytes[who] = r.bytes
      }
    }
    prepared.base.release()
    out.push({ workload: name, dirtyBytes: { cbt: bytes.cbt, journal: bytes.journal }, ms: { cbt: median(ms.cbt), journal: median(ms.journal), memcpy: median(ms.memcpy) } })
  }
  return out
}
