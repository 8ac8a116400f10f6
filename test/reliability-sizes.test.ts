/**
 * Issue 17 item 8: a run whose volumes cannot fit the work folder's free space or the machine's memory is
 * refused before anything is written, with the figures and the fix. A fake machine stands in for statfs
 * and totalmem, so no real huge run is needed.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { checkCapacity, FILE_STORAGE_FACTOR, MEMORY_STORAGE_FACTOR, type MachineProbe } from '../harness/capacity.ts'
import { cli } from './cli-in-process.ts'

const GiB = 2 ** 30
const machine = (free: number, memory: number, maxArray = 4 * GiB): MachineProbe => ({ freeBytes: () => free, totalMemory: () => memory, freeMemory: () => memory / 2, maxArrayBytes: maxArray })

describe('checkCapacity (item 8)', () => {
  it('file storage needs FILE_STORAGE_FACTOR × the volume (× jobs) in the work folder', () => {
    const size = GiB
    expect(() => checkCapacity({ size, storage: 'file', outDir: 'results' }, machine(FILE_STORAGE_FACTOR * size, 64 * GiB))).not.toThrow()
    expect(() => checkCapacity({ size, storage: 'file', outDir: 'results' }, machine(FILE_STORAGE_FACTOR * size - 1, 64 * GiB))).toThrow(/--size 1\.0 GiB with --storage file needs about 4\.0 GiB \(4× the volume\) in .*, which has 4\.0 GiB free: choose a smaller --size, or --work-dir/)
    expect(() => checkCapacity({ size, storage: 'file', outDir: 'results', jobs: 2 }, machine(FILE_STORAGE_FACTOR * size, 64 * GiB))).toThrow(/× 2 jobs/)
  })

  it('memory storage needs MEMORY_STORAGE_FACTOR × the volume of memory, and one array for the volume', () => {
    expect(() => checkCapacity({ size: GiB, storage: 'memory', outDir: 'results' }, machine(1e12, MEMORY_STORAGE_FACTOR * GiB))).not.toThrow()
    expect(() => checkCapacity({ size: GiB, storage: 'memory', outDir: 'results' }, machine(1e12, MEMORY_STORAGE_FACTOR * GiB - 1))).toThrow(/needs about .* of memory .*: use --storage file, or a smaller --size/)
    expect(() => checkCapacity({ size: 8 * GiB, storage: 'memory', outDir: 'results' }, machine(1e12, 1024 * GiB))).toThrow(/a memory volume is one array, at most 4\.0 GiB in this Node: use --storage file/)
  })

  it('the results folder needs room for its rows and report', () => {
    const probe: MachineProbe = { ...machine(1e12, 64 * GiB), freeBytes: (dir) => (dir.includes('full-disk') ? 1 << 20 : 1e12) }
    expect(() => checkCapacity({ size: 1 << 20, storage: 'memory', outDir: '/full-disk/run' }, probe)).toThrow(/results folder .* 1\.0 MiB free.*choose --out on another disk/)
  })
})

describe('the CLI refuses sizes that cannot fit with exit 2 and no results folder (item 8)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'deltabench-sizes-'))
  afterAll(() => rmSync(dir, { recursive: true, force: true }))
  // Real machine: 1 TiB × 4 exceeds any disk this suite runs on, and 8 GiB is past Node 20's 4 GiB array.
  it.each([
    [['--size', '1TiB'], /--size 1\.0 TiB with --storage file needs about 4\.0 TiB/],
    [['--size', '8GiB', '--storage', 'memory'], /--size 8\.0 GiB (does not fit in memory|with --storage memory needs)/],
  ])('%j', async (flags, message) => {
    const out = join(dir, flags.join('-'))
    const r = await cli(['run', '--strategies', 'whole-file', '--workloads', 'random-overwrite', '--epochs', '1', '--seeds', '1', '--block-sizes', '4096', ...flags, '--out', out, '--no-progress', '--no-report'])
    expect(r.err).toMatch(message)
    expect(r.code).toBe(2)
    expect(existsSync(out)).toBe(false)
  })
})
