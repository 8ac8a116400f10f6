import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { spawnSync } from 'node:child_process'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { resolveRun } from '../harness/config.ts'
import { tune, type TuneResult } from '../apps/tune.ts'
import { AGGREGATION } from '../core/aggregation.ts'

const BIN = new URL('../bin/deltabench.js', import.meta.url).pathname
const dir = mkdtempSync(join(tmpdir(), 'deltabench-tune-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const tuneCli = (...args: string[]) => spawnSync(process.execPath, [BIN, 'tune', ...args], { encoding: 'utf8' })

describe('deltabench tune', () => {
  it('recommends a block size per strategy and profile, with its interval, indistinguishable set, breakdown and chart', () => {
    const out = join(dir, 't')
    const r = tuneCli('--strategies', 'changed-block-bitmap,fixed-block-compare', '--workload', 'random-overwrite', '--size', '1MiB', '--min', '512', '--max', '64KiB', '--profiles', 'lan,mobile', '--out', out)
    expect(r.status, r.stderr).toBe(0)
    expect(r.stdout).toContain(AGGREGATION)
    expect(r.stdout).toMatch(/over 6 units \(seed × repeat\), 96\.9% coverage; .* 1\.6% false-alarm rate per size/)
    expect(r.stdout).toMatch(/changed-block-bitmap on mobile \(serial\): recommend \d+ B \(.*; 6 units, 1\.6% false alarm per size\)\n {2}best [\d.]+ ms\/sync \[[\d.]+-[\d.]+\]; neighbours .*; default 4096 B/)
    expect(r.stdout).toMatch(/at \d+ B: transfer down [\d.]+ ms, up [\d.]+ ms, latency [\d.]+ ms \([\d.]+ flights\), CPU sender [\d.]+ ms, receiver [\d.]+ ms \(summed\)/)
    const t = JSON.parse(readFileSync(join(out, 'tune.json'), 'utf8'))
    expect(t.aggregation).toBe(AGGREGATION)
    expect(t.results).toHaveLength(4)
    for (const res of t.results as TuneResult[]) {
      expect(res.best.blockSize).toBeGreaterThanOrEqual(512)
      expect(res.best.blockSize).toBeLessThanOrEqual(65536)
      expect(res.best.units).toBe(6)
      expect(res.best.lo).toBeLessThanOrEqual(res.best.cost)
      expect(res.best.hi).toBeGreaterThanOrEqual(res.best.cost)
      // The best is no worse than anything else it measured, and is in its own set.
      for (const e of res.evaluated) expect(res.best.cost).toBeLessThanOrEqual(e.cost)
      expect(res.indistinguishable).toContain(res.best.blockSize)
      expect(res.range.lo).toBeLessThanOrEqual(res.best.blockSize)
      expect(res.range.hi).toBeGreaterThanOrEqual(res.best.blockSize)
      // Latency is flights × RTT/2 in every row, so its figure is the flights' figure scaled.
      expect(res.best.breakdown.latencyMs).toBeCloseTo(res.best.flights * (res.profile === 'lan' ? 0.5 : 40), 9)
    }
    const spec = JSON.parse(readFileSync(join(out, 'tune.vl.json'), 'utf8'))
    expect(spec.vconcat[0].facet.field).toBe('profile')
    expect(spec.vconcat[0].columns).toBeLessThanOrEqual(3) // wrapped by count, not a one-row strip
    expect(spec.vconcat[0].data.values.length).toBeGreaterThan(8)
    expect(spec.vconcat[1].data.values.map((v: { part: string }) => v.part)).toContain('latency × flights')
    expect(readFileSync(join(out, 'tune.svg'), 'utf8')).toMatch(/<svg[\s\S]*estimated time per sync[\s\S]*CPU receiver/)
    expect(readFileSync(join(out, 'tune.png')).subarray(1, 4).toString()).toBe('PNG')
  })

  it('keeps every evaluated size a multiple of --align', () => {
    const out = join(dir, 'aligned')
    const r = tuneCli('--strategies', 'fixed-block-compare', '--workload', 'random-overwrite', '--size', '1MiB', '--max', '64KiB', '--align', '4KiB', '--seeds', '1,2,3', '--profiles', 'wan', '--out', out)
    expect(r.status, r.stderr).toBe(0)
    const t = JSON.parse(readFileSync(join(out, 'tune.json'), 'utf8'))
    expect(t.min).toBe(4096)
    for (const e of t.results[0].evaluated) expect(e.blockSize % 4096).toBe(0)
  })

  it('rejects a bad range, alignment or profile with exit 2 and the fix', () => {
    const cases: [string[], RegExp][] = [
      [['--min', '64KiB', '--max', '4KiB'], /tune: --min 64KiB and --max 4KiB: need 1 <= min <= max/],
      [['--align', '3000'], /tune: --align 3000 must be a power of two, e.g. 4KiB/],
      [['--align', '4KiB', '--min', '1000'], /tune: --min 1000 is not a multiple of --align 4KiB; use --min 4096, or leave --min out/],
      [['--align', '4KiB', '--max', '10000'], /tune: --max 10000 is not a multiple of --align 4KiB; use --max 8192/],
      [['--align', '2MiB'], /tune: --align 2MiB is larger than --max 1MiB; raise --max to at least 2097152/],
      [['--max', '2GiB'], /tune: --max 2GiB is above the largest block size, 1GiB; lower --max/],
      [['--profiles', 'dialup'], /network profile "dialup"/],
    ]
    for (const [args, message] of cases) {
      const r = tuneCli(...args)
      expect(r.status, args.join(' ')).toBe(2)
      expect(r.stderr).toMatch(message)
    }
  })
})

describe('tune is stable', () => {
  // A statistical promise (each size is wrongly called slower with a stated small probability, and a loaded
  // machine shifts CPU between runs): up to two retries keep a fluke from failing CI, while a systematic
  // disagreement still fails all three tries.
  it('two runs of the same tune give best sizes inside each other\'s indistinguishable range', { retry: 2, timeout: 240_000 }, async () => {
    const config = resolveRun({ strategies: ['fixed-block-compare'], workloads: ['random-overwrite'], blockSizes: [1], size: '1MiB', epochs: 1, seeds: ['1', '2', '3', '4', '5', '6'] })
    const req = { config, profiles: ['lan', 'wan', 'mobile'], model: 'serial' as const, min: 512, max: 65536 }
    const a = (await tune(req)).results
    const b = (await tune(req)).results
    for (let i = 0; i < a.length; i++) {
      const [x, y] = [a[i]!, b[i]!]
      const where = `${x.profile}: ${x.recommendation} / ${y.recommendation}`
      expect(x.best.blockSize, where).toBeGreaterThanOrEqual(y.range.lo)
      expect(x.best.blockSize, where).toBeLessThanOrEqual(y.range.hi)
      expect(y.best.blockSize, where).toBeGreaterThanOrEqual(x.range.lo)
      expect(y.best.blockSize, where).toBeLessThanOrEqual(x.range.hi)
    }
    // Not vacuous: on the slow link the bytes decide, and some sizes are told apart from the best.
    const mobile = a.find((r) => r.profile === 'mobile')!
    expect(mobile.evaluated.some((e) => !e.indistinguishable)).toBe(true)
  })
})
