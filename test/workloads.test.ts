import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { prepareWorkload } from '../harness/prepare-workload.ts'
import { EpochOracle } from '../harness/oracle.ts'
import { WORKLOADS } from '../workloads/index.ts'
import { traceOf } from '../workloads/workload.ts'
import { CONTENT_MODELS, makeContent, type ContentModel } from '../workloads/content.ts'
import { Rng } from '../core/seeded-random.ts'
import { applyMutation, NO_OBSERVER } from '../workloads/apply-mutations.ts'
import { MemoryVolume } from '../core/volume.ts'
import { gzipSync } from 'node:zlib'
import { defaultOptions } from '../core/options.ts'

// Workloads whose bytes come from the seed (a release series' bytes are the releases').
const synthetic = WORKLOADS.filter((w) => traceOf(w) === 'recorded')

function fingerprint(seed: string, name: string, content: ContentModel = 'mixed'): string {
  const w = WORKLOADS.find((x) => x.name === name)!
  const p = prepareWorkload(w, defaultOptions(w), { size: 200_000, epochs: 3, seed, content })
  const b = p.base.clone()
  const h = createHash('sha256').update(b.read(0, b.size))
  for (const epoch of p.epochs) for (const m of epoch) h.update(JSON.stringify({ ...m, bytes: m.kind === 'overwrite' || m.kind === 'insert' ? createHash('sha256').update(m.bytes).digest('hex') : undefined }))
  return h.digest('hex')
}

describe('workloads', () => {
  it.each(synthetic.map((w) => [w.name]))('%s: same seed gives the same bytes and edits, another seed different ones', (name) => {
    expect(fingerprint('7', name)).toBe(fingerprint('7', name))
    expect(fingerprint('7', name)).not.toBe(fingerprint('8', name))
  })

  it('the generator is stable across versions (golden values: change only on purpose)', () => {
    // Frozen from the first release: if these move, every published result's bytes move with them.
    const r = new Rng('golden')
    expect([r.u32(), r.u32(), r.u32()]).toEqual([3841249249, 4180283639, 2031974332])
    expect(Buffer.from(new Rng('golden').bytes(16)).toString('hex')).toBe('e1cff4e4f7102af9bc771d79215181b9')
  })

  it('content models differ as they claim: random does not compress, text and sparse do', () => {
    const ratio = (m: ContentModel) => {
      const b = makeContent(new Rng('c'), m, 1 << 20)
      return gzipSync(b).length / b.length
    }
    expect(ratio('random')).toBeGreaterThan(0.99)
    expect(ratio('text')).toBeLessThan(0.5)
    expect(ratio('sparse')).toBeLessThan(0.3)
    expect(ratio('zeros')).toBeLessThan(0.01)
    expect(Object.keys(CONTENT_MODELS)).toContain('mixed')
  })

  it('periodic content repeats one pattern of 64 B to 4 KiB', () => {
    const b = makeContent(new Rng('p'), 'periodic', 100_000)
    let period = 64
    while (period <= 4096 && !b.subarray(period).every((x, i) => x === b[i])) period++
    expect(period).toBeLessThanOrEqual(4096)
    expect(new Set(b.subarray(0, period)).size).toBeGreaterThan(16)
  })

  it('insert-delete shifts the tail; append grows by the share asked; random-overwrite keeps the size', () => {
    const get = (n: string) => WORKLOADS.find((w) => w.name === n)!
    const id = prepareWorkload(get('insert-delete'), defaultOptions(get('insert-delete')), { size: 100_000, epochs: 1, seed: '1', content: 'random' })
    expect(id.epochs[0]!.every((m) => m.kind === 'insert' || m.kind === 'delete')).toBe(true)
    const ap = prepareWorkload(get('append'), { share: 0.1, minBytes: 1 }, { size: 100_000, epochs: 2, seed: '1', content: 'random' })
    expect(ap.epochs.flat().map((m) => (m.kind === 'overwrite' ? m.bytes.length : -1))).toEqual([10_000, 10_000])
    const ro = prepareWorkload(get('random-overwrite'), defaultOptions(get('random-overwrite')), { size: 100_000, epochs: 2, seed: '1', content: 'random' })
    const v = ro.base.clone()
    for (const m of ro.epochs.flat()) applyMutation(v, m, NO_OBSERVER)
    expect(v.size).toBe(100_000)
  })
})

describe('oracle', () => {
  it('counts surviving new bytes: last write wins, inserted-then-deleted bytes cost nothing', () => {
    const o = new EpochOracle(1000)
    o.apply({ kind: 'overwrite', at: 100, bytes: new Uint8Array(50) })
    o.apply({ kind: 'overwrite', at: 120, bytes: new Uint8Array(50) }) // overlaps 20
    expect(o.bound().newBytes).toBe(70)
    o.apply({ kind: 'insert', at: 500, bytes: new Uint8Array(30) })
    o.apply({ kind: 'delete', at: 500, length: 30 })
    expect(o.bound().newBytes).toBe(70)
    o.apply({ kind: 'delete', at: 0, length: 130 }) // removes 30 new bytes [100,130)
    expect(o.bound().newBytes).toBe(40)
    o.apply({ kind: 'truncate', size: 10 }) // the 40 new bytes now sit at [0, 40)
    expect(o.bound().newBytes).toBe(10)
  })

  it('an epoch with no edits costs only a few bytes of encoding', () => {
    const o = new EpochOracle(1 << 20)
    expect(o.bound().bytes).toBeLessThanOrEqual(8)
    expect(o.bound().extents).toBe(1)
  })

  it('agrees with the bytes: the final volume is old pieces and new bytes in the order the oracle says', () => {
    const rng = new Rng('oracle')
    for (let t = 0; t < 50; t++) {
      const v = new MemoryVolume(rng.bytes(rng.int(5000)))
      const o = new EpochOracle(v.size)
      for (let k = 0; k < 10; k++) {
        const size = v.size
        const r = rng.int(4)
        const m =
          r === 0 ? { kind: 'insert' as const, at: rng.int(size + 1), bytes: rng.bytes(rng.int(300)) }
          : r === 1 && size > 0 ? { kind: 'delete' as const, at: rng.int(size), length: 0 }
          : r === 2 ? { kind: 'truncate' as const, size: rng.int(size + 500) }
          : { kind: 'overwrite' as const, at: rng.int(size + 1), bytes: rng.bytes(rng.int(300)) }
        if (m.kind === 'delete') (m as { length: number }).length = rng.int(size - m.at + 1)
        o.apply(m)
        applyMutation(v, m, NO_OBSERVER)
      }
      expect(o.bound().newBytes).toBeLessThanOrEqual(v.size)
    }
  })
})
