/**
 * The run summary (analysis/summary.ts) and its exports (analysis/summary-export.ts, apps/summary-output.ts):
 * a 5-strategy × 3-workload × 4-block-size sweep of synthetic rows, figures drawn from a seed, must print
 * within 100 columns, in the order given, with a winner per workload that is the one worked out here by
 * hand from the rows; the three exports must parse and hold the same numbers.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import type { ResultRow } from '../core/result-row.ts'
import { Rng } from '../core/seeded-random.ts'
import { median } from '../core/stats.ts'
import { summaryTable } from '../analysis/summary.ts'
import { exportSummary } from '../analysis/summary-export.ts'
import { blockLabel, bytes, formatMs } from '../analysis/charts/format.ts'
import { checkExports } from '../apps/summary-output.ts'
import { cli } from './cli-in-process.ts'

const STRATEGIES = ['rsync-rolling', 'changed-block-bitmap', 'fixed-block-compare', 'cdc-index', 'whole-file']
const WORKLOADS = ['sqlite-oltp', 'random-overwrite', 'insert-delete']
const BLOCKS = [65536, 512, 16384, 4096]
const SEEDS = ['1', '2', '3']

/** Every field the summary reads; figures from the seed, so a test that passes by luck would not again. */
function sweep(seed: string): ResultRow[] {
  const rng = new Rng(seed)
  const rows: ResultRow[] = []
  for (const workload of WORKLOADS)
    for (const strategy of STRATEGIES)
      for (const block of strategy === 'whole-file' ? [4096] : BLOCKS)
        for (const s of SEEDS)
          for (const epoch of [1, 2]) {
            const down = Math.round(2e5 + rng.float() * 5e7)
            rows.push({
              strategy, workload, seed: s, epoch, repeat: 1, block_size: block, uses_block_size: strategy !== 'whole-file',
              strategy_options: '{}', bytes_down: down, bytes_up: 4 + rng.int(5e5), bytes_total: down + 100, round_trips: 1 + rng.int(3) / 2,
              sender_cpu_ms: rng.float() * 2000, receiver_cpu_ms: rng.float() * 300, est_sync_ms: 50 + rng.float() * 5000, est_profile: 'wan', est_model: 'serial',
              oracle_bytes: 1e5, local_floor_bytes: 9e4, tracker_ms: strategy === 'changed-block-bitmap' ? rng.float() * 10 : null, tracker_device_bytes: null,
              tracker_state_bytes: null, sender_state_bytes: rng.int(1e6), receiver_state_bytes: 0, faults_injected: null, self_detected: null, self_repaired: null, correct: true,
            } as unknown as ResultRow)
          }
  // Rows arrive shuffled (resumed runs, --jobs): the order printed must come from the order given, not from them.
  for (let i = rows.length - 1; i > 0; i--) {
    const j = rng.int(i + 1)
    ;[rows[i], rows[j]] = [rows[j]!, rows[i]!]
  }
  return rows
}

const rows = sweep('summary')
const order = { strategies: STRATEGIES, workloads: WORKLOADS }
const widthOf = (text: string) => Math.max(...text.split('\n').map((l) => [...l].length))

/** By hand, from the aggregation's definition: per seed the mean over epochs, then the median over seeds. */
function estOf(strategy: string, workload: string, block: number): number {
  const mine = rows.filter((r) => r.strategy === strategy && r.workload === workload && r.block_size === block)
  return median(SEEDS.map((s) => mine.filter((r) => r.seed === s).reduce((a, r, _, xs) => a + r.est_sync_ms / xs.length, 0)))
}

describe('the compact summary', () => {
  const text = summaryTable(rows, { order })

  it('fits 100 columns, and any narrower width it is given', () => {
    expect(widthOf(text)).toBeLessThanOrEqual(100)
    expect(widthOf(summaryTable(rows, { order, width: 72 }))).toBeLessThanOrEqual(72)
    // The wide layout takes more room when it has it, and still keeps to a terminal's width.
    expect(widthOf(summaryTable(rows, { order, wide: true, width: Infinity }))).toBeGreaterThan(100)
    expect(widthOf(summaryTable(rows, { order, wide: true, width: 120 }))).toBeLessThanOrEqual(120)
  })

  it('prints sizes with units, never raw bytes', () => {
    const cellLines = text.split('\n').filter((l) => /^ {2}\S/.test(l) && !l.includes('▸') && STRATEGIES.some((s) => l.trimStart().startsWith(s)))
    expect(cellLines).toHaveLength(WORKLOADS.length * (4 * 4 + 1))
    for (const l of cellLines) expect(l).not.toMatch(/\b\d{5,}\b/)
    expect(text).toMatch(/\d MiB/)
  })

  it('lists workloads and strategies as given, block sizes ascending', () => {
    const lines = text.split('\n')
    expect(lines.filter((l) => WORKLOADS.includes(l))).toEqual(WORKLOADS)
    const first = lines.slice(lines.indexOf(WORKLOADS[0]!) + 1, lines.indexOf(WORKLOADS[1]!))
    const cells = first.filter((l) => /^ {2}\S/.test(l) && !l.includes('▸')).map((l) => l.trim().split(/\s{2,}/).slice(0, 2).join(' '))
    const expected = STRATEGIES.flatMap((s) => (s === 'whole-file' ? [`${s} any`] : [...BLOCKS].sort((a, b) => a - b).map((b) => `${s} ${blockLabel(b)}`)))
    expect(cells).toEqual(expected)
  })

  it('names the fastest cell of each workload and the runner-up of another strategy, with the margin', () => {
    for (const w of WORKLOADS) {
      const ranked = STRATEGIES.flatMap((s) => (s === 'whole-file' ? [[s, 4096] as const] : BLOCKS.map((b) => [s, b] as const))).map(([s, b]) => ({ s, b, est: estOf(s, w, b) }))
      ranked.sort((a, b) => a.est - b.est)
      const best = ranked[0]!
      const runner = ranked.find((x) => x.s !== best.s)!
      const line = text.split('\n').find((l) => l.includes(`▸ ${w}:`))!
      expect(line, w).toBeDefined()
      const block = (x: typeof best) => (x.s === 'whole-file' ? 'any' : blockLabel(x.b))
      const paragraph = text.slice(text.indexOf(line)).split('\n').slice(0, 2).join(' ').replace(/\s+/g, ' ')
      expect(paragraph).toContain(`${best.s} @ ${block(best)} ${formatMs(best.est)}`)
      expect(paragraph).toContain(`runner-up ${runner.s} @ ${block(runner)} ${formatMs(runner.est)}`)
    }
    expect(text).toContain('Legend: ')
    expect(text).toContain('RTs: round trips per sync')
  })

  it('never lets a cell with a wrong replica win', () => {
    const bestCell = (rs: readonly ResultRow[]) => /▸ sqlite-oltp: [^@]*?: (\S+) @/.exec(summaryTable(rs, { order, width: Infinity }))![1]
    const winner = bestCell(rows)!
    const broken = rows.map((r) => (r.strategy === winner && r.workload === 'sqlite-oltp' && r.epoch === 1 ? { ...r, correct: false } : r))
    expect(bestCell(broken)).not.toBe(winner)
  })
})

describe('summary exports', () => {
  const json = JSON.parse(exportSummary('json', rows, order)) as { cells: Record<string, unknown>[]; winners: { workload: string }[]; aggregation: string }
  const csv = exportSummary('csv', rows, order).trimEnd().split('\n').map((l) => l.split(','))
  const md = exportSummary('markdown', rows, order).split('\n').filter((l) => l.startsWith('|'))

  it('parse, one cell per line, in the same order', () => {
    expect(json.cells).toHaveLength(WORKLOADS.length * 17)
    expect(json.winners.map((w) => w.workload)).toEqual(WORKLOADS)
    expect(csv[0]).toContain('bytes_down_median')
    for (const line of csv) expect(line).toHaveLength(csv[0]!.length)
    expect(csv).toHaveLength(json.cells.length + 1)
    const cols = md[0]!.split('|').length
    for (const line of md) expect(line.split('|').length).toBe(cols)
    expect(md[1]).toMatch(/^\| --- \| --- \| --- \| ---: /)
    expect(md).toHaveLength(json.cells.length + 2)
  })

  it('hold the same numbers as each other and as the aggregation by hand', () => {
    const head = csv[0]!
    const mdHead = md[0]!.split('|').map((s) => s.trim())
    json.cells.forEach((c, i) => {
      const line = csv[i + 1]!
      const down = c.bytes_down as { median: number; min: number }
      expect(Number(line[head.indexOf('bytes_down_median')]), `${i}`).toBe(down.median)
      expect(Number(line[head.indexOf('bytes_down_min')])).toBe(down.min)
      expect(line.slice(0, 2)).toEqual([c.workload, c.strategy])
      const mdCells = md[i + 2]!.split('|').map((s) => s.trim())
      expect(mdCells[mdHead.indexOf('down/sync')]!.replace(/ \[.*$/, '')).toBe(bytes(down.median))
      const est = (c.est_sync_ms as { median: number }).median
      if (c.block_size !== null) expect(est).toBeCloseTo(estOf(c.strategy as string, c.workload as string, c.block_size as number), 9)
    })
  })
})

describe('export paths, checked before the run', () => {
  const dir = mkdtempSync(join(tmpdir(), 'deltabench-export-'))
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it('takes new files in existing folders, refuses the rest with the fix, and overwrites only with --force', () => {
    expect(checkExports({ exportJson: join(dir, 's.json'), exportCsv: join(dir, 's.csv') }, 'run')).toEqual([
      { format: 'csv', path: join(dir, 's.csv') },
      { format: 'json', path: join(dir, 's.json') },
    ])
    expect(() => checkExports({ exportMarkdown: join(dir, 'nowhere', 's.md') }, 'run')).toThrow(/does not exist; create it first/)
    mkdirSync(join(dir, 'sub'))
    expect(() => checkExports({ exportMarkdown: join(dir, 'sub') }, 'run')).toThrow(/that is a folder/)
    writeFileSync(join(dir, 'old.md'), 'mine')
    expect(() => checkExports({ exportMarkdown: join(dir, 'old.md') }, 'run')).toThrow(/already exists; add --force/)
    expect(checkExports({ exportMarkdown: join(dir, 'old.md'), force: true }, 'run')).toHaveLength(1)
    expect(() => checkExports({ exportCsv: join(dir, 'x'), exportJson: join(dir, 'x') }, 'summary')).toThrow(/^config: summary: --export-json .*same file/)
  })
})

describe('run and summary on the command line', () => {
  const dir = mkdtempSync(join(tmpdir(), 'deltabench-export-cli-'))
  afterAll(() => rmSync(dir, { recursive: true, force: true }))
  const small = ['--strategies', 'whole-file,fixed-block-compare', '--workloads', 'append,random-overwrite', '--block-sizes', '4096,1024', '--size', '64KiB', '--epochs', '1', '--seeds', '1', '--no-progress', '--no-report', '--floor', 'off']

  it('refuses an export over an existing file before anything runs (exit 2, no run folder)', async () => {
    writeFileSync(join(dir, 'taken.md'), 'mine')
    const r = await cli(['run', ...small, '--out', join(dir, 'refused'), '--export-markdown', join(dir, 'taken.md')])
    expect(r.code).toBe(2)
    expect(r.err).toMatch(/run: --export-markdown .*already exists; add --force/)
    expect(existsSync(join(dir, 'refused'))).toBe(false)
    expect(readFileSync(join(dir, 'taken.md'), 'utf8')).toBe('mine')
  })

  it('writes the exports after the run, in the order given, and summary <run> prints and exports the same', async () => {
    const run = join(dir, 'run')
    const r = await cli(['run', ...small, '--out', run, '--export-json', join(dir, 'a.json')])
    expect(r.code, r.err).toBe(0)
    expect(r.out).toContain(`summary (json): ${join(dir, 'a.json')}`)
    const a = JSON.parse(readFileSync(join(dir, 'a.json'), 'utf8')) as { cells: { workload: string; strategy: string; block_size: number | null }[] }
    expect(a.cells.map((c) => `${c.workload} ${c.strategy} ${c.block_size ?? 'any'}`)).toEqual(['append whole-file any', 'append fixed-block-compare 1024', 'append fixed-block-compare 4096', 'random-overwrite whole-file any', 'random-overwrite fixed-block-compare 1024', 'random-overwrite fixed-block-compare 4096'])
    const s = await cli(['summary', run, '--export-json', join(dir, 'b.json')])
    expect(s.code, s.err).toBe(0)
    expect(readFileSync(join(dir, 'b.json'), 'utf8')).toBe(readFileSync(join(dir, 'a.json'), 'utf8'))
    expect(s.out).toContain('▸ append: fastest on wan')
  })
})
