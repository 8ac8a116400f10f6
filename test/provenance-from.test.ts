/** `deltabench run --from <manifest>`: a recorded run re-run into a new directory gives the same bytes, cell by cell and epoch by epoch. */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { COLUMN_NAMES, type ResultRow } from '../core/result-row.ts'
import type { Manifest } from '../core/run-files.ts'
import { findStrategy } from '../harness/config.ts'
import { cli } from './cli-in-process.ts'

const parent = mkdtempSync(join(tmpdir(), 'deltabench-from-'))
afterAll(() => rmSync(parent, { recursive: true, force: true }))

const rowsOf = (dir: string) =>
  readFileSync(join(dir, 'rows.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as ResultRow)
const manifestOf = (dir: string) => JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as Manifest

/** Where a row sits: its cell (strategy and options, workload and options, content, seed, block size, repeat) and epoch. */
const placeOf = (r: ResultRow) => JSON.stringify([r.strategy, r.strategy_options, r.workload, r.workload_options, r.content, r.seed, r.block_size, r.repeat, r.epoch])
/** What must come out identical: every byte count, the outcome, and the yardsticks. */
const BYTE_COLUMNS = COLUMN_NAMES.filter((c) => /^(bytes_|frames_|oracle_|local_floor_)/.test(c) || ['correct', 'first_diff_offset', 'flights', 'efficiency', 'vs_local', 'under_floor'].includes(c))

// A real tool beside our strategies when this machine has it: its version is recorded and its bytes must repeat too.
const tool = findStrategy('rdiff').unavailable?.() === undefined ? ',rdiff' : ''
const recorded = join(parent, 'recorded')
const args = [
  'run',
  '--strategies', `fixed-block-compare,changed-block-bitmap,rsync-rolling${tool}`,
  '--workloads', 'random-overwrite,insert-delete',
  '--block-sizes', '1KiB,4096',
  '--size', '128KiB',
  '--epochs', '2',
  '--seeds', '1',
  '--content', 'text',
  '--compress', 'zstd:3',
  '--profile', 'lan',
  '--opt', 'fixed-block-compare.strongBytes=8',
  '--opt', 'insert-delete.edits=24',
  '--no-progress', '--no-report',
  '--out', recorded,
] // prettier-ignore

describe('run --from', () => {
  it('records the command line as given, then re-runs it into a new directory with every byte identical', async () => {
    const first = await cli(args)
    expect(first.code, first.err).toBe(0)
    const m = manifestOf(recorded)
    expect(m.invocation?.argv).toEqual(args)
    expect(m.invocation?.cwd).toBe(process.cwd())

    // Pretend the recording was made with another rsync: --from must say so, and only that.
    writeFileSync(join(recorded, 'manifest.json'), JSON.stringify({ ...m, versions: { ...m.versions, tools: { ...m.versions!.tools, rsync: 'rsync  version 2.6.9  protocol version 29' } } }))
    const again = join(parent, 'again')
    const second = await cli(['run', '--from', join(recorded, 'manifest.json'), '--out', again, '--no-progress', '--no-report'])
    expect(second.code, second.err).toBe(0)
    expect(second.err).toMatch(/^re-running .*recorded\/manifest\.json \(config [0-9a-f]{12}, started /m)
    expect(second.err).toContain(`versions that differ from the recorded run:\n  rsync: rsync  version 2.6.9  protocol version 29 → ${m.versions!.tools.rsync}\n`)

    expect(BYTE_COLUMNS).toEqual(expect.arrayContaining(['bytes_down', 'bytes_up', 'bytes_total', 'correct', 'oracle_bytes', 'oracle_new_bytes', 'efficiency']))
    const before = rowsOf(recorded)
    const after = rowsOf(again)
    expect(after).toHaveLength(before.length)
    expect(before.length).toBe((3 + (tool ? 1 : 0)) * 2 * 2 * 2)
    const byPlace = new Map(after.map((r) => [placeOf(r), r]))
    expect(byPlace.size).toBe(after.length)
    for (const r of before) {
      const twin = byPlace.get(placeOf(r))
      expect(twin, placeOf(r)).toBeDefined()
      for (const c of BYTE_COLUMNS) expect(twin![c], `${placeOf(r)} ${c}`).toEqual(r[c])
    }
    expect(before.every((r) => r.correct)).toBe(true)

    const rerun = manifestOf(again)
    expect(rerun.configHash).toBe(m.configHash)
    expect(rerun.config).toEqual(m.config)
    expect(rerun.invocation?.rerunOf).toBe(join(recorded, 'manifest.json'))
    expect(rerun.invocation?.argv.slice(0, 2)).toEqual(['run', '--from'])
  })

  it.each([
    [['--size', '1MiB'], /run --from re-runs the recorded config as it was; leave out --size \(allowed with --from: --out, --run-id, --jobs, --work-dir, --no-progress, --no-report, --fail-on-incorrect, --wide, --export-markdown, --export-csv, --export-json, --force\), or run without --from/],
    [['--opt', 'fixed-block-compare.strongBytes=4', '--shard', '1/2'], /leave out --opt, --shard \(allowed/],
    [['--resume'], /leave out --resume \(allowed/],
  ])('refuses %j beside --from, with exit 2, writing nothing', async (extra, message) => {
    const out = join(parent, `refused-${extra[0]!.slice(2)}`)
    const r = await cli(['run', '--from', recorded, ...extra, '--out', out])
    expect(r.code).toBe(2)
    expect(r.err).toMatch(message)
    expect(existsSync(out)).toBe(false)
  })

  it('refuses a bad path and the recorded run directory as --out, with exit 2, writing nothing', async () => {
    const names = readdirSync(parent).sort()
    const missing = await cli(['run', '--from', join(parent, 'nope', 'manifest.json')])
    expect(missing.code).toBe(2)
    expect(missing.err).toMatch(/^deltabench: config: run --from .*nope\/manifest\.json: no such file; give a run's manifest, e\.g\. --from results\/<run-id>\/manifest\.json\n$/)
    const intoOld = await cli(['run', '--from', recorded, '--out', recorded])
    expect(intoOld.code).toBe(2)
    expect(intoOld.err).toMatch(/--out .*recorded already holds a run; --from writes a new run directory: choose another --out, or leave it out/)
    expect(readdirSync(parent).sort()).toEqual(names)
  })
})
