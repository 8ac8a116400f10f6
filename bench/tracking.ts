/**
 * npm run bench:tracking — the write-time cost of tracking, per primitive (tinybench): one tracker call
 * per write for the CBT bitmap and the journal (whole blocks, byte-exact), and one snapshot manifest per
 * MiB for snapshot-diff. Rounds interleave the tasks (the machine is shared and noisy); each figure is the
 * median over rounds of a task's median latency.
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

const results = new Map<string, number[]>()
for (let round = 0; round < ROUNDS; round++) {
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

process.stdout.write(`tracker cost per call, median of ${ROUNDS} interleaved rounds (Node ${process.version})\n\n`)
const shown = (m: number) => (m >= 1 ? `${m.toFixed(2)} ms` : `${(m * 1000).toFixed(2)} µs`)
const table = [...results].map(([name, ms]) => [name, shown(median(ms))])
process.stdout.write(textTable(table, { columns: [{}, { align: 'right', minWidth: 10 }] }).join('\n') + '\n')
