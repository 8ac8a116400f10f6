import { describe, expect, it } from 'vitest'
import { cellVolume, releaseCellVolume } from '../harness/cell-volumes.ts'
import { prepareWorkload } from '../harness/prepare-workload.ts'
import { findWorkload } from '../harness/config.ts'
import { MeteredTrackerDevice } from '../harness/tracker-device.ts'
import { defaultOptions } from '../core/options.ts'

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
