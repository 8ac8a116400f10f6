/**
 * The local-delta floor (harness/local-floor.ts): the smaller of zstd --patch-from and xdelta3, each of
 * which decodes back to the new version; cached in memory and on disk; off with --floor off; on file pairs
 * too; and every row of every strategy is at or above it, or says why not.
 */
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { ConfigError } from '../core/errors.ts'
import { defaultOptions } from '../core/options.ts'
import { makeTempDir, removeTempDir } from '../core/temp-dir.ts'
import { MemoryVolume } from '../core/volume.ts'
import type { ResultRow } from '../core/result-row.ts'
import { resolveRun, findWorkload } from '../harness/config.ts'
import { FLOOR_RECIPES, parseFloorLevel } from '../harness/floor-level.ts'
import { floorCacheDir, readFloorEntry } from '../harness/floor-cache.ts'
import { floorCandidates, missingFloorTools, runConcurrently, type CommandRunner } from '../harness/floor-tools.ts'
import { floorMaker, floorNotice, LocalFloorMaker } from '../harness/local-floor.ts'
import { prepareWorkload, type LocalFloor } from '../harness/prepare-workload.ts'
import { cellUnsupported, runCell } from '../harness/run-cell.ts'
import { STRATEGIES } from '../strategies/index.ts'
import { Rng } from '../core/seeded-random.ts'
import { cellFigure } from '../core/aggregation.ts'
import { bytesVsBlockSize } from '../analysis/charts/bytes-vs-block-size.ts'
import { chartContext } from '../analysis/charts/chart.ts'

const missing = missingFloorTools()
if (missing) console.warn(`local-floor: tool tests SKIPPED: ${missing}`)

const scratch = makeTempDir('floor-test')
afterAll(() => removeTempDir(scratch))
let dirs = 0
const freshDir = (name: string) => {
  const d = join(scratch, `${name}-${++dirs}`)
  mkdirSync(d)
  return d
}

/** A command runner that counts the commands it runs. */
function counting(): { run: CommandRunner; count: () => number } {
  let n = 0
  return {
    run: (cmds, cwd) => {
      n += cmds.length
      return runConcurrently(cmds, cwd)
    },
    count: () => n,
  }
}

/** Seeded text-like bytes with a few lines inserted into the second version, as in the issue's tar case. */
function versions(size: number, seed: string): [Uint8Array, Uint8Array] {
  const rng = new Rng(seed)
  const words = ['alpha', 'beta', 'gamma', 'delta', 'epsilon', 'zeta', 'eta', 'theta', 'iota', 'kappa']
  let text = ''
  while (text.length < size) text += `${words[rng.int(words.length)]}${rng.int(10) === 0 ? '\n' : ' '}${rng.int(1000)} `
  const old = Buffer.from(text.slice(0, size))
  const at = [size >> 3, size >> 1, size - (size >> 2)]
  const parts: Buffer[] = []
  let from = 0
  for (const a of at) {
    parts.push(old.subarray(from, a), Buffer.from(`\ninserted line at ${a}: ${rng.int(1e9)}\n`))
    from = a
  }
  parts.push(old.subarray(from))
  return [new Uint8Array(old), new Uint8Array(Buffer.concat(parts))]
}

describe('--floor values', () => {
  it('accepts off, fast and max, defaults to fast, and refuses anything else with a ConfigError naming the levels', () => {
    expect(resolveRun({}).floor).toBe('fast')
    for (const level of ['off', 'fast', 'max']) expect(resolveRun({ floor: level }).floor).toBe(level)
    for (const bad of ['', 'on', 'FAST', '19', 'maximum']) {
      expect(() => resolveRun({ floor: bad })).toThrow(ConfigError)
      expect(() => parseFloorLevel(bad)).toThrow(/--floor .*choose off .*fast .*max/)
    }
  })

  it('the cache lives under DELTABENCH_FLOOR_CACHE, else XDG_CACHE_HOME or ~/.cache', () => {
    expect(floorCacheDir({ DELTABENCH_FLOOR_CACHE: '/x/floors', XDG_CACHE_HOME: '/y' })).toBe('/x/floors')
    expect(floorCacheDir({ XDG_CACHE_HOME: '/y' })).toBe('/y/deltabench/local-floor')
    expect(floorCacheDir({})).toMatch(/\.cache\/deltabench\/local-floor$/)
  })

  it('with a tool missing there is no floor, and the notice names the apt-get line', () => {
    const path = process.env.PATH
    process.env.PATH = freshDir('empty-path')
    try {
      expect(floorNotice('fast')).toMatch(/zstd and xdelta3 not found on PATH: install with `apt-get install zstd xdelta3`/)
      expect(floorMaker('fast')).toBeNull()
      expect(floorNotice('off')).toBeUndefined()
    } finally {
      process.env.PATH = path
    }
  })
})

describe.skipIf(missing !== undefined)(`local floor${missing ? ` (skipped: ${missing})` : ''}`, () => {
  it('each tool at each level decodes back to the new version; the floor is the smaller of the two', () => {
    const [oldBytes, newBytes] = versions(300_000, 'decode')
    for (const recipe of Object.values(FLOOR_RECIPES)) {
      const dir = freshDir(`decode-${recipe.level}`)
      const old = { path: join(dir, 'old'), size: oldBytes.length }
      const next = { path: join(dir, 'new'), size: newBytes.length }
      writeFileSync(old.path, oldBytes)
      writeFileSync(next.path, newBytes)
      const candidates = floorCandidates(recipe, dir, old, next)
      expect(candidates.map((c) => c.tool.split(' ')[0])).toEqual(['zstd', 'xdelta3'])
      const encoded = runConcurrently(candidates.map((c) => c.encode), dir)
      expect(encoded.map((e) => e.code)).toEqual([0, 0])
      const decoded = runConcurrently(candidates.map((c, i) => c.decode(join(dir, `out-${i}`))), dir)
      expect(decoded.map((e) => e.code)).toEqual([0, 0])
      for (let i = 0; i < candidates.length; i++) expect(Buffer.compare(readFileSync(join(dir, `out-${i}`)), Buffer.from(newBytes)), candidates[i]!.tool).toBe(0)
      const sizes = candidates.map((c) => statSync(c.delta).size)
      // A few inserted lines: both deltas are tiny next to the 300 KB version.
      for (const s of sizes) expect(s).toBeLessThan(2000)

      const cacheDir = freshDir('cache')
      const maker = new LocalFloorMaker(recipe, { cacheDir, memory: new Map() })
      maker.next(new MemoryVolume(oldBytes))
      const floor = maker.next(new MemoryVolume(newBytes))!
      maker.close()
      expect(floor.bytes).toBe(Math.min(...sizes))
      expect(floor.tool).toBe(candidates[sizes.indexOf(Math.min(...sizes))]!.tool)
      const [entry] = readdirSync(cacheDir)
      const stored = readFloorEntry(cacheDir, entry!.replace(/\.json$/, ''))!
      expect(stored.candidates.map((c) => c.bytes)).toEqual(sizes)
      expect(stored.floor).toEqual(floor)
    }
  })

  it('a cache hit, in memory or on disk, gives the same floor and runs no tool; a torn entry is made again', () => {
    const w = findWorkload('random-overwrite')
    const params = { size: 256 << 10, epochs: 3, seed: 'cache', content: 'mixed' as const }
    const cacheDir = freshDir('cache')
    const first = counting()
    const a = prepareWorkload(w, defaultOptions(w), params, 'fast', { cacheDir, memory: new Map(), run: first.run })
    expect(first.count()).toBe(6) // two tools × three epochs
    expect(a.localFloor).toHaveLength(3)
    for (const f of a.localFloor!) expect(f!.bytes).toBeGreaterThan(0)

    const memory = new Map<string, LocalFloor>()
    const fromDisk = counting()
    expect(prepareWorkload(w, defaultOptions(w), params, 'fast', { cacheDir, memory, run: fromDisk.run }).localFloor).toEqual(a.localFloor)
    expect(fromDisk.count()).toBe(0)
    const fromMemory = counting()
    expect(prepareWorkload(w, defaultOptions(w), params, 'fast', { cacheDir: freshDir('empty-cache'), memory, run: fromMemory.run }).localFloor).toEqual(a.localFloor)
    expect(fromMemory.count()).toBe(0)

    // A torn file (another process cut mid-write would leave only a .part; this is worse) is a miss, made again.
    const files = readdirSync(cacheDir)
    expect(files.filter((f) => !f.endsWith('.json'))).toEqual([])
    writeFileSync(join(cacheDir, files[0]!), '{"floor": {"bytes": 12')
    const again = counting()
    expect(prepareWorkload(w, defaultOptions(w), params, 'fast', { cacheDir, memory: new Map(), run: again.run }).localFloor).toEqual(a.localFloor)
    expect(again.count()).toBe(2)
  })

  it('--floor off computes nothing and leaves the columns empty', async () => {
    const w = findWorkload('random-overwrite')
    const none = counting()
    const p = prepareWorkload(w, defaultOptions(w), { size: 128 << 10, epochs: 2, seed: 'off', content: 'mixed' }, 'off', { cacheDir: freshDir('cache'), run: none.run })
    expect(none.count()).toBe(0)
    expect(p.localFloor).toBeUndefined()
    const rows = await runCell({ runId: 't', strategy: STRATEGIES.find((s) => s.name === 'fixed-block-compare')!, options: { ...defaultOptions(STRATEGIES.find((s) => s.name === 'fixed-block-compare')!), blockSize: 4096 }, prepared: p })
    for (const r of rows) {
      expect([r.local_floor_bytes, r.local_floor_tool, r.vs_local]).toEqual([null, null, null])
    }
  })

  it('a file pair gets a floor: a few inserted lines cost a few hundred bytes, not the file', () => {
    const [oldBytes, newBytes] = versions(2 << 20, 'pair')
    const dir = freshDir('pair')
    writeFileSync(join(dir, 'old.tar'), oldBytes)
    writeFileSync(join(dir, 'new.tar'), newBytes)
    const w = findWorkload('file-pair')
    const p = prepareWorkload(w, { base: join(dir, 'old.tar'), target: join(dir, 'new.tar') }, { size: 0, epochs: 1, seed: '1', content: 'mixed' }, 'fast', { cacheDir: freshDir('cache'), memory: new Map() })
    expect(p.oracle).toEqual([null])
    expect(p.localFloor).toHaveLength(1)
    const f = p.localFloor![0]!
    expect(f.bytes).toBeGreaterThan(0)
    expect(f.bytes).toBeLessThan(2000)
    expect(f.tool).toMatch(/^(zstd|xdelta3) /)
  })

  it('every row of every strategy in a small run is at or above the floor, or says why in under_floor', async () => {
    const cacheDir = freshDir('cache')
    const rows: ResultRow[] = []
    for (const [name, size] of [['random-overwrite', 256 << 10], ['insert-delete', 256 << 10], ['append', 256 << 10]] as const) {
      const w = findWorkload(name)
      const p = prepareWorkload(w, defaultOptions(w), { size, epochs: 2, seed: '7', content: 'mixed' }, 'fast', { cacheDir, memory: new Map() })
      for (const s of STRATEGIES) {
        if (cellUnsupported(s, w)) continue
        for (const blockSize of [512, 4096]) rows.push(...(await runCell({ runId: 't', strategy: s, options: { ...defaultOptions(s), blockSize }, prepared: p })))
      }
    }
    expect(new Set(rows.map((r) => r.strategy)).size).toBeGreaterThanOrEqual(5)
    for (const r of rows) {
      const where = `${r.strategy} · ${r.workload} · ${r.block_size} B · epoch ${r.epoch}`
      expect(r.local_floor_bytes, where).not.toBeNull()
      expect(r.local_floor_tool, where).toMatch(/^(zstd|xdelta3) /)
      expect(r.vs_local, where).toBeCloseTo(r.bytes_total / r.local_floor_bytes!, 9)
      if (r.bytes_total < r.local_floor_bytes!) expect(r.under_floor, where).toMatch(/under local_floor_bytes/)
    }

    // The chart draws it per workload as a labelled dashed line, at the one aggregation's figure.
    const spec = (bytesVsBlockSize.build(rows, chartContext(rows)) as { spec: { data: { values: Record<string, unknown>[] } } }).spec
    const floors = spec.data.values.filter((p) => p.layer === 'floor')
    for (const w of ['random-overwrite', 'insert-delete', 'append']) {
      const expected = cellFigure(rows.filter((r) => r.workload === w), (r) => r.local_floor_bytes)!.median
      const mine = floors.filter((p) => p.workload === w)
      expect(mine.map((p) => p.block_size)).toEqual([512, 4096])
      for (const p of mine) expect(p.median).toBe(expected)
    }
    expect(JSON.stringify(spec)).toContain('best local delta')
    const without = rows.map((r) => ({ ...r, local_floor_bytes: null, local_floor_tool: null, vs_local: null }))
    const plain = (bytesVsBlockSize.build(without, chartContext(without)) as { spec: { data: { values: Record<string, unknown>[] } } }).spec
    expect(plain.data.values.some((p) => p.layer === 'floor')).toBe(false)
    expect(JSON.stringify(plain)).toContain('No local-delta floor for this run')
  }, 180_000)
})
