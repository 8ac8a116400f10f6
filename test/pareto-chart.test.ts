/**
 * The bytes-against-CPU chart for design reviews: each point labelled directly (series + block size) with no
 * two labels overlapping, series that tell one strategy's option sets and channel compressions apart, byte
 * ticks in KiB/MiB, and `deltabench report <run> --chart <id> --out F` drawing one chart with its flags checked.
 */
import { existsSync, readFileSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { placeLabels } from '../analysis/charts/label-placement.ts'
import { tradeoffPoints, tradeoffSeries } from '../analysis/charts/tradeoff-points.ts'
import { tradeoff } from '../analysis/charts/tradeoff-bytes-vs-cpu.ts'
import { chartContext } from '../analysis/charts/chart.ts'
import type { ResultRow } from '../core/result-row.ts'
import { Rng } from '../core/seeded-random.ts'
import { cli } from './cli-in-process.ts'
import { missingTools } from '../strategies/tools/child-tool.ts'
import { DEFAULT_VARIANTS, parseVariants, variantFlags } from '../bench/pareto-variants.ts'
import { smallRun, tmp } from './small-run.ts'

/** A row with only what the trade-off reads. */
function row(strategy: string, options: Record<string, unknown>, block: number, bytes: number, cpu: number, compression = 'none'): ResultRow {
  return {
    strategy, strategy_options: JSON.stringify({ blockSize: block, ...options }), workload: 'w', block_size: block, uses_block_size: true, seed: '1', epoch: 1,
    bytes_total: bytes, bytes_down: bytes - 10, bytes_up: 10, sender_cpu_ms: cpu / 2, receiver_cpu_ms: cpu / 2, vs_local: null, correct: true, compression, repeat: 1,
  } as unknown as ResultRow
}

describe('label placement', () => {
  it('no two labels of a crowded panel overlap, and each stays inside the panel', () => {
    const rng = new Rng('labels')
    // Twenty points in one corner of a log-log panel: the case where labels beside each point would collide.
    const points = Array.from({ length: 20 }, (_, i) => ({ x: 100 * (1 + rng.float()), y: 1e6 * (1 + rng.float()), text: `strategy-${i} · 512 B` }))
    const g = { width: 760, height: 460, xDomain: [10, 1e5] as const, yDomain: [1e3, 1e8] as const, fontSize: 10 }
    const placed = placeLabels(points, g)
    const px = (v: number, [lo, hi]: readonly [number, number], size: number) => (Math.log(v / lo) / Math.log(hi / lo)) * size
    const boxes = placed.map((p, i) => {
      const x = px(p.label_x, g.xDomain, g.width)
      const y = g.height - px(p.label_y, g.yDomain, g.height)
      const w = points[i]!.text.length * 6
      return { x0: p.align === 'left' ? x : x - w, x1: p.align === 'left' ? x + w : x, y0: y - 6, y1: y + 6 }
    })
    for (const [i, a] of boxes.entries()) {
      expect(a.x0 >= -0.5 && a.x1 <= g.width + 0.5 && a.y0 >= -0.5 && a.y1 <= g.height + 0.5, `label ${i} inside`).toBe(true)
      for (const b of boxes.slice(i + 1)) expect(Math.min(a.x1, b.x1) > Math.max(a.x0, b.x0) && Math.min(a.y1, b.y1) > Math.max(a.y0, b.y0)).toBe(false)
    }
    expect(placed.some((p) => p.leader)).toBe(true) // crowded: some had to move, with a leader line
  })
})

describe('trade-off series and points', () => {
  const rows = [
    row('rsync', { compress: 'none', compressLevel: 'default' }, 700, 4e6, 1000),
    row('rsync', { compress: 'zstd', compressLevel: 22 }, 700, 1e6, 9000),
    row('rsync-rolling', { weakSum: 'rsync' }, 512, 2e6, 800),
    row('rsync-rolling', { weakSum: 'rsync' }, 512, 8e5, 3000, 'zstd:19'),
  ]

  it("names one strategy's option sets and channel compressions apart, plain forms left short", () => {
    expect(rows.map(tradeoffSeries(rows))).toEqual(['rsync', 'rsync compress=zstd compressLevel=22', 'rsync-rolling', 'rsync-rolling +zstd:19'])
  })

  it('one point per series and block, labelled, with the front: bytes both directions against CPU of both halves', () => {
    const points = tradeoffPoints(rows)
    expect(points.map((p) => [p.label, p.bytes, p.cpu, p.pareto])).toEqual([
      ['rsync · 700 B', 4e6, 1000, false],
      ['rsync compress=zstd compressLevel=22 · 700 B', 1e6, 9000, false],
      ['rsync-rolling · 512 B', 2e6, 800, true],
      ['rsync-rolling +zstd:19 · 512 B', 8e5, 3000, true],
    ])
  })

  it('the chart draws every label as text and ticks bytes in KiB/MiB', async () => {
    const outcome = tradeoff.build(rows, chartContext(rows))
    if ('absent' in outcome) throw new Error(outcome.absent)
    const { renderSvg } = await import('../analysis/charts/render.ts')
    const svg = await renderSvg(outcome.spec)
    for (const p of tradeoffPoints(rows)) expect(svg).toContain(p.label)
    expect(svg).toMatch(/>\d+(\.\d+)? MiB</)
    expect(svg).not.toMatch(/e\+\d/)
  })
})

describe('deltabench report --chart', () => {
  let dir: string
  beforeAll(async () => {
    dir = tmp('deltabench-pareto-chart-')
    await smallRun(join(dir, 'run'), { seeds: ['1'], workloads: ['append'] })
  }, 120_000)
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it('draws one chart to the file named, as SVG or PNG, and nothing else', async () => {
    const svg = join(dir, 'pareto.svg')
    const r = await cli(['report', join(dir, 'run'), '--chart', 'tradeoff-bytes-vs-cpu', '--out', svg])
    expect(r.code, r.err).toBe(0)
    expect(readFileSync(svg, 'utf8')).toMatch(/^<svg/)
    expect(existsSync(join(dir, 'run', 'report.html'))).toBe(false)
    const png = join(dir, 'pareto.png')
    expect((await cli(['report', join(dir, 'run'), '--chart', 'tradeoff-bytes-vs-cpu', '--format', 'png', '--out', png])).code).toBe(0)
    expect([...readFileSync(png).subarray(1, 4)].map((c) => String.fromCharCode(c)).join('')).toBe('PNG')
  }, 60_000)

  it.each([
    [['--chart', 'nope', '--out', 'x.png'], /no such chart; choose one of .*tradeoff-bytes-vs-cpu/],
    [['--chart', 'tradeoff-bytes-vs-cpu', '--out', 'x.gif'], /choose svg or png/],
    [['--chart', 'tradeoff-bytes-vs-cpu', '--format', 'svg', '--out', 'x.png'], /ends in \.png but --format is svg/],
    [['--chart', 'tradeoff-bytes-vs-cpu'], /give the file to write with --out/],
    [['--out', 'x.png'], /--format, --out, --width, --height and --theme go with --chart/],
  ])('refuses %j with exit 2 and the fix, writing nothing', async (flags, message) => {
    const r = await cli(['report', join(dir, 'run'), ...flags.map((f) => (f.startsWith('x.') ? join(dir, f) : f))])
    expect(r.code).toBe(2)
    expect(r.err).toMatch(message)
    expect(existsSync(join(dir, 'x.png')) || existsSync(join(dir, 'x.gif'))).toBe(false)
  })
})

describe('bench:pareto variants', () => {
  it('reads name[@blocks][:key=value,…][+channel] into deltabench run flags', () => {
    const [v] = parseVariants('rsync-rolling@512,2048:weakSum=rollsum,cache=false+zstd:19')
    expect(variantFlags(v!)).toEqual(['--strategies', 'rsync-rolling', '--block-sizes', '512,2048', '--opt', 'rsync-rolling.weakSum=rollsum', '--opt', 'rsync-rolling.cache=false', '--compress', 'zstd:19'])
    expect(variantFlags(parseVariants('xdelta3:level=9')[0]!)).toEqual(['--strategies', 'xdelta3', '--opt', 'xdelta3.level=9', '--compress', 'none'])
    expect(parseVariants(DEFAULT_VARIANTS).map((x) => x.strategy)).toEqual(['rsync', 'rsync', 'rsync', 'rsync', 'rsync', 'rsync-rolling', 'rsync-rolling', 'rsync-context', 'rdiff', 'xdelta3', 'zstd-patch'])
  })

  it('refuses a malformed variant with the form it takes', () => {
    expect(() => parseVariants('rsync@700:compress')).toThrow(/option "compress" in "rsync@700:compress" must read key=value/)
    expect(() => parseVariants('Rsync!')).toThrow(/must read name\[@blocks\]/)
    expect(() => parseVariants(' ; ')).toThrow(/no variants given/)
  })
})

const rsyncMissing = missingTools('rsync refusal', [{ cmd: 'rsync', apt: 'rsync' }])

describe.skipIf(rsyncMissing)(`rsync compression refused by deltabench run before anything is written${rsyncMissing ? ` (skipped: ${rsyncMissing})` : ''}`, () => {
  it('exits 2 with the fix and creates no run folder', async () => {
    const dir = tmp('deltabench-pareto-refuse-')
    try {
      const out = join(dir, 'run')
      const r = await cli(['run', '--strategies', 'rsync', '--opt', 'rsync.compress=lz4', '--opt', 'rsync.compressLevel=3', '--workloads', 'append', '--size', '64KiB', '--block-sizes', '4096', '--out', out, '--no-progress'])
      expect(r.code).toBe(2)
      expect(r.err).toMatch(/rsync\.compressLevel 3: compress lz4 takes no level/)
      expect(existsSync(out)).toBe(false)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
