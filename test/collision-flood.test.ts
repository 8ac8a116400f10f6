import { describe, expect, it } from 'vitest'
import { prepareWorkload } from '../harness/prepare-workload.ts'
import { collisionFlood } from '../workloads/collision-flood.ts'
import { imageBytes, quickRun } from './helpers.ts'
import { defaultOptions } from '../core/options.ts'

/** rsync's weak sum of a block (s1, s2), with bytes read as signed chars when `signed`. */
function weak(b: Uint8Array, signed: boolean): [number, number] {
  let s1 = 0
  let s2 = 0
  for (let i = 0; i < b.length; i++) {
    const x = signed && b[i]! > 127 ? b[i]! - 256 : b[i]!
    s1 += x
    s2 += (b.length - i) * x
  }
  return [s1 & 0xffff, s2 & 0xffff]
}

describe('collision-flood', () => {
  it('every block has the same rsync weak sum (signed and unsigned) and nearly every block differs', () => {
    const bs = 1024
    const p = prepareWorkload(collisionFlood, { ...defaultOptions(collisionFlood), blockSize: bs }, { size: 256 * bs, epochs: 2, seed: '1', content: 'random' })
    const bytes = imageBytes(p.base)
    const blocks = Array.from({ length: 256 }, (_, i) => bytes.subarray(i * bs, (i + 1) * bs))
    for (const signed of [false, true]) {
      const sums = new Set(blocks.map((b) => weak(b, signed).join(',')))
      expect(sums.size).toBe(1)
    }
    const distinct = new Set(blocks.map((b) => Buffer.from(b).toString('hex')))
    expect(distinct.size).toBeGreaterThan(250)
    for (const m of p.epochs.flat()) if (m.kind === 'overwrite') expect(weak(m.bytes, false)).toEqual(weak(blocks[0]!, false))
  })

  it('runs byte-exact through a content-comparing strategy', async () => {
    const rows = await quickRun({ strategy: 'fixed-block-compare', workload: 'collision-flood', blockSize: 4096, size: 1 << 20, epochs: 2 })
    expect(rows.every((r) => r.correct)).toBe(true)
  })
})
