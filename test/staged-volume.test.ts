import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { StagedVolume } from '../harness/staged-volume.ts'
import { MemoryVolume } from '../core/volume.ts'

type Op = { kind: 'write'; at: number; len: number; fill: number } | { kind: 'truncate'; size: number }

const op = fc.oneof(
  fc.record({ kind: fc.constant('write' as const), at: fc.nat(300_000), len: fc.nat(100_000), fill: fc.integer({ min: 0, max: 255 }) }),
  fc.record({ kind: fc.constant('truncate' as const), size: fc.nat(400_000) }),
)

function apply(v: MemoryVolume | StagedVolume, o: Op): void {
  if (o.kind === 'write') v.write(o.at, new Uint8Array(o.len).fill(o.fill))
  else v.truncate(o.size)
}

describe('staged volume', () => {
  it('reads like a plain volume under any writes and truncates, commits to the same bytes, aborts to the old', () => {
    fc.assert(
      fc.property(fc.nat(300_000), fc.array(op, { maxLength: 12 }), (baseSize, ops) => {
        const baseBytes = new Uint8Array(baseSize).map((_, i) => (i * 31) & 0xff)
        const model = new MemoryVolume(baseBytes)
        const base = new MemoryVolume(baseBytes)
        const staged = new StagedVolume(base)
        for (const o of ops) {
          apply(model, o)
          apply(staged, o)
          expect(staged.size).toBe(model.size)
        }
        expect(Buffer.compare(staged.read(0, staged.size), model.read(0, model.size))).toBe(0)
        // Untouched until commit.
        expect(Buffer.compare(base.read(0, base.size), baseBytes)).toBe(0)
        staged.commit()
        expect(Buffer.compare(base.read(0, base.size), model.read(0, model.size))).toBe(0)
      }),
      { numRuns: 150, seed: 42 },
    )
  })

  it('abort leaves the base untouched and refuses further writes', () => {
    const base = new MemoryVolume(new Uint8Array(70_000).fill(7))
    const s = new StagedVolume(base)
    s.write(10, new Uint8Array(100_000).fill(1))
    s.truncate(5)
    s.abort()
    expect(base.size).toBe(70_000)
    expect(base.read(0, 70_000).every((b) => b === 7)).toBe(true)
    expect(() => s.write(0, new Uint8Array(1))).toThrow(/aborted/)
  })
})
