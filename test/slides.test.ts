/**
 * Every chart as a slide: each chart of a small real run (three workloads, so a 2 × 2 grid would leave a
 * panel empty) rendered at the slide preset fits 1280 × 720, has no axis label in e-notation, and lays its
 * panels out with none empty; the dark theme swaps the ink; `report --chart` checks its slide flags.
 */
import { readFileSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildCharts, type BuiltChart } from '../analysis/charts/index.ts'
import { columnsFor, renderSlide, SLIDE, slideSpec, svgSize } from '../analysis/charts/slide.ts'
import type { ChartContext } from '../analysis/charts/chart.ts'
import { cli } from './cli-in-process.ts'
import { smallRun, tmp } from './small-run.ts'

/** The text of every <text> element of an SVG. */
const texts = (svg: string) => [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]!)

describe('charts as slides', () => {
  let dir: string
  let ctx: ChartContext
  let charts: BuiltChart[]
  beforeAll(async () => {
    dir = tmp('deltabench-slides-')
    const r = await smallRun(join(dir, 'run'), { seeds: ['1'], workloads: ['random-overwrite', 'append', 'insert-delete'] })
    ;({ ctx, charts } = buildCharts(r.rows))
  }, 120_000)
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it('lay panels out by count, leaving no cell of the grid empty', () => {
    for (let n = 1; n <= 12; n++) {
      const c = columnsFor(n)
      expect(n % c === 0 || n > 4, `${n} panels in ${c} columns`).toBe(true)
      expect(c).toBeLessThanOrEqual(3)
    }
    expect([1, 2, 3, 4].map(columnsFor)).toEqual([1, 2, 3, 2])
  })

  it('fit every drawn chart into 1280 × 720, with no axis label in e-notation', async () => {
    const drawn = charts.filter((c) => 'spec' in c.outcome)
    expect(drawn.length).toBeGreaterThanOrEqual(6)
    for (const c of drawn) {
      const svg = await renderSlide((c.outcome as { spec: never }).spec, SLIDE, ctx.workloads.length)
      const size = svgSize(svg)
      expect(size.width, `${c.builder.id} width`).toBeLessThanOrEqual(1280)
      expect(size.height, `${c.builder.id} height`).toBeLessThanOrEqual(720)
      // Used well: not a postage stamp in the middle of the slide.
      expect(Math.max(size.width / 1280, size.height / 720), `${c.builder.id} fills the slide`).toBeGreaterThan(0.6)
      expect(texts(svg).filter((t) => /\de[+-]\d/.test(t)), `${c.builder.id} labels`).toEqual([])
    }
  }, 240_000)

  it('put three workloads in one row, and draw the dark theme with light ink on a dark background', async () => {
    const bytes = charts.find((c) => c.builder.id === 'bytes-vs-block-size')!.outcome as { spec: never }
    const light = slideSpec(bytes.spec, SLIDE, 3) as unknown as { columns: number; config: { background: string } }
    expect(light.columns).toBe(3)
    expect(light.config.background).toBe('#ffffff')
    const dark = await renderSlide(bytes.spec, { ...SLIDE, theme: 'dark' }, 3)
    expect(dark).toContain('#1e1e1e')
    expect(dark.match(/(fill|stroke)="#(000|222|2f4858)"/g)).toBeNull()
  }, 60_000)

  it('report --chart takes --width, --height and --theme, and refuses bad ones with the fix', async () => {
    const out = join(dir, 'bytes.svg')
    const ok = await cli(['report', join(dir, 'run'), '--chart', 'bytes-vs-block-size', '--width', '960', '--height', '540', '--theme', 'dark', '--out', out])
    expect(ok.code, ok.err).toBe(0)
    const size = svgSize(readFileSync(out, 'utf8'))
    expect(size.width).toBeLessThanOrEqual(960)
    expect(size.height).toBeLessThanOrEqual(540)
    for (const [args, message] of [
      [['--width', 'wide'], /--width wide: give a whole number of pixels from 320 to 7680/],
      [['--height', '100'], /--height 100: give a whole number of pixels from 320 to 7680/],
      [['--theme', 'blue'], /--theme blue: choose light or dark/],
      [['--chart', 'nope'], /no such chart; choose one of correctness, bytes-vs-block-size/],
    ] as const) {
      const r = await cli(['report', join(dir, 'run'), '--chart', 'bytes-vs-block-size', '--out', join(dir, 'x.svg'), ...args])
      expect(r.code, String(args)).toBe(2)
      expect(r.err).toMatch(message)
    }
  }, 120_000)
})
