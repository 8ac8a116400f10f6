import { appendFileSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { resolveRun } from '../harness/config.ts'
import { runMatrix } from '../harness/run-matrix.ts'
import { scratchDirs } from './scratch-dirs.ts'

const tmp = scratchDirs('deltabench-rd-')

const config = resolveRun({ strategies: ['fixed-block-compare', 'changed-block-bitmap'], workloads: ['random-overwrite'], blockSizes: [4096], size: 65536, epochs: 3, seeds: ['1', '2'] })

describe('run directory', () => {
  it('a resumed run drops a cell cut short by a crash and a half-written line, and redoes only that cell', async () => {
    const dir = join(tmp(), 'run')
    const full = await runMatrix(config, { outDir: dir })
    expect(full.rows).toHaveLength(2 * 2 * 3)
    const lines = readFileSync(join(dir, 'rows.jsonl'), 'utf8').trim().split('\n')
    // Simulate a crash: rewrite the file with the last cell's rows cut to one and a half.
    const kept = lines.slice(0, lines.length - 3)
    const { writeFileSync } = await import('node:fs')
    writeFileSync(join(dir, 'rows.jsonl'), kept.join('\n') + '\n' + lines[lines.length - 3] + '\n' + lines[lines.length - 2]!.slice(0, 40))
    let redone = 0
    const resumed = await runMatrix(config, { outDir: dir, resume: true, onProgress: (p) => (redone += p.resumed ? 0 : 1) })
    expect(redone).toBe(1)
    expect(resumed.rows).toHaveLength(full.rows.length)
    const after = readFileSync(join(dir, 'rows.jsonl'), 'utf8').trim().split('\n')
    expect(after).toHaveLength(lines.length)
    const strip = (l: string) => {
      const r = JSON.parse(l)
      for (const k of Object.keys(r)) if (k.endsWith('_ms')) delete r[k]
      return JSON.stringify(r)
    }
    expect(after.map(strip).sort()).toEqual(lines.map(strip).sort())
    expect(readFileSync(join(dir, 'rows.csv'), 'utf8').trim().split('\n')).toHaveLength(lines.length + 1)
  })

  it('refuses to resume a directory made with another config', async () => {
    const dir = join(tmp(), 'run')
    await runMatrix(config, { outDir: dir })
    appendFileSync(join(dir, 'rows.jsonl'), '')
    await expect(runMatrix({ ...config, epochs: 4 }, { outDir: dir, resume: true })).rejects.toThrow(/different config/)
  })

  it('same seed gives the same byte counts on every run', async () => {
    const a = await runMatrix(config, { outDir: join(tmp(), 'a') })
    const b = await runMatrix(config, { outDir: join(tmp(), 'b') })
    const bytes = (rows: typeof a.rows) => rows.map((r) => [r.strategy, r.seed, r.epoch, r.bytes_down, r.bytes_up, r.oracle_bytes])
    expect(bytes(a.rows)).toEqual(bytes(b.rows))
  })
})
