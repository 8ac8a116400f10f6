/**
 * npm run bench:tracking — the write-time cost of tracking, per primitive (tinybench): one tracker call
 * per write for the CBT bitmap and the journal (whole blocks, byte-exact), and one snapshot manifest per
 * MiB for snapshot-diff. Rounds interleave the tasks (the machine is shared and noisy); each figure is the
 * median over rounds of a task's median latency.
 *
 * Then whole syncs (bench/tracking-sync.ts): CBT and journal-replay syncs of one epoch of 64 MiB against a
 * memcpy of their dirty blocks and against the staged replica's floor (the same blocks written into a stage
 * and committed), in the same run, by CPU time; the issue-18 target is a sync within 2× of that copy.
 * Run under node --expose-gc (the npm script does): every timed task starts from a collected heap.
 *
 *   npm run bench:tracking                                # both parts
 *   npm run bench:tracking -- --syncs --reps 7            # the syncs only
 *   npm run bench:tracking -- --syncs --workloads hot-spot --reps 3
 */
import { Bench } from 'tinybench'
import { MeteredTrackerDevice } from '../harness/tracker-device.ts'
import { MemoryVolume } from '../core/volume.ts'
import { ChangeBitmap } from '../strategies/tracking/changed-block-bitmap.ts'
import { JournalTracker } from '../strategies/tracking/journal-replay.ts'
import { takeManifest } from '../strategies/tracking/block-manifest.ts'
import { createStrongHasher } from '../strategies/shared/strong-hash.ts'
import { median } from '../core/stats.ts'
import { textTable } from '../core/text-table.ts'
import { Rng } from '../core/seeded-random.ts'
import { syncsAgainstMemcpy, type Spent } from './tracking-sync.ts'

const VOLUME = 64 << 20
const ROUNDS = 5
const BS = 4096
const rng = new Rng('bench-tracking')
const source = new MemoryVolume(rng.bytes(VOLUME))
const snapshotVolume = new MemoryVolume(rng.bytes(16 << 20))
const xxh128 = await createStrongHasher('xxh128')

/** Seeded write positions, so every task sees the same writes. */
const offsets = Array.from({ length: 4096 }, () => rng.int(VOLUME - 65536))
const small = rng.bytes(300)
const page = rng.bytes(4096)

function writer(onWrite: (w: { offset: number; data: Uint8Array }) => void, data: Uint8Array, aligned: boolean): () => void {
  let i = 0
  return () => {
    const o = offsets[i++ & 4095]!
    onWrite({ offset: aligned ? o - (o % BS) : o, data })
  }
}

/** A journal whose device is emptied now and then, as an acknowledged sync would, so memory stays flat. */
function journal(byteExact: boolean): JournalTracker {
  const device = new MeteredTrackerDevice()
  const j = new JournalTracker(device, source, BS, byteExact)
  const onWrite = j.onWrite.bind(j)
  j.onWrite = (w) => {
    onWrite(w)
    if (device.size > 64 << 20) device.clear()
  }
  return j
}

function flag(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`)
  return i >= 0 ? process.argv[i + 1]! : fallback
}

const results = new Map<string, number[]>()
const syncsOnly = process.argv.includes('--syncs')
for (let round = 0; round < (syncsOnly ? 0 : ROUNDS); round++) {
  const bitmap = new ChangeBitmap(BS, VOLUME)
  const blocks = journal(false)
  const exact = journal(true)
  const bench = new Bench({ time: 150, warmupTime: 30 })
  bench
    .add('bitmap: 4 KiB aligned write', writer((w) => bitmap.onWrite(w), page, true))
    .add('journal, whole blocks: 4 KiB aligned write', writer((w) => blocks.onWrite(w), page, true))
    .add('journal, byte-exact: 4 KiB aligned write', writer((w) => exact.onWrite(w), page, true))
    .add('bitmap: 300 B unaligned write', writer((w) => bitmap.onWrite(w), small, false))
    .add('journal, whole blocks: 300 B unaligned write', writer((w) => blocks.onWrite(w), small, false))
    .add('journal, byte-exact: 300 B unaligned write', writer((w) => exact.onWrite(w), small, false))
    .add('snapshot manifest (xxh128, 4 KiB blocks): 16 MiB', () => {
      takeManifest(snapshotVolume, BS, xxh128)
    })
  await bench.run()
  for (const t of bench.tasks) {
    const r = t.result
    if (r.state !== 'completed') throw new Error(`bench:tracking: ${t.name} ${r.state}`)
    results.set(t.name, [...(results.get(t.name) ?? []), r.latency.p50])
  }
}

const shown = (m: number) => (m >= 1 ? `${m.toFixed(2)} ms` : `${(m * 1000).toFixed(2)} µs`)
if (!syncsOnly) {
  process.stdout.write(`tracker cost per call, median of ${ROUNDS} interleaved rounds (Node ${process.version})\n\n`)
  const table = [...results].map(([name, ms]) => [name, shown(median(ms))])
  process.stdout.write(textTable(table, { columns: [{}, { align: 'right', minWidth: 10 }] }).join('\n') + '\n')
}

const reps = Number(flag('reps', '7'))
const syncs = await syncsAgainstMemcpy({ workloads: flag('workloads', 'random-overwrite,hot-spot,insert-delete').split(','), size: VOLUME, blockSize: BS, reps, seed: flag('seed', '1') })
process.stdout.write(`\none sync of 64 MiB (epoch 1, seed ${flag('seed', '1')}, ${BS} B blocks) against a memcpy of its dirty blocks; CPU ms, median of ${reps} interleaved reps (wall in brackets)\n\n`)
const mib = (n: number) => `${(n / 2 ** 20).toFixed(2)} MiB`
const ms = (s: Spent) => `${shown(s.cpu)} (${shown(s.wall)})`
const ratio = (a: Spent, b: Spent) => `${(a.cpu / b.cpu).toFixed(1)}×`
const right = (head: string[]) => head.map((_, i) => ({ align: i === 0 ? ('left' as const) : ('right' as const) }))
const head = ['workload', 'dirty', 'memcpy', 'CBT sync', 'CBT/memcpy', 'journal sync', 'journal/memcpy', 'stage+commit', 'stage/memcpy']
const rows = syncs.map((r) => [r.workload, r.dirtyBytes.cbt === r.dirtyBytes.journal ? mib(r.dirtyBytes.cbt) : `${mib(r.dirtyBytes.cbt)} / ${mib(r.dirtyBytes.journal)}`, ms(r.ms.memcpy), ms(r.ms.cbt), ratio(r.ms.cbt, r.ms.memcpy), ms(r.ms.journal), ratio(r.ms.journal, r.ms.memcpy), ms(r.ms.stage), ratio(r.ms.stage, r.ms.memcpy)])
process.stdout.write(textTable([head, ...rows], { columns: right(head), rule: true }).join('\n') + '\n')
process.stdout.write(`\nwhere a sync's CPU goes (ms, medians; other = channel copies and the harness's set-up)\n\n`)
const partsHead = ['workload', 'strategy', 'sender', 'receiver', 'commit', 'other']
const partsRows = syncs.flatMap((r) => (['cbt', 'journal'] as const).map((k) => [r.workload, k === 'cbt' ? 'changed-block-bitmap' : 'journal-replay', shown(r.parts[k].sender), shown(r.parts[k].receiver), shown(r.parts[k].commit), shown(r.parts[k].other)]))
process.stdout.write(textTable([partsHead, ...partsRows], { columns: partsHead.map((_, i) => ({ align: i < 2 ? ('left' as const) : ('right' as const) })), rule: true }).join('\n') + '\n')
