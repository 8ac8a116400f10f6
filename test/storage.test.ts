import { spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { resolveRun } from '../harness/config.ts'
import { runMatrix } from '../harness/run-matrix.ts'
import { StagedVolume } from '../harness/staged-volume.ts'
import { FileVolume, MemoryVolume } from '../core/volume.ts'
import { STRATEGIES } from '../strategies/index.ts'
import { scratchDirs } from './scratch-dirs.ts'

const tmp = scratchDirs('deltabench-storage-')
const BIN = new URL('../bin/deltabench.js', import.meta.url).pathname

describe('file-backed storage', () => {
  it('gives the same bytes and the same verdicts as memory, for every strategy', async () => {
    // Every in-process strategy, and one child-process strategy for the path that hands volumes to a tool:
    // every tool hands volumes over the same way (volumeAsFile and fileIntoStage, strategies/tools/child-tool.ts).
    const strategies = STRATEGIES.filter((s) => !s.external || s.name === 'rdiff').map((s) => s.name)
    const base = { strategies, workloads: ['random-overwrite', 'insert-delete', 'resize'], blockSizes: [512, 4096], size: 300_000, epochs: 2, seeds: ['1'] }
    const mem = await runMatrix(resolveRun({ ...base, storage: 'memory' }), { outDir: join(tmp(), 'm'), warmup: false })
    const file = await runMatrix(resolveRun({ ...base, storage: 'file' }), { outDir: join(tmp(), 'f'), warmup: false, workDir: tmp() })
    const key = (rows: typeof mem.rows) => rows.map((r) => [r.strategy, r.workload, r.block_size, r.epoch, r.bytes_down, r.bytes_up, r.volume_bytes, r.correct])
    expect(key(file.rows)).toEqual(key(mem.rows))
    expect(file.rows.every((r) => r.correct)).toBe(true)
  }, 180_000)

  it('a staged volume over a file reads, commits and aborts like one in memory', () => {
    const dir = tmp()
    let n = 0
    fc.assert(
      fc.property(fc.nat(200_000), fc.array(fc.tuple(fc.nat(250_000), fc.nat(70_000), fc.boolean()), { maxLength: 8 }), fc.boolean(), (size, ops, commit) => {
        const bytes = new Uint8Array(size).map((_, i) => (i * 13) & 0xff)
        const model = new MemoryVolume(bytes)
        const file = new FileVolume(join(dir, `v${n++}`), 'create')
        file.write(0, bytes)
        const staged = new StagedVolume(file)
        for (const [at, len, trunc] of ops) {
          if (trunc) {
            model.truncate(at)
            staged.truncate(at)
          } else {
            const data = new Uint8Array(len).fill(at & 0xff)
            model.write(at, data)
            staged.write(at, data)
          }
        }
        expect(Buffer.compare(staged.read(0, staged.size), model.read(0, model.size))).toBe(0)
        if (commit) {
          staged.commit()
          expect(Buffer.compare(file.read(0, file.size), model.read(0, model.size))).toBe(0)
        } else {
          staged.abort()
          expect(Buffer.compare(file.read(0, file.size), bytes)).toBe(0)
        }
        file.close()
      }),
      { numRuns: 40, seed: 3 },
    )
  })

  it('a 256 MiB file-backed run keeps peak RSS under 400 MiB (in memory it takes 1.46 GB), every replica byte-exact', () => {
    const out = join(tmp(), 'big')
    // In-process strategies: the real tools stage through temporary files of their own anyway.
    const inProcess = STRATEGIES.filter((s) => !s.unavailable).map((s) => s.name).join(',')
    const r = spawnSync(process.execPath, [BIN, 'run', '--strategies', inProcess, '--workloads', 'random-overwrite', '--size', '256MiB', '--storage', 'file', '--work-dir', tmp(), '--epochs', '1', '--seeds', '1', '--block-sizes', '65536', '--floor', 'off', '--no-progress', '--no-report', '--out', out], { encoding: 'utf8' })
    expect(r.status, r.stderr).toBe(0)
    const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'))
    expect(manifest.config.storage).toBe('file')
    // In memory, base image, source and replica of a 256 MiB volume alone need 768 MiB (1.46 GB measured);
    // file-backed stays under the 512 MiB the 4 GiB bound allows, with room to spare.
    expect(manifest.peakRssBytes).toBeLessThan(400 * 2 ** 20)
    const rows = readFileSync(join(out, 'rows.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l))
    expect(rows.length).toBe(STRATEGIES.filter((s) => !s.unavailable).length)
    expect(rows.every((x: { correct: boolean }) => x.correct)).toBe(true)
  }, 180_000)
})
