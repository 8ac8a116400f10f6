import { describe, expect, it } from 'vitest'
import { cellVolume, releaseCellVolume } from '../harness/cell-volumes.ts'
import { prepareWorkload } from '../harness/prepare-workload.ts'
import { findWorkload } from '../harness/config.ts'
import { MeteredTrackerDevice } from '../harness/tracker-device.ts'
import { defaultOptions } from '../core/options.ts'
import { applyMutation, NO_OBSERVER } from '../workloads/apply-mutations.ts'
import { changedExtents } from '../harness/epoch-extents.ts'

describe('cell volumes and tracker devices reuse memory, never content', () => {
  it('a volume the previous cell grew, shrank and overwrote comes back as the base, byte for byte', () => {
    const w = findWorkload('random-overwrite')
    const prepared = prepareWorkload(w, defaultOptions(w), { size: 300_000, epochs: 1, seed: 'reuse', content: 'mixed' })
    const base = prepared.base.clone()
    const want = base.read(0, base.size).slice()
    for (const change of [(n: number) => n + 100_000, (n: number) => n - 123_456, (n: number) => n]) {
      const a = cellVolume(prepared)
      const b = cellVolume(prepared)
      expect(Buffer.compare(a.read(0, a.size), want)).toBe(0)
      expect(Buffer.compare(b.read(0, b.size), want)).toBe(0)
      a.truncate(change(a.size))
      a.write(1000, new Uint8Array(5000).fill(9))
      b.write(b.size, new Uint8Array(70_000).fill(7))
      releaseCellVolume(prepared, a)
      releaseCellVolume(prepared, b)
    }
    const again = cellVolume(prepared)
    expect(Buffer.compare(again.read(0, again.size), want)).toBe(0)
    releaseCellVolume(prepared, again)
  })

  it('a volume left as the last epoch is reset only where the epochs wrote, and comes back as the base for every workload', () => {
    for (const name of ['random-overwrite', 'insert-delete', 'append', 'hot-spot', 'resize', 'collision-flood']) {
      const w = findWorkload(name)
      const prepared = prepareWorkload(w, defaultOptions(w), { size: 200_000, epochs: 3, seed: 'extents', content: 'mixed' })
      const want = prepared.base.bytes!.slice()
      for (let round = 0; round < 2; round++) {
        const a = cellVolume(prepared)
        const b = cellVolume(prepared)
        expect(Buffer.compare(a.read(0, a.size), want), name).toBe(0)
        expect(Buffer.compare(b.read(0, b.size), want), name).toBe(0)
        for (const epoch of prepared.epochs) for (const m of epoch) applyMutation(a, m, NO_OBSERVER)
        for (const epoch of prepared.epochs) for (const m of epoch) applyMutation(b, m, NO_OBSERVER)
        releaseCellVolume(prepared, a, true)
        releaseCellVolume(prepared, b, true)
      }
      const again = cellVolume(prepared)
      expect(Buffer.compare(again.read(0, again.size), want), name).toBe(0)
      releaseCellVolume(prepared, again)
    }
  })

  it('trusts the flag: a byte written outside the epochs survives a reset of a volume said to hold the last epoch (so the flag must be true)', () => {
    const w = findWorkload('random-overwrite')
    const prepared = prepareWorkload(w, defaultOptions(w), { size: 200_000, epochs: 1, seed: 'extents', content: 'mixed' })
    const ranges = changedExtents(prepared.epochs)
    const outside = ranges[0]![0] > 0 ? 0 : ranges[0]![1]
    const a = cellVolume(prepared)
    const b = cellVolume(prepared)
    a.write(outside, Uint8Array.of(prepared.base.bytes![outside]! ^ 0xff))
    releaseCellVolume(prepared, b)
    releaseCellVolume(prepared, a, true)
    const back = cellVolume(prepared)
    expect(back.read(outside, 1)[0]).not.toBe(prepared.base.bytes![outside])
    releaseCellVolume(prepared, back)
  })

  it('changed extents: overwrites as themselves, shifts and truncates to the end, merged and sorted', () => {
    const bytes = (n: number) => new Uint8Array(n)
    expect(changedExtents([[{ kind: 'overwrite', at: 100, bytes: bytes(10) }, { kind: 'overwrite', at: 5, bytes: bytes(10) }], [{ kind: 'overwrite', at: 108, bytes: bytes(10) }]])).toEqual([
      [5, 15],
      [100, 118],
    ])
    expect(changedExtents([[{ kind: 'overwrite', at: 0, bytes: bytes(4) }, { kind: 'insert', at: 50, bytes: bytes(1) }, { kind: 'overwrite', at: 60, bytes: bytes(4) }]])).toEqual([
      [0, 4],
      [50, Infinity],
    ])
    expect(changedExtents([[{ kind: 'truncate', size: 30 }, { kind: 'delete', at: 70, length: 3 }, { kind: 'overwrite', at: 9, bytes: bytes(0) }]])).toEqual([[30, Infinity]])
  })

  it('a tracker device reads back what was appended since the clear, also on a buffer another device released', () => {
    const first = new MeteredTrackerDevice()
    for (let i = 0; i < 300; i++) first.append(new Uint8Array(1000).fill(i & 0xff))
    first.release()
    const d = new MeteredTrackerDevice()
    expect(d.size).toBe(0)
    d.append(Uint8Array.of(1, 2, 3))
    d.clear()
    d.append(Uint8Array.of(4, 5))
    d.append(new Uint8Array(200_000).fill(6))
    const c = d.contents()
    expect(c.length).toBe(200_002)
    expect([c[0], c[1], c[2], c[200_001]]).toEqual([4, 5, 6, 6])
    expect(d.writtenBytes).toBe(200_005)
  })
})
