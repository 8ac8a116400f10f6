import fc from 'fast-check'
import { existsSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { StagedVolume } from '../harness/staged-volume.ts'
import { FileVolume, MemoryVolume } from '../core/volume.ts'
import { Rng } from '../core/seeded-random.ts'
import { scratchDirs } from './scratch-dirs.ts'

const tmp = scratchDirs('deltabench-staged-')

type Op = { kind: 'write'; at: number; len: number; fill: number } | { kind: 'truncate'; size: number } | { kind: 'read'; at: number; len: number }

const op = fc.oneof(
  fc.record({ kind: fc.constant('write' as const), at: fc.nat(300_000), len: fc.nat(100_000), fill: fc.integer({ min: 0, max: 255 }) }),
  // Small writes, often inside one 64 KiB page: they exercise the part-written page.
  fc.record({ kind: fc.constant('write' as const), at: fc.nat(200_000), len: fc.nat(3_000), fill: fc.integer({ min: 0, max: 255 }) }),
  fc.record({ kind: fc.constant('truncate' as const), size: fc.nat(400_000) }),
  fc.record({ kind: fc.constant('read' as const), at: fc.nat(300_000), len: fc.nat(70_000) }),
)

function apply(model: MemoryVolume, staged: StagedVolume, o: Op): void {
  if (o.kind === 'write') {
    const data = new Uint8Array(o.len).fill(o.fill)
    model.write(o.at, data)
    staged.write(o.at, data)
  } else if (o.kind === 'truncate') {
    model.truncate(o.size)
    staged.truncate(o.size)
  } else if (o.at + o.len <= model.size) {
    expect(Buffer.compare(staged.read(o.at, o.len), model.read(o.at, o.len))).toBe(0)
  }
}

/** A rebuild as a delta receiver writes it: the whole volume front to back, in pieces of `piece` bytes. */
function rebuild(staged: StagedVolume, content: Uint8Array, piece: number): void {
  for (let at = 0; at < content.length; at += piece) staged.write(at, content.subarray(at, Math.min(content.length, at + piece)))
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
          apply(model, staged, o)
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

  it('over a file, commits the same bytes whether it renames the stage (most pages written) or copies it back', () => {
    const dir = tmp()
    let n = 0
    fc.assert(
      fc.property(fc.nat(300_000), fc.array(op, { maxLength: 12 }), fc.boolean(), (baseSize, ops, commit) => {
        const baseBytes = new Uint8Array(baseSize).map((_, i) => (i * 13) & 0xff)
        const model = new MemoryVolume(baseBytes)
        const file = new FileVolume(join(dir, `v${n++}`), 'create')
        file.write(0, baseBytes)
        const staged = new StagedVolume(file)
        for (const o of ops) apply(model, staged, o)
        if (commit) {
          staged.commit()
          expect(Buffer.compare(file.read(0, file.size), model.read(0, model.size))).toBe(0)
        } else {
          staged.abort()
          expect(Buffer.compare(file.read(0, file.size), baseBytes)).toBe(0)
        }
        expect(existsSync(`${file.path}.stage`)).toBe(false)
        file.close()
      }),
      { numRuns: 80, seed: 7 },
    )
  })

  it('over a file, small writes with gaps inside a page and hopping between pages (a reused page buffer) commit exactly', () => {
    const dir = tmp()
    let n = 0
    const small = fc.record({ page: fc.nat(5), at: fc.nat(65_535), len: fc.integer({ min: 1, max: 20_000 }), seed: fc.nat() })
    fc.assert(
      fc.property(fc.array(small, { minLength: 1, maxLength: 40 }), fc.boolean(), (writes, bigWrite) => {
        const rng = new Rng('staged-gaps')
        const baseBytes = rng.bytes(6 * 65_536 - 777)
        const model = new MemoryVolume(baseBytes)
        const file = new FileVolume(join(dir, `g${n++}`), 'create')
        file.write(0, baseBytes)
        const staged = new StagedVolume(file)
        for (const w of writes) {
          const at = Math.min(w.page * 65_536 + w.at, baseBytes.length - 1)
          const data = new Rng(`w${w.seed}`).bytes(Math.min(w.len, baseBytes.length - at))
          model.write(at, data)
          staged.write(at, data)
        }
        // Most pages written in one piece when bigWrite: then the stage is renamed, else copied back.
        if (bigWrite) {
          const data = rng.bytes(4 * 65_536 + 3)
          model.write(100, data)
          staged.write(100, data)
        }
        expect(Buffer.compare(staged.read(0, staged.size), model.read(0, model.size))).toBe(0)
        staged.commit()
        expect(Buffer.compare(file.read(0, file.size), model.read(0, model.size))).toBe(0)
        file.close()
      }),
      { numRuns: 60, seed: 11 },
    )
  })

  it('a file replica rebuilt front to back is renamed into place; a few scattered writes are copied into the replica', () => {
    const dir = tmp()
    const rng = new Rng('staged-rebuild')
    const old = rng.bytes(1 << 20)
    const next = rng.bytes((1 << 20) + 12_345)
    const rebuilt = new FileVolume(join(dir, 'rebuilt'), 'create')
    rebuilt.write(0, old)
    const before = statSync(rebuilt.path).ino
    const staged = new StagedVolume(rebuilt)
    rebuild(staged, next, 16_384 + 7)
    expect(staged.overlayBytes).toBe(Math.ceil(next.length / 65_536) * 65_536)
    staged.commit()
    expect(statSync(rebuilt.path).ino).not.toBe(before)
    expect(Buffer.compare(rebuilt.read(0, rebuilt.size), next)).toBe(0)

    const patched = new FileVolume(join(dir, 'patched'), 'create')
    patched.write(0, old)
    const ino = statSync(patched.path).ino
    const sparse = new StagedVolume(patched)
    const model = new MemoryVolume(old)
    for (const at of [5, 300_000, 900_000]) {
      sparse.write(at, next.subarray(at, at + 100))
      model.write(at, next.subarray(at, at + 100))
    }
    sparse.commit()
    expect(statSync(patched.path).ino).toBe(ino)
    expect(Buffer.compare(patched.read(0, patched.size), model.read(0, model.size))).toBe(0)
    rebuilt.close()
    patched.close()
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
