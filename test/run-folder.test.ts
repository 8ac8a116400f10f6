/**
 * A run folder is written only by the run that owns it (issue 17, items 2-5 and 11): each reproduction of the
 * issue through the CLI, refused with exit 2 and nothing written, and the folders a run or tune may write.
 */
import { spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'

const BIN = new URL('../bin/deltabench.js', import.meta.url).pathname
const root = mkdtempSync(join(tmpdir(), 'deltabench-runfolder-'))
afterAll(() => rmSync(root, { recursive: true, force: true }))

function cli(args: string[], cwd?: string) {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', cwd, env: { ...process.env, CI: 'true' } })
  return { code: r.status, out: r.stdout, err: r.stderr }
}

let n = 0
const fresh = () => join(root, `case-${++n}`)
/** Every file under `dir`, relative, sorted: what a refused command must leave as it was. */
function tree(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).sort()
}
const rowsOf = (dir: string) => readFileSync(join(dir, 'rows.jsonl'), 'utf8').trim().split('\n')

/** A small run: 2 strategies × 1 workload × 2 block sizes × 1 seed × 1 epoch = 4 rows. */
const RUN = ['run', '--strategies', 'fixed-block-compare,changed-block-bitmap', '--workloads', 'random-overwrite', '--block-sizes', '4096,8192', '--size', '64KiB', '--epochs', '1', '--seeds', '1', '--no-report', '--no-progress', '--floor', 'off']
const TUNE = ['tune', '--strategies', 'fixed-block-compare', '--size', '64KiB', '--epochs', '1', '--min', '4096', '--max', '8192', '--seeds', '1', '--profiles', 'wan']

describe('what folder a run may write', () => {
  it('tune --out on an existing run is refused, and the run is kept; tune writes its own folder again', () => {
    const run = fresh()
    expect(cli([...RUN, '--out', run]).code).toBe(0)
    const rows = readFileSync(join(run, 'rows.jsonl'), 'utf8')
    const manifest = readFileSync(join(run, 'manifest.json'), 'utf8')
    const r = cli([...TUNE, '--out', run])
    expect(r.code).toBe(2)
    expect(r.err).toMatch(/tune: --out .* holds a run .*choose another --out/)
    expect(r.err).not.toMatch(/measuring/)
    expect(readFileSync(join(run, 'rows.jsonl'), 'utf8')).toBe(rows)
    expect(readFileSync(join(run, 'manifest.json'), 'utf8')).toBe(manifest)
    expect(tree(run)).toEqual(['manifest.json', 'rows.csv', 'rows.jsonl'])
    // Its own earlier folder: written again.
    const own = fresh()
    expect(cli([...TUNE, '--out', own]).code).toBe(0)
    const again = cli([...TUNE, '--out', own])
    expect(again.code, again.err).toBe(0)
    expect(tree(own)).toEqual(['rows.jsonl', 'tune.json', 'tune.png', 'tune.svg', 'tune.vl.json'])
    // A run refuses a tune's folder.
    expect(cli([...RUN, '--out', own]).err).toMatch(/a tune's results/)
  })

  it('tune refuses a folder holding a file it did not write, before measuring', () => {
    const dir = fresh()
    mkdirSync(dir)
    writeFileSync(join(dir, 'rows.jsonl'), 'mine\n')
    const r = cli([...TUNE, '--out', dir])
    expect(r.code).toBe(2)
    expect(r.err).toMatch(/tune: --out .* holds files tune did not write \(rows\.jsonl\)/)
    expect(readFileSync(join(dir, 'rows.jsonl'), 'utf8')).toBe('mine\n')
    expect(tree(dir)).toEqual(['rows.jsonl'])
  })

  it.each([['..'], [''], ['../../../etc/x'], ['a/b'], ['x'.repeat(101)]])('--run-id %j is refused: a run id is a name, not a path', (id) => {
    // From three folders down, so a path that escaped would still land inside this test's folder.
    const cwd = join(fresh(), 'p', 'q', 'r')
    mkdirSync(cwd, { recursive: true })
    const before = tree(root)
    const r = cli([...RUN, `--run-id=${id}`], cwd)
    expect(r.code).toBe(2)
    expect(r.err).toMatch(/--run-id .*: a run id is a name, not a path: 1 to 100 letters, digits/)
    expect(tree(root)).toEqual(before)
  })

  it('a valid --run-id writes results/<id> under the working directory', () => {
    const cwd = fresh()
    mkdirSync(cwd)
    const r = cli([...RUN, '--run-id', 'nightly_2024-06.a'], cwd)
    expect(r.code, r.err).toBe(0)
    expect(rowsOf(join(cwd, 'results', 'nightly_2024-06.a'))).toHaveLength(4)
  })

  it('--out on a folder holding files we did not write is refused, and the files are kept', () => {
    const dir = fresh()
    mkdirSync(dir)
    const mine = { 'rows.csv': 'a,b\n1,2\n', 'rows.jsonl': '{"mine":true}\n', 'report.html': '<p>mine</p>' }
    for (const [f, text] of Object.entries(mine)) writeFileSync(join(dir, f), text)
    for (const extra of [[], ['--resume']]) {
      const r = cli([...RUN, '--out', dir, ...extra])
      expect(r.code).toBe(2)
      expect(r.err).toMatch(extra.length ? /--resume: .* holds no deltabench run/ : /holds files deltabench did not write as a run: report\.html, rows\.csv, rows\.jsonl; a run writes only into a new or empty folder/)
      for (const [f, text] of Object.entries(mine)) expect(readFileSync(join(dir, f), 'utf8')).toBe(text)
      expect(tree(dir)).toEqual(Object.keys(mine).sort())
    }
  })

  it('an empty folder is fine; a file is not a folder', () => {
    const dir = fresh()
    mkdirSync(dir)
    expect(cli([...RUN, '--out', dir]).code).toBe(0)
    expect(rowsOf(dir)).toHaveLength(4)
    const file = fresh()
    writeFileSync(file, 'x')
    const r = cli([...RUN, '--out', file])
    expect(r.code).toBe(2)
    expect(r.err).toMatch(/is a file, not a folder/)
  })

  it('--resume without --out, or on a folder with no run, is refused with the fix', () => {
    const cwd = fresh()
    mkdirSync(cwd)
    const r = cli([...RUN, '--resume'], cwd)
    expect(r.code).toBe(2)
    expect(r.err).toMatch(/--resume continues the run in a folder: name it with --out <dir>/)
    const absent = join(cwd, 'nope')
    const a = cli([...RUN, '--resume', '--out', absent], cwd)
    expect(a.code).toBe(2)
    expect(a.err).toMatch(/--resume: .*nope does not exist, so there is no run to continue; leave out --resume/)
    expect(tree(cwd)).toEqual([])
  })

  it.each([
    [['--strategies', 'fixed-block-compare,fixed-block-compare'], /--strategies lists "fixed-block-compare" twice/],
    [['--block-sizes', '4096,4KiB'], /--block-sizes lists "4096" and "4KiB", which are both 4096/],
    [['--seeds', '1,2,1'], /--seeds lists "1" twice/],
    [['--workloads', 'append,random-overwrite,append'], /--workloads lists "append" twice/],
  ])('a list naming one thing twice (%j) is refused before anything runs', (args, message) => {
    const out = fresh()
    const r = cli([...RUN, ...args, '--out', out])
    expect(r.code).toBe(2)
    expect(r.err).toMatch(message)
    expect(readdirSync(root)).not.toContain(out.split('/').pop())
  })
})
