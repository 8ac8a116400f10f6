import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { compile } from 'vega-lite'
import { acrossSeeds, aggregationSentence, meanPerSync } from '../core/aggregation.ts'
import { paretoFront } from '../analysis/charts/pareto.ts'
import { spread } from '../core/stats.ts'
import { pickedLine, seedWhiskers } from '../analysis/charts/block-size-lines.ts'
import { chartContext, chartFrame, narrowContext, runSpreadLines, spreadNote } from '../analysis/charts/chart.ts'
import { CELL_TIPS, logEncoding, tooltip } from '../analysis/charts/encodings.ts'
import { faultCells, selfVerifyText } from '../analysis/charts/fault-cells.ts'
import { blockLabel, logTicks } from '../analysis/charts/format.ts'
import { buildCharts, CHARTS } from '../analysis/charts/index.ts'
import { STRATEGY_COLOURS, strategyColour, WRONG_COLOUR } from '../analysis/charts/palette.ts'
import { blockSizeGrid, gridCell, workloadPanels } from '../analysis/charts/panels.ts'
import { renderPng, renderSvg } from '../analysis/charts/render.ts'
import { seriesLabeller } from '../analysis/charts/series-label.ts'
import { parseTrueType, useDejaVuMetrics } from '../analysis/charts/text-metrics.ts'
import type { ResultRow } from '../core/result-row.ts'
import { resolveRun } from '../harness/config.ts'
import { runMatrix } from '../harness/run-matrix.ts'
import { smallRun, tmp } from './small-run.ts'

function hue(hex: string): number {
  const [r, g, b] = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255) as [number, number, number]
  const max = Math.max(r, g, b)
  const d = max - Math.min(r, g, b)
  if (d === 0) return -1
  const h = max === r ? ((g - b) / d) % 6 : max === g ? (b - r) / d + 2 : (r - g) / d + 4
  return (h * 60 + 360) % 360
}

describe('strategy colours', () => {
  it('are fixed for known and planned strategies, all different', () => {
    const planned = ['whole-file', 'fixed-block-compare', 'changed-block-bitmap', 'rsync-rolling', 'rdiff', 'rsync', 'xdelta3', 'zstd-patch', 'journal-replay', 'snapshot-diff']
    for (const name of planned) expect(strategyColour(name)).toBe(STRATEGY_COLOURS[name])
    expect(new Set(planned.map(strategyColour)).size).toBe(planned.length)
  })

  it('are deterministic for unknown names, and never the red kept for wrong replicas', () => {
    for (const name of ['my-strategy', 'x', 'content-defined-chunking', 'zz-top', 'bsdiff', 'casync']) {
      const c = strategyColour(name)
      expect(c).toMatch(/^#[0-9a-f]{6}$/)
      expect(strategyColour(name)).toBe(c)
      const h = hue(c)
      expect(h < 15 || h > 345, `${name} → ${c} (hue ${h}) looks like the wrong-replica red`).toBe(false)
    }
    expect(strategyColour('a-strategy')).not.toBe(strategyColour('another-strategy'))
    for (const c of Object.values(STRATEGY_COLOURS)) expect(c).not.toBe(WRONG_COLOUR)
  })
})

describe('chart helpers', () => {
  it('take the median and min–max over seeds of each seed mean', () => {
    const row = (seed: string, bytes: number) => ({ seed, bytes_total: bytes }) as ResultRow
    const rows = [row('1', 10), row('1', 30), row('2', 100), row('3', 40), row('3', 60)]
    expect(acrossSeeds(rows, meanPerSync((r) => r.bytes_total))).toEqual({ median: 50, min: 20, max: 100, n: 3 })
    expect(spread([])).toBeNull()
  })

  it('find the Pareto front: nothing on it is beaten on both counts', () => {
    const pts = [
      { x: 1, y: 10 },
      { x: 2, y: 5 },
      { x: 3, y: 6 },
      { x: 4, y: 1 },
      { x: 4, y: 1 },
      { x: 5, y: 9 },
    ]
    expect([...paretoFront(pts)].sort()).toEqual([0, 1, 3, 4])
  })

  it('put log ticks on round values inside the domain', () => {
    for (const [lo, hi, kind] of [[3, 17e6, 'bytes'], [0.3, 80, 'decimal'], [5, 40, 'decimal'], [4096, 4096, 'bytes'], [0.01, 5000, 'decimal']] as const) {
      const t = logTicks(lo, hi, kind)
      expect(t.domain[0]).toBeLessThanOrEqual(lo)
      expect(t.domain[1]).toBeGreaterThanOrEqual(hi)
      expect(t.values.length).toBeGreaterThanOrEqual(2)
      expect(t.values.length).toBeLessThanOrEqual(7)
      for (const v of t.values) {
        expect(v).toBeGreaterThanOrEqual(t.domain[0])
        expect(v).toBeLessThanOrEqual(t.domain[1])
        if (kind === 'bytes') expect(Math.log2(v) % 1).toBe(0)
        else expect([1, 2, 5]).toContain(Number((v / 10 ** Math.floor(Math.log10(v) + 1e-9)).toPrecision(3)))
      }
    }
    expect(blockLabel(4096)).toBe('4 KiB')
    expect(blockLabel(512)).toBe('512 B')
    expect(blockLabel(1 << 20)).toBe('1 MiB')
  })

  it('measure text with DejaVu Sans advance widths when the font is installed', () => {
    if (!useDejaVuMetrics()) {
      console.warn('charts: DejaVu Sans not found, PNG text layout falls back to estimates; apt-get install fonts-dejavu-core')
      return
    }
    const { readFileSync } = require('node:fs') as typeof import('node:fs')
    const font = parseTrueType(readFileSync('/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf'))
    const w = (s: string) => [...s].reduce((a, c) => a + font.advance(c.codePointAt(0)!), 0)
    // Digits share one width (tabular figures); W is wider than i; an em is about a capital M.
    const digits = [...'0123456789'].map((d) => w(d))
    expect(new Set(digits).size).toBe(1)
    expect(w('W')).toBeGreaterThan(2 * w('i'))
    expect(w('M')).toBeGreaterThan(0.7)
    expect(w('M')).toBeLessThan(1)
  })
})

describe('shared chart pieces', () => {
  const ctx = { strategies: ['whole-file', 'fixed-block-compare', 'journal-replay'], workloads: ['append', 'hot-spot'], blockSizes: [512, 4096], seeds: ['1', '2'], runLine: '1 MiB mixed content, 2 epochs, seeds 1, 2' }

  it('say how a spread is shown, and own up to a single seed', () => {
    expect(spreadNote(ctx)).toBe('Whiskers span min–max over the 2 seeds.')
    expect(spreadNote(ctx, { minMax: 'tooltip' })).toBe('Min–max over the 2 seeds in the tooltip.')
    expect(spreadNote({ ...ctx, seeds: ['7'] })).toBe('One seed only (7): a single run, no spread to show.')
    // Every chart with figures names the one aggregation on a line of its own.
    expect(runSpreadLines(ctx)).toEqual([`${ctx.runLine}. ${spreadNote(ctx)}`, aggregationSentence()])
  })

  it('narrow the context to the strategies some rows have, keeping the run order', () => {
    expect(narrowContext(ctx, [{ strategy: 'journal-replay' }, { strategy: 'whole-file' }, { strategy: 'journal-replay' }]).strategies).toEqual(['whole-file', 'journal-replay'])
    expect(narrowContext(ctx, []).strategies).toEqual([])
  })

  it('build tooltips in the order given, a cell tooltip opening with strategy, workload and block size', () => {
    expect(tooltip({ ...CELL_TIPS, sent: 'Bytes sent' })).toEqual([
      { field: 'strategy', title: 'Strategy' },
      { field: 'workload', title: 'Workload' },
      { field: 'block', title: 'Block size' },
      { field: 'sent', title: 'Bytes sent' },
    ])
  })

  it('put a log axis around the data, bytes labelled with their unit and other measures plainly', () => {
    const b = logEncoding('median', 'bytes', [3000, 5e6], 'Bytes (log scale)')
    expect(b.scale.type).toBe('log')
    expect(b.scale.domain[0]).toBeLessThanOrEqual(3000)
    expect(b.scale.domain[1]).toBeGreaterThanOrEqual(5e6)
    expect(b.axis).toEqual({ values: logTicks(3000, 5e6, 'bytes').values, labelExpr: expect.stringContaining("' KiB'"), title: 'Bytes (log scale)' })
    expect(logEncoding('cpu', 'decimal', [0.2, 40], 'CPU (ms, log scale)').axis).toEqual({ values: logTicks(0.2, 40, 'decimal').values, format: ',~r', title: 'CPU (ms, log scale)' })
  })

  it('file every grid cell under a block-size row that exists, smallest blocks first', () => {
    const grid = blockSizeGrid(ctx, 100, 20, [{ mark: 'rect' }])
    expect(grid.facet.row.sort).toEqual(['512 B blocks', '4 KiB blocks'])
    expect(gridCell({ strategy: 'whole-file', block_size: 4096 })).toEqual({ strategy: 'whole-file', block_size: 4096, block: '4 KiB', blocks: '4 KiB blocks' })
    expect(grid.spec.encoding.x.sort).toEqual(ctx.workloads)
    expect(grid.spec.encoding.y.sort).toEqual(ctx.strategies)
    expect(workloadPanels(ctx, 300, 200, []).facet.sort).toEqual(ctx.workloads)
  })

  it('draw whiskers from the same data as the line, at min and max, and filter only when asked', () => {
    const y = logEncoding('median', 'bytes', [100, 1e5], 'Bytes (log scale)')
    const whiskers = seedWhiskers(ctx, y, { opacity: 0.5 })
    const line = pickedLine(ctx, y, { pointSize: 40, filter: "datum.layer === 'strategy'", tooltip: tooltip(CELL_TIPS) })
    expect(whiskers.encoding.y).toEqual({ ...y, field: 'min' })
    expect(whiskers.encoding.y2).toEqual({ field: 'max' })
    expect(line.encoding.y).toBe(y)
    expect('transform' in whiskers).toBe(false)
    expect(line.transform).toEqual([{ filter: "datum.layer === 'strategy'" }])
    const data = [{ layer: 'strategy', strategy: 'whole-file', workload: 'append', block_size: 512, block: '512 B', median: 300, min: 200, max: 400 }]
    expect(() => compile({ ...chartFrame({ text: 't' }, data), ...workloadPanels(ctx, 300, 200, [whiskers, line]) })).not.toThrow()
  })
})

describe('charts over a real run', () => {
  let rows: ResultRow[]
  beforeAll(async () => {
    rows = [...(await smallRun(join(tmp(), 'run'))).rows]
  })

  it('every builder gives a Vega-Lite spec that compiles, with units on its axes', () => {
    const { charts } = buildCharts(rows)
    expect(charts.map((c) => c.builder.id)).toEqual(CHARTS.map((c) => c.id))
    for (const { builder, outcome } of charts) {
      if ('absent' in outcome) {
        expect(builder.id, outcome.absent).toBe('faults')
        continue
      }
      expect(() => compile(outcome.spec), builder.id).not.toThrow()
      // Every quantitative axis says its unit: in its title, or in every label (bytes: "4 KiB").
      const axes: { title: unknown; labelExpr?: string; format?: string }[] = []
      const walk = (o: unknown): void => {
        if (Array.isArray(o)) o.forEach(walk)
        else if (o && typeof o === 'object') {
          const r = o as Record<string, unknown>
          if (r.type === 'quantitative' && r.axis && typeof r.axis === 'object') axes.push(r.axis as { title: unknown })
          Object.values(r).forEach(walk)
        }
      }
      walk(outcome.spec)
      if (!['correctness', 'efficiency-heatmap'].includes(builder.id)) expect(axes.length, builder.id).toBeGreaterThan(0)
      for (const a of axes) {
        const unitInLabels = typeof a.labelExpr === 'string' && a.labelExpr.includes("' B'")
        expect(unitInLabels || /\((ms|B|KiB|MiB|%)[,)]/.test(String(a.title)) || a.format === '.0%', `${builder.id}: axis "${String(a.title)}" has no unit`).toBe(true)
      }
    }
  })

  it('draw the median over seeds with the min–max, never one run', () => {
    const ctx = chartContext(rows)
    const { charts } = buildCharts(rows)
    const bytes = charts.find((c) => c.builder.id === 'bytes-vs-block-size')!.outcome as { spec: { data: { values: Record<string, unknown>[] } } }
    const p = bytes.spec.data.values.find((v) => v.layer === 'strategy' && v.strategy === 'fixed-block-compare' && v.workload === 'random-overwrite' && v.block_size === 1024)!
    const perSeed = ctx.seeds.map((s) => {
      const mine = rows.filter((r) => r.seed === s && r.strategy === 'fixed-block-compare' && r.workload === 'random-overwrite' && r.block_size === 1024)
      return mine.reduce((a, r) => a + r.bytes_total, 0) / mine.length
    })
    expect(p.min).toBe(Math.min(...perSeed))
    expect(p.max).toBe(Math.max(...perSeed))
    expect(p.median).toBe((perSeed[0]! + perSeed[1]!) / 2)
    expect(String(p.sent)).toContain('2 seeds')
  })

  it('render to an SVG with marks and a PNG, and show a wrong replica in red words', async () => {
    const broken = rows.map((r) => ({ ...r }))
    broken[3]!.correct = false
    broken[3]!.error = 'test: a broken receiver'
    const { charts } = buildCharts(broken)
    const outcome = charts.find((c) => c.builder.id === 'correctness')!.outcome
    if ('absent' in outcome) throw new Error(outcome.absent)
    const svg = await renderSvg(outcome.spec)
    expect(svg).toMatch(/<svg[^>]*width="\d+/)
    expect(svg).toContain('class="mark-rect role-mark')
    expect(svg).toContain('✗ 1 of 4 WRONG')
    expect(svg).toContain('fill="rgb(214, 39, 40)"') // WRONG_COLOUR, as the colour scale writes it
    expect(svg).toContain('WRONG replicas: 1 of')
    const png = renderPng(svg)
    expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])
  })

  it('leave out the tracking charts, saying why, when no tracking strategy ran', () => {
    const { charts } = buildCharts(rows.filter((r) => r.tracker_ms === null))
    for (const id of ['tracking-time', 'tracking-state']) {
      const o = charts.find((c) => c.builder.id === id)!.outcome
      expect('absent' in o && o.absent).toMatch(/no tracking strategy ran/)
    }
  })
})

describe('fault cells', () => {
  it('label a strategy by the options that differ between its rows, block size aside', () => {
    const row = (strategy: string, opts: object) => ({ strategy, strategy_options: JSON.stringify(opts) }) as ResultRow
    const rows = [row('journal-replay', { blockSize: 512, selfVerify: true }), row('journal-replay', { blockSize: 4096, selfVerify: false }), row('changed-block-bitmap', { blockSize: 512 }), row('changed-block-bitmap', { blockSize: 4096 })]
    const label = seriesLabeller(rows)
    expect(rows.map(label)).toEqual(['journal-replay (selfVerify=true)', 'journal-replay (selfVerify=false)', 'changed-block-bitmap', 'changed-block-bitmap'])
  })

  it('tally wrong replicas, fault events, harness-only catches and self-verification from the fault columns', () => {
    const row = (strategy: string, fault: string | null, o: Partial<ResultRow>) =>
      ({ strategy, strategy_options: '{}', fault, correct: true, faults_injected: fault ? 0 : null, caught_by_harness: fault ? false : null, self_detected: null, self_repaired: null, self_verify_bytes: null, ...o }) as ResultRow
    const rows = [
      row('changed-block-bitmap', 'dropped-bits', { correct: false, faults_injected: 2, caught_by_harness: true }),
      row('changed-block-bitmap', 'dropped-bits', { faults_injected: 1 }),
      row('changed-block-bitmap', 'dropped-bits', { correct: false, faults_injected: 1, error: 'receiver: short frame' }),
      row('journal-replay', 'dropped-bits', { faults_injected: 3, self_detected: true, self_repaired: true, self_verify_bytes: 600 }),
      row('journal-replay', 'dropped-bits', { self_detected: false, self_repaired: false, self_verify_bytes: 16 }),
      row('journal-replay', null, {}),
    ]
    const cells = faultCells(rows)
    expect(cells).toEqual([
      { strategy: 'changed-block-bitmap', series: 'changed-block-bitmap', fault: 'dropped-bits', syncs: 3, wrong: 2, events: 4, harnessOnly: 1, selfVerify: null },
      { strategy: 'journal-replay', series: 'journal-replay', fault: 'dropped-bits', syncs: 2, wrong: 0, events: 3, harnessOnly: 0, selfVerify: { detected: 1, repaired: 1, bytes: 616 } },
    ])
    expect(cells.map(selfVerifyText)).toEqual(['off', 'detected 1 of 2, repaired 1, 308 B per sync'])
    expect(faultCells(rows.filter((r) => r.fault === null))).toEqual([])
  })

  it('draw the faults chart from a real faulted run: the bitmap goes wrong unseen, self-verification repairs the journal', async () => {
    const config = resolveRun({
      strategies: ['changed-block-bitmap', 'journal-replay'],
      workloads: ['random-overwrite'],
      blockSizes: [4096],
      size: '256KiB',
      epochs: 4,
      seeds: ['1'],
      fault: 'dropped-bits',
      faultRate: 0.2,
      overrides: { 'journal-replay': { selfVerify: true } },
    })
    const { rows } = await runMatrix(config, { outDir: join(tmp(), 'faulted'), warmup: false })
    const { charts } = buildCharts(rows)
    const outcome = charts.find((c) => c.builder.id === 'faults')!.outcome
    if ('absent' in outcome) throw new Error(outcome.absent)
    expect(() => compile(outcome.spec)).not.toThrow()
    const values = (outcome.spec as { data: { values: Record<string, unknown>[] } }).data.values
    const bitmap = values.find((v) => v.strategy === 'changed-block-bitmap')!
    const journal = values.find((v) => v.strategy === 'journal-replay')!
    const wrong = rows.filter((r) => r.strategy === 'changed-block-bitmap' && !r.correct).length
    expect(wrong).toBeGreaterThan(0)
    expect(bitmap).toMatchObject({ fault: 'dropped-bits', wrong, share: wrong / 4, harness_text: `${wrong} of 4`, self_verify_text: 'off' })
    const detected = rows.filter((r) => r.strategy === 'journal-replay' && r.self_detected).length
    expect(detected).toBeGreaterThan(0)
    expect(journal).toMatchObject({ wrong: 0, harness_text: '0 of 4' })
    expect(String(journal.self_verify_text)).toMatch(new RegExp(`^detected ${detected} of 4, repaired ${detected}, `))
    expect(journal.events).toBe(rows.filter((r) => r.strategy === 'journal-replay').reduce((a, r) => a + r.faults_injected!, 0))
  })
})
