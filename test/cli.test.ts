import { spawnSync } from 'node:child_process'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { STRATEGIES } from '../strategies/index.ts'
import { COLUMN_NAMES } from '../core/result-row.ts'
import { scratchDirs } from './scratch-dirs.ts'

const BIN = new URL('../bin/deltabench.js', import.meta.url).pathname

function cli(args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', env: { ...process.env, CI: 'true' } })
  return { code: r.status, out: r.stdout, err: r.stderr }
}

const tmp = scratchDirs('deltabench-cli-')

describe('cli', () => {
  it('list prints every strategy and workload with options and defaults', () => {
    const r = cli(['list'])
    expect(r.code).toBe(0)
    for (const name of ['whole-file', 'fixed-block-compare', 'changed-block-bitmap', 'random-overwrite', 'insert-delete', 'append', 'hot-spot', 'file-pair']) expect(r.out).toContain(name)
    expect(r.out).toMatch(/strongBytes\s+number, default 16/)
  })

  it('--help documents every run flag', () => {
    const r = cli(['run', '--help'])
    expect(r.code).toBe(0)
    for (const f of ['--strategies', '--workloads', '--block-sizes', '--size', '--epochs', '--seeds', '--base', '--target', '--resume', '--opt']) expect(r.out).toContain(f)
  })

  it.each([
    [['run', '--frobnicate'], /unknown option '--frobnicate'/],
    [['run', '--strategies', 'nope'], /unknown strategy "nope"; known: /],
    [['run', '--size', '12 parsecs'], /--size "12 parsecs" is not a size/],
    [['run', '--block-sizes', '0'], /block size 0 must be from 1 B to 1 GiB/],
    [['run', '--opt', 'fixed-block-compare.colour=red', '--strategies', 'fixed-block-compare'], /fixed-block-compare has no option "colour"/],
    [['run', '--epochs', 'many'], /--epochs must be a whole number/],
    [['run', '--size', '64KiB', '--block-sizes', '1MiB'], /block size 1048576 is larger than the volume/],
    [['run', '--profile', 'moon'], /network profile "moon"/],
    [['run', '--compress', 'lz4'], /--compress lz4: choose none, adaptive/],
    [['run', '--repeat', '0'], /--repeat must be a whole number from 1/],
    [['run', '--base', '/nonexistent/a.img', '--target', '/nonexistent/b.img', '--strategies', 'fixed-block-compare'], /--base \/nonexistent\/a.img: no such file/],
  ])('bad input %j exits 2 with a message that says what is wrong, writing nothing', (args, message) => {
    const out = join(tmp(), 'run')
    const r = cli([...args, '--out', out])
    expect(r.code).toBe(2)
    expect(r.err).toMatch(message)
    expect(existsSync(out)).toBe(false)
  })

  it('runs a matrix, writes rows.jsonl, rows.csv and the manifest, and resumes without redoing cells', () => {
    const out = join(tmp(), 'run')
    const args = ['run', '--strategies', 'fixed-block-compare,changed-block-bitmap', '--workloads', 'random-overwrite,insert-delete', '--block-sizes', '512,4KiB', '--size', '256KiB', '--epochs', '2', '--seeds', '1,2', '--out', out]
    const r = cli(args)
    expect(r.code, r.err).toBe(0)
    expect(r.out).toContain('every replica byte-exact')
    expect(r.out).toMatch(/changed-block-bitmap\s+512 B/)
    const rows = readFileSync(join(out, 'rows.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l))
    expect(rows).toHaveLength(2 * 2 * 2 * 2 * 2)
    const csv = readFileSync(join(out, 'rows.csv'), 'utf8').trim().split('\n')
    expect(csv[0]).toBe(COLUMN_NAMES.join(','))
    expect(csv).toHaveLength(rows.length + 1)
    const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'))
    expect(manifest.status).toBe('complete')
    expect(manifest.config.size).toBe(256 * 1024)
    expect(manifest.node).toBe(process.version)
    // Same flags again without --resume: refused.
    expect(cli(args).code).toBe(2)
    // With --resume: nothing to redo.
    const again = cli([...args, '--resume'])
    expect(again.code).toBe(0)
    expect(again.err).toMatch(/already done/)
    expect(readFileSync(join(out, 'rows.jsonl'), 'utf8').trim().split('\n')).toHaveLength(rows.length)
  })

  it('refuses to resume a run directory written by another version, with exit 2 and nothing written', () => {
    const out = join(tmp(), 'run')
    const args = ['run', '--strategies', 'fixed-block-compare', '--workloads', 'append', '--block-sizes', '4096', '--size', '64KiB', '--epochs', '1', '--seeds', '1', '--out', out]
    expect(cli(args).code).toBe(0)
    const manifestPath = join(out, 'manifest.json')
    const m = JSON.parse(readFileSync(manifestPath, 'utf8'))
    writeFileSync(manifestPath, JSON.stringify({ ...m, version: '0.0.1' }))
    const rowsBefore = readFileSync(join(out, 'rows.jsonl'), 'utf8')
    const r = cli([...args, '--resume'])
    expect(r.code).toBe(2)
    expect(r.err).toMatch(/was written by deltabench 0.0.1, this is deltabench .*; resume with the same version or start a new --out/)
    expect(readFileSync(join(out, 'rows.jsonl'), 'utf8')).toBe(rowsBefore)
    expect(JSON.parse(readFileSync(manifestPath, 'utf8')).version).toBe('0.0.1')
  })

  it('runs on a user file pair, and says why a tracking strategy cannot', () => {
    const d = tmp()
    const a = new Uint8Array(50_000).map((_, i) => (i * 7) & 0xff)
    const b = a.slice()
    b.set([1, 2, 3, 4], 20_000)
    writeFileSync(join(d, 'old.img'), a)
    writeFileSync(join(d, 'new.img'), b)
    const r = cli(['run', '--base', join(d, 'old.img'), '--target', join(d, 'new.img'), '--block-sizes', '4096', '--out', join(d, 'run')])
    expect(r.code, r.err).toBe(0)
    expect(r.err).toMatch(/changed-block-bitmap cannot run on file-pair: it tracks writes at the source/)
    const rows = readFileSync(join(d, 'run', 'rows.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l))
    // Every default strategy that compares content (the real-tool baselines run when named).
    const content = STRATEGIES.filter((s) => !s.needsWriteTrace && !s.external && !s.unavailable?.()).map((s) => s.name)
    expect(rows.map((x) => x.strategy).sort()).toEqual(content.sort())
    expect(rows.every((x) => x.correct && x.oracle_bytes === null)).toBe(true)
    const fixed = rows.find((x) => x.strategy === 'fixed-block-compare')
    expect(fixed.bytes_literal).toBe(4096)
    const only = cli(['run', '--base', join(d, 'old.img'), '--target', join(d, 'new.img'), '--strategies', 'changed-block-bitmap', '--out', join(d, 'run2')])
    expect(only.code).toBe(2)
    expect(only.err).toMatch(/need a write trace/)
  })
})
