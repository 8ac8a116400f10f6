import { spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { compareRuns } from '../analysis/compare.ts'
import { comparisonChart, comparisonMarkdown, comparisonText } from '../analysis/compare-output.ts'
import { parseMatch, parseSelector } from '../analysis/compare-pairs.ts'
import { AGGREGATION } from '../core/aggregation.ts'
import { ConfigError } from '../core/errors.ts'
import { resolveRun } from '../harness/config.ts'
import type { ResultRow } from '../core/result-row.ts'
import { runMatrix, type MatrixResult } from '../harness/run-matrix.ts'

const BIN = new URL('../bin/deltabench.js', import.meta.url).pathname

/** A copy of a run's rows with one strategy (at one block size, or all) made slower (CPU ×factor) or fatter (bytes +extra). */
function inject(rows: readonly ResultRow[], strategy: string, cpu: number, extraBytes: number, blockSize?: number): ResultRow[] {
  return rows.map((r) => (r.strategy === strategy && (blockSize === undefined || r.block_size === blockSize) ? { ...r, sender_cpu_ms: r.sender_cpu_ms * cpu + 5, receiver_cpu_ms: r.receiver_cpu_ms * cpu + 5, bytes_total: r.bytes_total + extraBytes } : r))
}

const writeRows = (dir: string, rows: readonly ResultRow[]) => {
  mkdirSync(dir)
  writeFileSync(join(dir, 'rows.jsonl'), rows.map((r) => JSON.stringify(r) + '\n').join(''))
}

const cli = (...args: string[]) => spawnSync(process.execPath, [BIN, 'compare', ...args], { encoding: 'utf8' })

let dir: string
let few: MatrixResult // 1 seed, 2 repeats: too few samples for any CPU verdict
let many: MatrixResult // 3 seeds × 3 repeats, two block sizes

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'deltabench-cmp-'))
  const base = { strategies: ['fixed-block-compare', 'changed-block-bitmap'], workloads: ['random-overwrite'], size: 256 << 10, epochs: 2 }
  few = await runMatrix(resolveRun({ ...base, blockSizes: [4096], seeds: ['1'], repeat: 2 }), { outDir: join(dir, 'few'), warmup: false })
  many = await runMatrix(resolveRun({ ...base, blockSizes: [4096, 16384], seeds: ['1', '2', '3'], repeat: 3 }), { outDir: join(dir, 'many'), warmup: false })
}, 120_000)

afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('compare', () => {
  it('passes a run against itself: bytes same, CPU same, nothing to gate', () => {
    const same = compareRuns(many.rows, many.rows)
    expect(same.regressions.total).toBe(0)
    expect(same.cells).toHaveLength(4)
    expect(same.cells.every((c) => c.bytesVerdict === 'same' && c.cpu.call === 'same' && c.seeds === 3)).toBe(true)
    expect(same.cpuTested).toBe(4)
  })

  it('flags bytes exactly and a CPU slowdown the test supports; a faster cell is better, not a regression', () => {
    // One cell of the four changes: the rest stand for the machine (their median B/A is its factor).
    const worse = compareRuns(many.rows, inject(many.rows, 'changed-block-bitmap', 3, 1000, 4096))
    expect(worse.machineFactorApplied).toBe(false)
    for (const c of worse.cells.filter((x) => x.strategy === 'changed-block-bitmap' && x.blockSize === 4096)) {
      expect(c.bytesVerdict).toBe('worse')
      expect(c.seedsWorse).toBe(3)
      expect(c.cpu.call).toBe('worse')
      expect(c.cpu.pAdjusted!).toBeLessThanOrEqual(0.05)
      expect(c.cpuLo).toBeGreaterThan(1)
    }
    for (const c of worse.cells.filter((x) => x.strategy === 'fixed-block-compare')) expect(c.cpu.call).toBe('same')
    expect(worse.regressions).toEqual({ bytes: 1, correctness: 0, cpu: 1, total: 1 })

    const better = compareRuns(inject(many.rows, 'fixed-block-compare', 3, 1000, 16384), many.rows)
    const fixed = better.cells.find((c) => c.strategy === 'fixed-block-compare' && c.blockSize === 16384)!
    expect([fixed.cpu.call, fixed.bytesVerdict]).toEqual(['better', 'better'])
    expect(better.regressions.total).toBe(0)
  })

  it('a machine-wide factor (every cell ×2.5) is not a regression, and the summary says how it was read', () => {
    const slower = many.rows.map((r) => ({ ...r, sender_cpu_ms: r.sender_cpu_ms * 2.5, receiver_cpu_ms: r.receiver_cpu_ms * 2.5 }))
    const c = compareRuns(many.rows, slower)
    expect(c.runCpuFactor).toBeCloseTo(2.5, 6)
    expect(c.machineFactorApplied).toBe(true)
    expect(c.regressions.total).toBe(0)
    expect(comparisonText(c)).toMatch(/CPU overall: B\/A ×2\.50 \(median over cells\): beyond the minimum effect, so each cell was judged against it/)
  })

  it('with too few samples gates on bytes only and says what to run', () => {
    const c = compareRuns(few.rows, inject(few.rows, 'changed-block-bitmap', 3, 0))
    expect(c.cells.every((x) => x.cpu.call === 'too few samples')).toBe(true)
    expect(c.regressions.total).toBe(0)
    const text = comparisonText(c)
    expect(text).toMatch(/too few samples for a CPU verdict in 2 of 2 cell\(s\): n=2 vs 2 runs \(1 seed × 2 repeat\(s\)\); use --repeat ≥ \d+/)
    expect(text).toContain(AGGREGATION)
    expect(text).toMatch(/family-wise false-alarm rate ≤ 5\.0%/)
    expect(text).toMatch(/minimum effect \+10\.0%/)
    expect(compareRuns(few.rows, inject(few.rows, 'changed-block-bitmap', 1, 1)).regressions).toEqual({ bytes: 1, correctness: 0, cpu: 0, total: 1 })
  })

  it('a broken replica is always a regression', () => {
    const broken = few.rows.map((r, i) => (i === 0 ? { ...r, correct: false } : r))
    expect(compareRuns(few.rows, broken).regressions.correctness).toBe(1)
  })

  it('compares one block size against another, and one strategy against another, within one run', () => {
    const blocks = compareRuns(many.rows, many.rows, { a: { block_size: '4096' }, b: { block_size: '16384' }, match: parseMatch('strategy,workload,seed') })
    expect(blocks.cells).toHaveLength(2)
    for (const c of blocks.cells) {
      expect(c.differs).toEqual([{ column: 'block_size', a: '4096', b: '16384' }])
      expect(c.seeds).toBe(3)
    }
    const across = compareRuns(many.rows, many.rows, { a: parseSelector('strategy=fixed-block-compare,block_size=4KiB', '--a'), b: parseSelector('strategy=changed-block-bitmap,block_size=16384', '--b'), match: parseMatch('workload,seed') })
    expect(across.cells).toHaveLength(1)
    expect(across.cells[0]!.differs.map((d) => d.column)).toEqual(['strategy', 'strategy_options', 'block_size'])
    expect(across.cells[0]!.differs[1]!.a).not.toMatch(/blockSize/) // the options without the block size, which has its own column
    expect(comparisonText(across)).toMatch(/fixed-block-compare → changed-block-bitmap/)
    expect(comparisonText(across)).toMatch(/4096 → 16384/)
  })

  it('refuses an unknown column, a selector matching nothing, and a --match that pairs one cell with several, with the fix', () => {
    const err = (f: () => unknown) => {
      try {
        f()
      } catch (e) {
        expect(e).toBeInstanceOf(ConfigError)
        return (e as Error).message
      }
      throw new Error('no error')
    }
    expect(err(() => parseMatch('workload,colour'))).toMatch(/--match: unknown column "colour"; the columns that identify a cell are strategy, /)
    expect(err(() => parseSelector('strategy', '--a'))).toMatch(/--a "strategy" is not column=value; write e\.g\./)
    expect(err(() => parseSelector('block_size=big', '--b'))).toMatch(/block_size "big" is not a size/)
    expect(err(() => compareRuns(many.rows, many.rows, { a: { strategy: 'rsync-rolling' } }))).toMatch(/--a strategy=rsync-rolling matches no row of run A; strategy there: fixed-block-compare, changed-block-bitmap/)
    expect(err(() => compareRuns(many.rows, many.rows, { match: parseMatch('workload,seed') }))).toMatch(/pairs 4 of A's cells with one cell of the other side \(workload=random-overwrite\); they differ in strategy, block_size\. Add strategy,block_size to --match, or pick one with --a strategy=/)
    expect(err(() => compareRuns(many.rows, many.rows, { a: { block_size: '4096' }, b: { block_size: '16384' } }))).toMatch(/no cell of A pairs with a cell of B.*they share no block_size \(A: 4096; B: 16384\)\. Leave block_size out of --match/)
  })

  it('Markdown, JSON and a chart with intervals; the CLI exits 0, 4 and 2', () => {
    const c = compareRuns(many.rows, inject(many.rows, 'changed-block-bitmap', 3, 1000, 4096))
    expect(comparisonMarkdown(c)).toMatch(/^\| workload \| strategy/m)
    const spec = JSON.stringify(comparisonChart(c))
    expect(spec).toMatch(/"x2":\{"field":"hi"\}/)
    expect(spec).toContain('vega-lite')
    // Full row labels, never cut at Vega-Lite's default 180 px: workload · strategy · block size in KiB.
    expect(spec).toContain('"labelLimit":0')
    expect(spec).toMatch(/"cell":"[a-z-]+ · changed-block-bitmap · \d+(\.\d+)? (B|KiB)"/)

    const b = join(dir, 'b')
    writeRows(b, inject(many.rows, 'changed-block-bitmap', 3, 1000, 4096))
    const ok = cli(many.dir, many.dir)
    expect(ok.status, ok.stderr).toBe(0)
    expect(ok.stdout).toMatch(/^0 regression\(s\): 0 bytes, 0 correctness, 0 CPU$/m)
    const bad = cli(many.dir, b, '--format', 'markdown', '--chart', join(dir, 'c.vl.json'))
    expect(bad.status).toBe(4)
    expect(bad.stdout).toMatch(/1 regression\(s\): 1 bytes, 0 correctness, 1 CPU \(exit 4\)/)
    expect(JSON.parse(readFileSync(join(dir, 'c.vl.json'), 'utf8')).$schema).toMatch(/vega-lite/)
    const json = cli(many.dir, many.dir, '--format', 'json', '--a', 'block_size=4096', '--b', 'block_size=16KiB', '--match', 'strategy,workload,seed')
    const parsed = JSON.parse(json.stdout) as { cells: unknown[]; regressions: { total: number } }
    expect(parsed.cells).toHaveLength(2)
    expect(json.status, json.stderr).toBe(parsed.regressions.total > 0 ? 4 : 0) // 16 KiB blocks may well send more
    for (const [flags, msg] of [
      [['--alpha', '70'], /--alpha must be a percentage from 0 to 50/],
      [['--alpha', '0'], /--alpha 0 would never call a CPU change/],
      [['--min-effect', '-1'], /--min-effect must be a percentage/],
      [['--match', 'nope'], /unknown column "nope"/],
      [['--a', 'strategy=nope'], /--a strategy=nope matches no row/],
    ] as const) {
      const r = cli(many.dir, many.dir, ...flags)
      expect(r.status, r.stdout).toBe(2)
      expect(r.stderr).toMatch(msg)
      expect(r.stderr).not.toMatch(/    at /) // no stack trace
    }
  }, 240_000) // nine CLI processes, each starting tsx: slow on a loaded machine
})
