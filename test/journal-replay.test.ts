/** journal-replay: coalescing never changes the replica, records are checked, replayed once, truncated on ack. */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { SyncSession } from '../harness/sync-session.ts'
import { MeteredTrackerDevice } from '../harness/tracker-device.ts'
import { MemoryVolume } from '../core/volume.ts'
import { journalReplay, JournalTracker } from '../strategies/tracking/journal-replay.ts'
import { coalesce, extentData } from '../strategies/tracking/coalesce.ts'
import { encodeRecord, MAX_RECORD_DATA, readRecords, REC_RESIZE, REC_WRITE, writeRecord } from '../strategies/tracking/journal-records.ts'
import { FrameWriter } from '../core/wire.ts'
import { afterEachStep, quickRun } from './helpers.ts'
import { defaultOptions } from '../core/options.ts'

type Op = { kind: 'write'; offset: number; data: Uint8Array } | { kind: 'resize'; size: number }

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('write' as const), offset: fc.nat(3000), data: fc.uint8Array({ minLength: 1, maxLength: 700 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('resize' as const), size: fc.nat(3500) }) },
)

function applyOp(v: MemoryVolume, op: Op): void {
  if (op.kind === 'write') v.write(op.offset, op.data)
  else v.truncate(op.size)
}

/** Ops as the device would log them (LSN 1…), decoded back as the sender reads them. */
function asRecords(ops: readonly Op[]) {
  const bytes = ops.map((op, i) => (op.kind === 'write' ? encodeRecord(REC_WRITE, i + 1, op.offset, op.data) : encodeRecord(REC_RESIZE, i + 1, op.size)))
  return readRecords('test', Buffer.concat(bytes), true)
}

function replayCoalesced(v: MemoryVolume, ops: readonly Op[]): void {
  const c = coalesce(asRecords(ops), 1000)
  if (c.minSize !== undefined) v.truncate(c.minSize)
  if (c.finalSize !== undefined) v.truncate(c.finalSize)
  for (const e of c.extents) {
    expect(e.length).toBeLessThanOrEqual(1000)
    v.write(e.offset, extentData(e))
  }
}

describe('coalesce', () => {
  it('replaying the coalesced records equals replaying every record, from the start or from any state part-way', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 4000 }), fc.array(opArb, { maxLength: 40 }), fc.nat(), (base, ops, cut) => {
        const all = new MemoryVolume(base)
        for (const op of ops) applyOp(all, op)
        const co = new MemoryVolume(base)
        replayCoalesced(co, ops)
        expect(Buffer.compare(co.snapshot(), all.snapshot())).toBe(0)
        // A resend after a crash replays the whole batch over a replica that already holds a prefix of it.
        const part = new MemoryVolume(base)
        for (const op of ops.slice(0, cut % (ops.length + 1))) applyOp(part, op)
        replayCoalesced(part, ops)
        expect(Buffer.compare(part.snapshot(), all.snapshot())).toBe(0)
      }),
      { numRuns: 400, seed: 11 },
    )
  })

  it('a record written from pieces straight into a frame is byte for byte the record of the joined data', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 300 }), { minLength: 1, maxLength: 5 }), fc.maxSafeNat(), fc.nat(2 ** 40), (pieces, lsn, offset) => {
        const joined = Buffer.concat(pieces)
        const w = new FrameWriter(1)
        writeRecord(w, lsn, offset, pieces, joined.length)
        expect(w.finish()).toEqual(encodeRecord(REC_WRITE, lsn, offset, joined))
      }),
      { numRuns: 300, seed: 5 },
    )
  })

  it('keeps only the last write of each byte', () => {
    const ops: Op[] = [
      { kind: 'write', offset: 0, data: new Uint8Array(100).fill(1) },
      { kind: 'write', offset: 50, data: new Uint8Array(100).fill(2) },
      { kind: 'write', offset: 0, data: new Uint8Array(10).fill(3) },
    ]
    const c = coalesce(asRecords(ops), 1 << 20)
    expect(c.extents.reduce((a, e) => a + e.length, 0)).toBe(150)
    expect(c.extents).toHaveLength(1)
    expect(c.minSize).toBeUndefined()
  })
})

describe('journal-replay', () => {
  const workloads = ['random-overwrite', 'insert-delete', 'hot-spot', 'resize', 'append'] as const
  const variants = [
    { coalesce: false, byteExact: false },
    { coalesce: false, byteExact: true },
    { coalesce: true, byteExact: true },
  ]

  it('every variant (every record or coalesced, whole blocks or byte-exact) gives a byte-exact replica on every workload', async () => {
    for (const workload of workloads) {
      for (const v of variants) {
        for (const blockSize of [7, 4096]) {
          const rows = await quickRun({ strategy: 'journal-replay', workload, blockSize, size: 100_003, epochs: 3, strategyOptions: v, workloadOptions: workload === 'hot-spot' ? { writes: 60 } : {} })
          for (const r of rows) expect(r.correct, `${workload} ${JSON.stringify(v)} bs=${blockSize} epoch ${r.epoch}: ${r.error}`).toBe(true)
        }
      }
    }
  })

  it('coalescing ships the final state instead of every write: same journal written, fewer bytes sent', async () => {
    const run = (coalesce: boolean) => quickRun({ strategy: 'journal-replay', workload: 'hot-spot', blockSize: 4096, size: 1 << 20, epochs: 3, strategyOptions: { coalesce } })
    const [every, final] = [await run(false), await run(true)]
    for (let e = 0; e < 3; e++) {
      expect(final[e]!.correct && every[e]!.correct).toBe(true)
      expect(final[e]!.tracker_device_bytes).toBe(every[e]!.tracker_device_bytes)
      // hot-spot rewrites the same regions many times per epoch: the final state is much smaller.
      expect(final[e]!.bytes_down).toBeLessThan(every[e]!.bytes_down / 2)
    }
  })

  it('logs every written byte (write amplification), byte-exact below whole blocks, and truncates after each ack', async () => {
    const run = (byteExact: boolean) => quickRun({ strategy: 'journal-replay', workload: 'random-overwrite', blockSize: 4096, size: 1 << 20, epochs: 3, strategyOptions: { byteExact, coalesce: false } })
    const [exact, blocks] = [await run(true), await run(false)]
    for (let e = 0; e < 3; e++) {
      const x = exact[e]!
      expect(x.tracker_device_bytes!).toBeGreaterThanOrEqual(x.source_write_bytes)
      expect(x.tracker_device_bytes!).toBeLessThan(x.source_write_bytes * 1.05 + 1024)
      expect(blocks[e]!.tracker_device_bytes!).toBeGreaterThan(x.tracker_device_bytes!)
      // The journal held at the sync is exactly this epoch's: the last sync's records were truncated on its ack.
      expect(x.tracker_device_held_bytes).toBe(x.tracker_device_bytes)
    }
  })

  it('refuses a record that fails its checksum: the replica is untouched and the next sync resends it', async () => {
    let flipped = false
    // Flip the last byte of the first records frame once (a data byte of its last record).
    const corrupting = afterEachStep(journalReplay, 'journal-replay', 'sender', (out) => {
      const f = out.find((x) => x.bytes[0] === 0x4a)
      if (f && !flipped) {
        flipped = true
        f.bytes[f.bytes.length - 1]! ^= 0x01
      }
    })
    const rows = await quickRun({ strategy: corrupting, workload: 'random-overwrite', blockSize: 4096, size: 256 << 10, epochs: 2, strategyOptions: { byteExact: true, coalesce: false } })
    expect(rows[0]!.error).toMatch(/journal-replay: malformed frame: journal record \d+ fails its checksum/)
    expect(rows[0]!.correct).toBe(false)
    // Not acknowledged, so not truncated: the second sync carries both epochs' records and is right.
    expect(rows[1]!.tracker_device_held_bytes).toBeGreaterThan(rows[1]!.tracker_device_bytes!)
    expect(rows[1]!.correct).toBe(true)
  })

  it('skips records at or below the LSN the replica already holds (no double apply after a crash)', async () => {
    const replica = new MemoryVolume(new Uint8Array(64))
    const options = { ...defaultOptions(journalReplay), blockSize: 1, byteExact: true, coalesce: false }
    const session = new SyncSession({ strategy: journalReplay, options, source: new MemoryVolume(new Uint8Array(64)), replica })
    expect(session.tracker).toBeInstanceOf(JournalTracker)
    session.apply(([[0, 1], [16, 2], [32, 3]] as const).map(([at, fill]) => ({ kind: 'overwrite' as const, at, bytes: new Uint8Array(8).fill(fill) })))
    const { receiverState } = session
    // The replica says it holds records up to LSN 2 (which it does not: so a replay of 1-2 would show).
    receiverState.set('lsn', new FrameWriter(4).varint(2).finish())
    receiverState.commit()
    const out = await session.sync()
    expect(out.error).toBeUndefined()
    const got = replica.snapshot()
    expect([got[0], got[16], got[32]]).toEqual([0, 0, 3])
    expect(session.device.size).toBe(0)
    expect(receiverState.get('lsn')).toEqual(new FrameWriter(4).varint(3).finish())
  })

  it('splits a write longer than a record can hold', () => {
    const source = new MemoryVolume(new Uint8Array(3 * MAX_RECORD_DATA))
    const device = new MeteredTrackerDevice()
    const t = new JournalTracker(device, source, 4096, true)
    t.onWrite({ offset: 5, data: new Uint8Array(2 * MAX_RECORD_DATA + 10) })
    const recs = t.records()
    expect(recs.map((r) => [r.lsn, r.offset, r.data.length])).toEqual([
      [1, 5, MAX_RECORD_DATA],
      [2, 5 + MAX_RECORD_DATA, MAX_RECORD_DATA],
      [3, 5 + 2 * MAX_RECORD_DATA, 10],
    ])
  })
})
