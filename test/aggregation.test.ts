/**
 * One aggregation, named everywhere: a small real run (3 seeds, 2 epochs) printed as the terminal table and
 * as the report's table must give the same figure in every cell for every column they share, each equal to
 * the aggregation worked out here by hand. Three seeds, because with two the median of the seed means is the
 * mean over all syncs, and a table that folded that way would pass unseen.
 */
import { readFileSync, rmSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AGGREGATION, aggregationSentence } from '../core/aggregation.ts'
import type { ResultRow } from '../core/result-row.ts'
import { median } from '../core/stats.ts'
import { summaryTable } from '../analysis/summary.ts'
import { writeReport } from '../analysis/report/write-report.ts'
import { bytesVsBlockSize } from '../analysis/charts/bytes-vs-block-size.ts'
import { chartContext } from '../analysis/charts/chart.ts'
import { CHARTS } from '../analysis/charts/index.ts'
import { trackingState } from '../analysis/charts/tracking-state.ts'
import { blockLabel, bytes, formatMs } from '../analysis/charts/format.ts'
import { smallRun, tmp } from './small-run.ts'

/** A table as cells: row key "workload|strategy|block" → column → text. */
type Table = Map<string, Map<string, string>>

/** The terminal table: columns are two or more spaces apart; data lines run from under the rule to the first blank line. */
function parseTerminal(text: string): Table {
  const lines = text.split('\n')
  const head = lines[0]!.trim().split(/\s{2,}/)
  const out: Table = new Map()
  for (const line of lines.slice(2)) {
    if (!line.trim()) break
    const cells = line.trim().split(/\s{2,}/)
    expect(cells, line).toHaveLength(head.length)
    const m = new Map(head.map((h, i) => [h, cells[i]!]))
    out.set(`${m.get('workload')}|${m.get('strategy')}|${m.get('block')}`, m)
  }
  return out
}

const unescape = (s: string) => s.replace(/&#39;/g, "'").replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&')
const text = (html: string) => unescape(html.replace(/<br><span class="range">(.*?)<\/span>/g, ' [$1]').replace(/<[^>]+>/g, '')).trim()

/** The report's summary table, cells as "value [range]" the way the terminal writes them. */
function parseReport(html: string): Table {
  const table = /<section id="summary">.*?<table[^>]*>(.*?)<\/table>/s.exec(html)![1]!
  const head = [...table.matchAll(/<th(?: [^>]*)?>(.*?)<\/th>/g)].map((m) => unescape(m[1]!))
  const out: Table = new Map()
  for (const tr of table.matchAll(/<tr[^>]*>(.*?)<\/tr>/gs)) {
    const cells = [...tr[1]!.matchAll(/<td[^>]*>(.*?)<\/td>/gs)].map((m) => text(m[1]!))
    if (cells.length === 0) continue
    const m = new Map(head.map((h, i) => [h, cells[i]!]))
    out.set(`${m.get('Workload')}|${m.get('Strategy')}|${m.get('Block')}`, m)
  }
  return out
}

/** Terminal column → report column, for every figure both print; the terminal's range "[a–b]" is the report's "a – b", its ms columns carry the unit in the head. */
const SHARED: [terminal: string, report: string][] = [
  ['down/sync', 'Down'],
  ['up/sync', 'Up'],
  ['RTs', 'Round trips'],
  ['send CPU ms', 'Sender CPU / sync'],
  ['recv CPU ms', 'Receiver CPU / sync'],
  ['est ms (wan)', 'Est. time / sync (wan)'],
  ['× oracle', '× oracle'],
  ['× local', '× local'],
  ['state kept', 'State kept'],
]

/** The report adds ranges to every figure and the state split under the state; the terminal only to CPU and time. */
const valueOf = (s: string) => s.replace(/ \[.*$/, '')
const rangeOf = (s: string) => /\[(.*?)\]/.exec(s)?.[1]?.replace(' – ', '–') ?? null

/** A row's block as both tables write it: "any" for a strategy that ignores the block size. */
const blockOf = (r: ResultRow) => (r.uses_block_size ? blockLabel(r.block_size) : 'any')

/** The aggregation by hand, from its definition: per seed the mean over epochs, then the median over seeds. */
function byHand(rows: readonly ResultRow[], value: (r: ResultRow) => number): { median: number; min: number; max: number } {
  const seeds = [...new Set(rows.map((r) => r.seed))]
  const means = seeds.map((s) => {
    const mine = rows.filter((r) => r.seed === s)
    return mine.reduce((a, r) => a + value(r), 0) / mine.length
  })
  return { median: median(means), min: Math.min(...means), max: Math.max(...means) }
}

describe('one aggregation', () => {
  let dir: string
  let rows: readonly ResultRow[]
  let terminal: string
  let term: Table
  let report: Table
  let html: string
  beforeAll(async () => {
    dir = join(tmp('deltabench-agg-'), 'run')
    rows = (await smallRun(dir, { seeds: ['1', '2', '3'] })).rows
    terminal = summaryTable(rows, { wide: true, width: Infinity })
    term = parseTerminal(terminal)
    html = readFileSync((await writeReport(dir, { rows, png: false })).path, 'utf8')
    report = parseReport(html)
  }, 120_000)
  afterAll(() => rmSync(dirname(dir), { recursive: true, force: true }))

  it('the terminal table and the report give the same figure for every cell and every shared column', () => {
    expect(term.size).toBeGreaterThanOrEqual(20)
    expect([...report.keys()].sort()).toEqual([...term.keys()].sort())
    let compared = 0
    for (const [key, t] of term) {
      const r = report.get(key)!
      for (const [tc, rc] of SHARED) {
        expect(t.has(tc) && r.has(rc), `${tc} / ${rc}`).toBe(true)
        const reported = tc.includes(' ms') ? r.get(rc)!.replace(/ ms\b/g, '') : r.get(rc)!
        expect(valueOf(t.get(tc)!), `${key} ${tc}`).toBe(valueOf(reported))
        // Where the terminal shows a spread, it is the report's.
        if (rangeOf(t.get(tc)!) !== null) expect(rangeOf(t.get(tc)!), `${key} ${tc} range`).toBe(rangeOf(reported))
        compared++
      }
      const [mark, wrong, n] = /(✓|✗) (\d+) of (\d+)/.exec(r.get('Byte-exact')!)!.slice(1)
      expect(t.get('correct'), key).toBe(mark === '✓' ? 'yes' : `NO (${wrong}/${n} wrong)`)
    }
    expect(compared).toBe(term.size * SHARED.length)
  })

  it('both are the aggregation itself, and the old folds would have printed other figures', () => {
    let differsFromMeanOverSyncs = 0
    let differsFromMedianOverSyncs = 0
    for (const [key, t] of term) {
      const [workload, strategy, block] = key.split('|')
      const cell = rows.filter((r) => r.workload === workload && r.strategy === strategy && blockOf(r) === block)
      expect(cell.length, key).toBe(3 * 2)
      const down = byHand(cell, (r) => r.bytes_down)
      expect(t.get('down/sync'), key).toBe(bytes(down.median))
      const cpu = byHand(cell, (r) => r.sender_cpu_ms)
      const ms = (n: number) => formatMs(n).replace(/ ms$/, '')
      expect(valueOf(t.get('send CPU ms')!), key).toBe(ms(cpu.median))
      expect(rangeOf(t.get('send CPU ms')!) ?? `${ms(cpu.min)}–${ms(cpu.max)}`, key).toBe(`${ms(cpu.min)}–${ms(cpu.max)}`)
      // The folds the terminal used before: bytes averaged over all syncs, CPU the median over all syncs.
      if (bytes(cell.reduce((a, r) => a + r.bytes_down, 0) / cell.length) !== t.get('down/sync')) differsFromMeanOverSyncs++
      if (ms(median(cell.map((r) => r.sender_cpu_ms))) !== valueOf(t.get('send CPU ms')!)) differsFromMedianOverSyncs++
    }
    // So this test has teeth: a table folding either old way would fail the comparison above.
    expect(differsFromMeanOverSyncs).toBeGreaterThan(0)
    expect(differsFromMedianOverSyncs).toBeGreaterThan(0)
  })

  it('every output names the aggregation in one line', () => {
    expect(terminal).toContain(aggregationSentence())
    expect(html).toContain(aggregationSentence().replace(/'/g, '&#39;'))
    const ctx = chartContext(rows)
    for (const c of CHARTS) {
      const out = c.build(rows, ctx)
      if ('absent' in out || c.id === 'correctness' || c.id === 'faults') continue
      const title = out.spec.title as { subtitle: string[] }
      expect(title.subtitle.join(' '), c.id).toContain(AGGREGATION.slice(1))
    }
  })

  it('counts every kept byte as state: snapshot-diff keeps its manifest on the sender', () => {
    const snap = [...term].filter(([k]) => k.includes('|snapshot-diff|'))
    expect(snap.length).toBeGreaterThan(0)
    for (const [key, t] of snap) {
      const [workload, , block] = key.split('|')
      const cell = rows.filter((r) => r.workload === workload && r.strategy === 'snapshot-diff' && blockOf(r) === block)
      expect(cell.every((r) => r.tracker_state_bytes === 0 && r.sender_state_bytes > 0)).toBe(true)
      expect(t.get('state kept')).toBe(bytes(byHand(cell, (r) => (r.tracker_state_bytes ?? 0) + r.sender_state_bytes + r.receiver_state_bytes).median))
      expect(t.get('state kept')).not.toBe('0 B')
    }
    const out = trackingState.build(rows, chartContext(rows))
    if ('absent' in out) throw new Error(out.absent)
    const points = (out.spec.data as { values: Record<string, unknown>[] }).values.filter((p) => p.strategy === 'snapshot-diff' && String(p.measure).startsWith('state kept'))
    expect(points.length).toBeGreaterThan(0)
    for (const p of points) {
      expect(p.median as number).toBeGreaterThan(0)
      expect(p.detail).toMatch(/^tracker 0 B \+ sender [1-9][\d.]* (B|KiB|MiB) \+ receiver \d+ B$/)
    }
  })

  it('shows a strategy that ignores the block size once, as "any", and level across the block sizes in a chart', () => {
    // whole-file ignores the block size: the engine runs it once per workload and seed.
    expect(rows.filter((r) => r.strategy === 'whole-file').every((r) => !r.uses_block_size)).toBe(true)
    const whole = (t: Table) => [...t.keys()].filter((k) => k.includes('|whole-file|')).sort()
    expect(whole(term)).toEqual(['append|whole-file|any', 'random-overwrite|whole-file|any'])
    expect(whole(report)).toEqual(whole(term))
    expect(terminal).toContain('Block "any"')
    // Rows at a block size of its own that the sweep did not have (as a strategy's default would be) add no block size to the charts.
    const own = rows.map((r) => (r.uses_block_size ? r : { ...r, block_size: 65536 }))
    const ctx = chartContext(own)
    expect(ctx.blockSizes).toEqual([1024, 4096])
    const out = bytesVsBlockSize.build(own, ctx)
    if ('absent' in out) throw new Error(out.absent)
    const spec = out.spec as { data: { values: Record<string, unknown>[] }; title: { subtitle: string[] } }
    for (const workload of ['append', 'random-overwrite']) {
      const level = spec.data.values.filter((p) => p.layer === 'strategy' && p.strategy === 'whole-file' && p.workload === workload)
      expect(level.map((p) => p.block_size)).toEqual([1024, 4096])
      expect(new Set(level.map((p) => p.median)).size).toBe(1)
      expect(level.every((p) => p.block === 'any')).toBe(true)
    }
    expect(spec.title.subtitle.join(' ')).toContain('Level across every block size: whole-file')
  })
})
