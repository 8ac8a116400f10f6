/**
 * Issue 17 items 9 and 10 and CSV injection: readers over what writers leave (a torn last line, rows of
 * another version, a missing shard), operating-system errors as one line with the path and the fix, a
 * stdout closed early, and spreadsheet-safe CSV. Every case here failed on the main before them.
 */
import { spawn } from 'node:child_process'
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { safeCsv, spreadsheetSafe } from '../core/csv-safe.ts'
import { describeSystemError, isSystemError, type SystemError } from '../core/os-error.ts'
import type { ResultRow } from '../core/result-row.ts'
import { readRows } from '../core/run-files.ts'
import { resolveRun } from '../harness/config.ts'
import { csv } from '../harness/results-dir.ts'
import { runMatrix } from '../harness/run-matrix.ts'
import { cli } from './cli-in-process.ts'

const BIN = new URL('../bin/deltabench.js', import.meta.url).pathname
const config = resolveRun({ strategies: ['whole-file'], workloads: ['append'], blockSizes: [4096], size: 32 << 10, epochs: 1, seeds: ['1', '2'], floor: 'off' })
let root = ''
let run = ''
/** A copy of the reference run under a new name, to damage. */
const copyRun = (name: string): string => {
  const d = join(root, name)
  mkdirSync(d)
  for (const f of ['rows.jsonl', 'rows.csv', 'manifest.json']) writeFileSync(join(d, f), readFileSync(join(run, f)))
  return d
}
const rowsOf = (d: string) => readFileSync(join(d, 'rows.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>)
const writeRows = (d: string, rows: object[]) => writeFileSync(join(d, 'rows.jsonl'), rows.map((r) => JSON.stringify(r) + '\n').join(''))
const oneLine = (err: string) => expect(err.trim().split('\n'), err).toHaveLength(1)

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'deltabench-relio-'))
  run = (await runMatrix(config, { outDir: join(root, 'run'), warmup: false })).dir
}, 120_000)
afterAll(() => rmSync(root, { recursive: true, force: true }))

describe('readers: tolerant of a torn last line, strict on schema and version', () => {
  it('compare drops a torn last line, says how many on stderr and compares the rest', async () => {
    const d = copyRun('torn')
    appendFileSync(join(d, 'rows.jsonl'), '{"run_id":"torn","strat')
    const r = await cli(['compare', run, d])
    expect(r.code, r.err).toBe(0)
    expect(r.err).toMatch(/torn\/rows\.jsonl: dropped 1 torn last line .* read the 2 whole rows before it/)
    expect(r.err).not.toMatch(/SyntaxError|\n\s+at /)
  })

  it('readRows (report, notebooks, merge read through it) keeps the whole rows and reports the drop', () => {
    const d = copyRun('torn2')
    appendFileSync(join(d, 'rows.jsonl'), '{"run_id":')
    const notes: string[] = []
    expect(readRows(d, (m) => notes.push(m))).toHaveLength(2)
    expect(notes).toHaveLength(1)
  })

  it('a bad line before the last is refused, not skipped', async () => {
    const d = copyRun('middle')
    const lines = readFileSync(join(d, 'rows.jsonl'), 'utf8').split('\n')
    writeFileSync(join(d, 'rows.jsonl'), [lines[0]!.slice(0, 20), ...lines.slice(1)].join('\n'))
    const r = await cli(['compare', run, d])
    expect(r.code).toBe(2)
    expect(r.err).toMatch(/line 1 is not a JSON row/)
  })

  it('compare refuses rows without bytes_total (another version) with exit 2 and the reason', async () => {
    const d = copyRun('old')
    writeRows(d, rowsOf(d).map(({ bytes_total: _, ...rest }) => rest))
    const r = await cli(['compare', run, d])
    expect(r.code).toBe(2)
    expect(r.err).toMatch(/old\/rows\.jsonl: row 1 lacks the column\(s\) bytes_total: it was written by another deltabench version/)
    oneLine(r.err)
  })

  it('a mistyped column and a manifest of a newer format are refused too', async () => {
    const d = copyRun('typed')
    writeRows(d, rowsOf(d).map((r) => ({ ...r, bytes_total: String(r.bytes_total) })))
    expect((await cli(['compare', run, d])).err).toMatch(/column bytes_total \(want integer, got "\d+"\)/)
    const n = copyRun('newer')
    const m = JSON.parse(readFileSync(join(n, 'manifest.json'), 'utf8')) as Record<string, unknown>
    writeFileSync(join(n, 'manifest.json'), JSON.stringify({ ...m, manifestFormat: 99 }))
    const r = await cli(['compare', run, n])
    expect(r.code).toBe(2)
    expect(r.err).toMatch(/manifest format 99, newer than this deltabench/)
  })

  it('merge with a shard missing exits 2 naming it and writes nothing; --allow-incomplete merges', async () => {
    const d = join(root, 'shards')
    const s1 = (await runMatrix(config, { outDir: join(d, 's1'), shard: { index: 1, count: 2 }, warmup: false })).dir
    const r = await cli(['merge', join(d, 'm'), s1])
    expect(r.code).toBe(2)
    expect(r.err).toMatch(/merge: the sweep is incomplete \(shard\(s\) 2\/2 missing\).*--shard i\/2.*--allow-incomplete/)
    expect(existsSync(join(d, 'm'))).toBe(false)
    const ok = await cli(['merge', join(d, 'm'), s1, '--allow-incomplete'])
    expect(ok.code, ok.err).toBe(0)
    expect(ok.out).toMatch(/INCOMPLETE/)
  }, 60_000)
})

describe('operating-system errors: one line, the path, the fix; nothing created', () => {
  const args = ['run', '--strategies', 'whole-file', '--workloads', 'append', '--size', '32KiB', '--epochs', '1', '--seeds', '1', '--block-sizes', '4096', '--no-progress', '--no-report', '--floor', 'off']

  it('--out under a file is ENOTDIR in one line, exit 2, no stack', async () => {
    const file = join(root, 'a-file')
    writeFileSync(file, 'x')
    const r = await cli([...args, '--out', join(file, 'sub')])
    expect(r.code).toBe(2)
    expect(r.err).toMatch(/a-file\/sub: a part of the path is a file, not a folder \(ENOTDIR\); give a path whose parents are folders/)
    oneLine(r.err)
  })

  it('--out and --work-dir under /proc, /sys or /dev are refused at once (mkdir -p under /proc spins)', async () => {
    for (const p of ['/proc/deltabench-x', '/sys/x/y', '/dev/x']) {
      const r = await cli([...args, '--out', p])
      expect(r.code).toBe(2)
      expect(r.err).toMatch(/is under \/(proc|sys|dev), a kernel file system/)
    }
    const out = join(root, 'never')
    const w = await cli([...args, '--storage', 'file', '--work-dir', '/proc/x', '--out', out])
    expect(w.err).toMatch(/--work-dir \/proc\/x is under \/proc/)
    expect(existsSync(out)).toBe(false)
  })

  it('a --work-dir that cannot be written fails before the results folder exists', async () => {
    const file = join(root, 'work-file')
    writeFileSync(file, 'x')
    const out = join(root, 'not-made')
    for (const w of [file, join(file, 'sub')]) {
      const r = await cli([...args, '--storage', 'file', '--work-dir', w, '--out', out])
      expect(r.code).toBe(2)
      oneLine(r.err)
      expect(r.err).toMatch(/work-file/)
      expect(existsSync(out)).toBe(false)
    }
  })

  it('maps errno codes once: the user can act (2) or the machine failed (1)', () => {
    const sys = (code: string, syscall: string, path: string): SystemError => Object.assign(new Error(`${code}: x`), { code, errno: -1, syscall, path })
    expect(describeSystemError(sys('EACCES', 'open', '/r/x'))).toEqual({ message: expect.stringMatching(/^open \/r\/x: permission denied \(EACCES\); give a path/) as string, exit: 2 })
    expect(describeSystemError(sys('ENOSPC', 'write', '/r/x')).message).toMatch(/no space left .*df -h/)
    expect(describeSystemError(sys('EROFS', 'mkdir', '/r')).exit).toBe(2)
    expect(describeSystemError(sys('EIO', 'read', '/r/x')).exit).toBe(1)
    expect(isSystemError(Object.assign(new Error('config'), { code: 'CONFIG' }))).toBe(false)
  })

  it('a stdout closed early (| head) ends quietly with exit 0 and the run complete', async () => {
    const out = join(root, 'piped')
    const child = spawn(process.execPath, [BIN, ...args, '--out', out], { stdio: ['ignore', 'pipe', 'pipe'] })
    child.stdout.destroy()
    let err = ''
    child.stderr.on('data', (c: Buffer) => (err += c.toString()))
    const code = await new Promise<number | null>((r) => child.once('exit', r))
    expect(err).not.toMatch(/EPIPE|\n\s+at /)
    expect(code, err).toBe(0)
    expect((JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')) as { status: string }).status).toBe('complete')
  }, 60_000)
})

describe('CSV cells are spreadsheet-safe; rows.jsonl stays exact', () => {
  it('text cells that start a formula get a leading quote, numbers stay numbers', () => {
    for (const t of ['=1+2', '+1', '-x', '@SUM(A1)', '\tx', '\rx']) expect(spreadsheetSafe(t)).toBe(`'${t}`)
    expect(spreadsheetSafe('a=b')).toBe('a=b')
    expect(safeCsv([{ a: '=HYPERLINK("http://x")', b: -3, c: -0.5, d: '-5' }], ['a', 'b', 'c', 'd'], false)).toBe(`"'=HYPERLINK(""http://x"")",-3,-0.5,'-5\n`)
  })

  it('rows.csv of a run (and of merge) neutralises a label starting with =; rows.jsonl keeps it', async () => {
    const rows = readRows(run).map((r) => ({ ...r, workload_options: '=cmd|"/c calc"!A0', seed: `@${r.seed}` })) as ResultRow[]
    const text = csv(rows, true)
    expect(text).toContain(`"'=cmd|""/c calc""!A0"`)
    expect(text).toContain(`,'@1,`)
    const d = copyRun('label')
    writeRows(d, rows)
    const m = await cli(['merge', join(root, 'label-merged'), d])
    expect(m.code, m.err).toBe(0)
    expect(readFileSync(join(root, 'label-merged', 'rows.csv'), 'utf8')).toContain(`"'=cmd|""/c calc""!A0"`)
    expect(rowsOf(join(root, 'label-merged'))[0]!.workload_options).toBe('=cmd|"/c calc"!A0')
  })
})

it('leaves no deltabench temp folder of its own behind', () => {
  expect(readdirSync(root).filter((f) => f.startsWith('deltabench-'))).toEqual([])
})
