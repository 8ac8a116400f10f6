import { spawn, spawnSync } from 'node:child_process'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { resolveRun } from '../harness/config.ts'
import { mergeRuns } from '../harness/merge.ts'
import { runMatrix } from '../harness/run-matrix.ts'
import type { ResultRow } from '../core/result-row.ts'
import { scratchDirs } from './scratch-dirs.ts'

const BIN = new URL('../bin/deltabench.js', import.meta.url).pathname
const config = resolveRun({ strategies: ['fixed-block-compare', 'changed-block-bitmap', 'whole-file'], workloads: ['random-overwrite', 'append'], blockSizes: [1024, 4096], size: 128 << 10, epochs: 2, seeds: ['1', '2'] })
const tmp = scratchDirs('deltabench-shard-')
/** Rows without timings (which differ run to run) and the run id, in a stable order. */
const stable = (rows: readonly ResultRow[]) =>
  rows
    .map((r) => JSON.stringify(Object.fromEntries(Object.entries(r).filter(([k]) => !k.endsWith('_ms') && k !== 'run_id'))))
    .sort()

describe('shards and merge', () => {
  it('three shards cover the matrix exactly once, and merge into the rows of an unsharded run', async () => {
    const d = tmp()
    const whole = await runMatrix(config, { outDir: join(d, 'whole'), warmup: false })
    const shards = []
    for (let i = 1; i <= 3; i++) shards.push(await runMatrix(config, { outDir: join(d, `s${i}`), shard: { index: i, count: 3 }, warmup: false }))
    expect(shards.map((s) => s.rows.length).reduce((a, b) => a + b)).toBe(whole.rows.length)
    expect(Math.max(...shards.map((s) => s.rows.length)) - Math.min(...shards.map((s) => s.rows.length))).toBeLessThanOrEqual(2 * 2)
    const merged = mergeRuns(shards.map((s) => s.dir), join(d, 'merged'))
    expect(merged.manifest.status).toBe('complete')
    expect(stable(merged.rows)).toEqual(stable(whole.rows))
    expect(readFileSync(join(d, 'merged', 'rows.csv'), 'utf8').trim().split('\n')).toHaveLength(whole.rows.length + 1)
  })

  it('refuses shards of another config, a shard twice, and says when one is missing', async () => {
    const d = tmp()
    const a = await runMatrix(config, { outDir: join(d, 'a'), shard: { index: 1, count: 2 }, warmup: false })
    const other = await runMatrix({ ...config, epochs: 1 }, { outDir: join(d, 'b'), shard: { index: 2, count: 2 }, warmup: false })
    expect(() => mergeRuns([a.dir, other.dir], join(d, 'm1'))).toThrow(/ran a different config/)
    expect(() => mergeRuns([a.dir, a.dir], join(d, 'm2'))).toThrow(/shard 1\/2 is given twice/)
    expect(() => mergeRuns([a.dir], join(d, 'm3'))).toThrow(/shard\(s\) 2\/2 missing.*--allow-incomplete/)
    expect(existsSync(join(d, 'm3'))).toBe(false)
    const partial = mergeRuns([a.dir], join(d, 'm3'), { allowIncomplete: true })
    expect(partial.manifest.status).toBe('failed')
    expect((partial.manifest as unknown as { missingShards: number[] }).missingShards).toEqual([2])
  })

  it('a sweep killed with SIGKILL resumes with no finished row lost and no half row kept', async () => {
    const d = tmp()
    const args = ['run', '--strategies', 'fixed-block-compare,changed-block-bitmap', '--workloads', 'random-overwrite,insert-delete', '--block-sizes', '512,4096', '--size', '2MiB', '--epochs', '3', '--seeds', '1,2,3', '--no-progress']
    const ref = spawnSync(process.execPath, [BIN, ...args, '--out', join(d, 'ref')], { encoding: 'utf8' })
    expect(ref.status, ref.stderr).toBe(0)
    const out = join(d, 'killed')
    const child = spawn(process.execPath, [BIN, ...args, '--out', out], { stdio: 'ignore' })
    // Kill it once some cells are written but (most likely) not all.
    const jsonl = join(out, 'rows.jsonl')
    for (let i = 0; i < 400; i++) {
      await new Promise((r) => setTimeout(r, 25))
      if (existsSync(jsonl) && readFileSync(jsonl, 'utf8').split('\n').length > 12) break
    }
    child.kill('SIGKILL')
    await new Promise((r) => child.once('exit', r))
    // Whatever the kill left, a torn last line included, resume must produce the reference rows.
    const before = readFileSync(jsonl, 'utf8')
    writeFileSync(jsonl, before + '{"run_id":"killed","strat')
    const resumed = spawnSync(process.execPath, [BIN, ...args, '--out', out, '--resume'], { encoding: 'utf8' })
    expect(resumed.status, resumed.stderr).toBe(0)
    const rows = (p: string) => readFileSync(p, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as ResultRow)
    expect(stable(rows(jsonl))).toEqual(stable(rows(join(d, 'ref', 'rows.jsonl'))))
  }, 180_000)

  it('the CLI takes --shard i/n and merge, and rejects a bad shard', () => {
    const d = tmp()
    const base = ['run', '--strategies', 'fixed-block-compare', '--workloads', 'append', '--block-sizes', '4096', '--size', '64KiB', '--epochs', '1', '--seeds', '1,2', '--no-progress']
    expect(spawnSync(process.execPath, [BIN, ...base, '--shard', '1/2', '--out', join(d, 'a')]).status).toBe(0)
    expect(spawnSync(process.execPath, [BIN, ...base, '--shard', '2/2', '--out', join(d, 'b')]).status).toBe(0)
    const m = spawnSync(process.execPath, [BIN, 'merge', join(d, 'm'), join(d, 'a'), join(d, 'b')], { encoding: 'utf8' })
    expect(m.status, m.stderr).toBe(0)
    expect(m.stdout).toMatch(/merged 2 shard\(s\), 2 rows/)
    const bad = spawnSync(process.execPath, [BIN, ...base, '--shard', '3/2', '--out', join(d, 'c')], { encoding: 'utf8' })
    expect(bad.status).toBe(2)
    expect(bad.stderr).toMatch(/--shard 3\/2: write i\/n with 1 <= i <= n/)
  })
})

describe('--jobs', () => {
  it('cells in child processes give the same rows as a serial run', async () => {
    const d = tmp()
    const serial = await runMatrix(config, { outDir: join(d, 'serial'), warmup: false })
    const parallel = await runMatrix(config, { outDir: join(d, 'parallel'), warmup: false, jobs: 2 })
    expect(stable(parallel.rows)).toEqual(stable(serial.rows))
    expect(parallel.manifest.jobs).toBe(2)
  }, 180_000)
})
