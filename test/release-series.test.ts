import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import { afterAll, describe, expect, it } from 'vitest'
import { resolveRun } from '../harness/config.ts'
import { ConfigError } from '../core/errors.ts'
import { prepareWorkload } from '../harness/prepare-workload.ts'
import { MemoryVolume } from '../core/volume.ts'
import { applyMutation, NO_OBSERVER } from '../workloads/apply-mutations.ts'
import { sectorDiff } from '../workloads/image-diff.ts'
import { cacheFileName, ensureReleases, loadRelease, releaseCacheDir, sha512Integrity } from '../workloads/release-cache.ts'
import { PINNED_SERIES } from '../workloads/release-pins.ts'
import { releaseSeries } from '../workloads/release-series.ts'
import { Rng } from '../core/seeded-random.ts'
import { WORKLOADS } from '../workloads/index.ts'
import { traceOf } from '../workloads/workload.ts'
import { quickRun, imageBytes } from './helpers.ts'
import { writeReleaseSeries } from './tar-fixture.ts'
import { defaultOptions } from '../core/options.ts'

const scratch = mkdtempSync(join(tmpdir(), 'deltabench-releases-'))
afterAll(() => rmSync(scratch, { recursive: true, force: true }))

const seriesDir = join(scratch, 'series')
const tars = writeReleaseSeries(seriesDir, 11)

function replay(base: Uint8Array, epochs: readonly (readonly Parameters<typeof applyMutation>[1][])[]): Uint8Array[] {
  const v = new MemoryVolume(base)
  return epochs.map((e) => {
    for (const m of e) applyMutation(v, m, NO_OBSERVER)
    return v.snapshot()
  })
}

describe('release-series', () => {
  it('a local series: each volume is the next release (version order of names), trace synthesised, no oracle', () => {
    const p = prepareWorkload(releaseSeries, { ...defaultOptions(releaseSeries), dir: seriesDir, from: 7 }, { size: 0, epochs: 3, seed: '1', content: 'mixed' })
    // pkg-1.0.7, 1.0.8, 1.0.9, 1.0.10: numeric order, where string order would put 1.0.10 before 1.0.2.
    expect(Buffer.from(imageBytes(p.base)).equals(tars[7]!)).toBe(true)
    const after = replay(imageBytes(p.base), p.epochs)
    for (let e = 0; e < 3; e++) expect(Buffer.from(after[e]!).equals(tars[8 + e]!), `epoch ${e + 1}`).toBe(true)
    expect(p.oracle).toEqual([null, null, null])
    // The synthesised trace writes only changed sectors: less than the release, more than nothing.
    for (const e of p.epochs) {
      const written = e.reduce((a, m) => a + (m.kind === 'overwrite' ? m.bytes.length : 0), 0)
      expect(written).toBeGreaterThan(0)
      expect(written).toBeLessThan(tars[10]!.length)
      for (const m of e) if (m.kind === 'overwrite') expect(m.at % 512).toBe(0)
    }
  })

  it('the seed does not change a release series (the bytes are the releases)', () => {
    const a = prepareWorkload(releaseSeries, { ...defaultOptions(releaseSeries), dir: seriesDir }, { size: 0, epochs: 2, seed: '1', content: 'mixed' })
    const b = prepareWorkload(releaseSeries, { ...defaultOptions(releaseSeries), dir: seriesDir }, { size: 1 << 20, epochs: 2, seed: '2', content: 'random' })
    expect(Buffer.from(imageBytes(a.base)).equals(imageBytes(b.base))).toBe(true)
    expect(a.epochs.map((e) => e.length)).toEqual(b.epochs.map((e) => e.length))
  })

  it('every strategy, the tracking one included, rebuilds each release; rows say the trace was synthesised', async () => {
    const rows = await quickRun({ strategy: 'changed-block-bitmap', workload: 'release-series', blockSize: 4096, size: 0, epochs: 3, workloadOptions: { dir: seriesDir } })
    expect(rows.map((r) => [r.correct, r.trace, r.oracle_bytes, r.efficiency])).toEqual(Array(3).fill([true, 'synthesised', null, null]))
    // CBT sends the blocks the synthesised trace touched: less than the release, at least what it wrote.
    for (const r of rows) {
      expect(r.bytes_down).toBeLessThan(r.volume_bytes)
      expect(r.bytes_down).toBeGreaterThan(r.source_write_bytes)
    }
  })

  it('the trace column: synthesised for a release series, none for a file pair, recorded for every other workload', () => {
    const want = (name: string) => (name === 'release-series' ? 'synthesised' : name === 'file-pair' ? 'none' : 'recorded')
    for (const w of WORKLOADS) expect(traceOf(w), w.name).toBe(want(w.name))
  })

  it('refuses more epochs than the series has, saying how many it can do', () => {
    expect(() => resolveRun({ workloads: ['release-series'], epochs: 11, overrides: { 'release-series': { dir: seriesDir } } })).toThrow(/holds 11 files; from=0 and --epochs 11 need 12/)
    expect(() => resolveRun({ workloads: ['release-series'], epochs: 12, overrides: { 'release-series': { offline: true } } })).toThrow(/commander has 12 pinned releases.*at most 11/)
    expect(() => resolveRun({ workloads: ['release-series'], overrides: { 'release-series': { package: 'left-pad' } } })).toThrow(/must be one of commander, @types\/node, typescript/)
  })
})

describe('synthesised trace (sector diff)', () => {
  it('turns any image into any other: grow, shrink, equal, and zeros past the old end', () => {
    const rng = new Rng('sector-diff')
    for (let t = 0; t < 200; t++) {
      const old = rng.bytes(rng.int(5000))
      const next = rng.float() < 0.2 ? new Uint8Array(old) : rng.bytes(rng.int(5000))
      // Shared stretches and zero tails, so equal sectors and zero sectors both occur.
      if (next.length > 0 && old.length > 0 && rng.float() < 0.5) next.set(old.subarray(0, Math.min(old.length, next.length, rng.int(3000))))
      if (rng.float() < 0.3) next.fill(0, rng.int(next.length + 1))
      const v = new MemoryVolume(old)
      const muts = sectorDiff(v, next, [1, 7, 512][t % 3]!)
      for (const m of muts) applyMutation(v, m, NO_OBSERVER)
      expect(Buffer.from(v.snapshot()).equals(next), `case ${t}`).toBe(true)
    }
  })

  it('writes nothing for an identical image, only the changed sector for a one-byte change, nothing for grown zeros', () => {
    const a = new Rng('x').bytes(10_000)
    expect(sectorDiff(new MemoryVolume(a), a, 512)).toEqual([])
    const b = new Uint8Array(a)
    b[5000] = b[5000]! ^ 1
    expect(sectorDiff(new MemoryVolume(a), b, 512).map((m) => (m.kind === 'overwrite' ? [m.at, m.bytes.length] : m))).toEqual([[4608, 512]])
    const grown = new Uint8Array(20_000)
    grown.set(a)
    expect(sectorDiff(new MemoryVolume(a), grown, 512)).toEqual([{ kind: 'truncate', size: 20_000 }])
  })
})

describe('release cache', () => {
  const fake = gzipSync(Buffer.from('a tarball, for the cache test'))
  const pin = { version: '1.0.0', integrity: sha512Integrity(fake) }

  it('fetches what is missing once, verifies it, then serves it from the cache', () => {
    const dir = join(scratch, 'cache-1')
    let fetches = 0
    const fetch = () => (fetches++, fake)
    ensureReleases('@scope/pkg', [pin], { dir, offline: false, fetch })
    ensureReleases('@scope/pkg', [pin], { dir, offline: false, fetch })
    expect(fetches).toBe(1)
    expect(readdirSync(dir)).toEqual([cacheFileName('@scope/pkg', '1.0.0')])
    expect(Buffer.from(loadRelease('@scope/pkg', pin, dir)).toString()).toBe('a tarball, for the cache test')
  })

  it('refuses a download or a cached file that does not match its pinned integrity', () => {
    const dir = join(scratch, 'cache-2')
    expect(() => ensureReleases('pkg', [pin], { dir, offline: false, fetch: () => gzipSync(Buffer.from('tampered')) })).toThrow(/does not match its pinned integrity/)
    expect(readdirSync(dir)).toEqual([]) // nothing half-written left behind
    writeFileSync(join(dir, cacheFileName('pkg', '1.0.0')), gzipSync(Buffer.from('corrupt')))
    expect(() => loadRelease('pkg', pin, dir)).toThrow(/does not match its pinned integrity.*delete it/)
  })

  it('offline with an empty cache says so, names what is missing and how to fill it', () => {
    const dir = join(scratch, 'cache-empty')
    const err = (() => {
      try {
        ensureReleases('pkg', [pin, { ...pin, version: '1.0.1' }], { dir, offline: true })
      } catch (e) {
        return e
      }
    })()
    expect(err).toBeInstanceOf(ConfigError)
    expect(String((err as Error).message)).toMatch(/offline, and the release cache .*cache-empty is empty \(missing: pkg@1\.0\.0, pkg@1\.0\.1\)\. Run once with the npm registry reachable/)
  })

  it('a failed fetch says what the cache holds', () => {
    const dir = join(scratch, 'cache-3')
    expect(() =>
      ensureReleases('pkg', [pin], {
        dir,
        offline: false,
        fetch: () => {
          throw new Error('getaddrinfo ENOTFOUND registry.npmjs.org')
        },
      }),
    ).toThrow(/could not fetch pkg@1\.0\.0 .*ENOTFOUND.*holds 0 of the 1 releases/)
  })

  it('the cache directory: option, then DELTABENCH_RELEASE_CACHE, then XDG_CACHE_HOME or ~/.cache', () => {
    expect(releaseCacheDir('/x', { DELTABENCH_RELEASE_CACHE: '/y' })).toBe('/x')
    expect(releaseCacheDir('', { DELTABENCH_RELEASE_CACHE: '/y' })).toBe('/y')
    expect(releaseCacheDir('', { XDG_CACHE_HOME: '/xdg' })).toBe('/xdg/deltabench/releases')
    expect(releaseCacheDir('', {})).toMatch(/\.cache\/deltabench\/releases$/)
  })

  it('every pinned release has a sha512 integrity and a unique version; each series has at least 11 releases', () => {
    for (const s of PINNED_SERIES) {
      expect(s.releases.length).toBeGreaterThanOrEqual(11)
      expect(new Set(s.releases.map((r) => r.version)).size).toBe(s.releases.length)
      for (const r of s.releases) expect(r.integrity).toMatch(/^sha512-[A-Za-z0-9+/]{86}==$/)
    }
  })
})

// The registry is reachable in CI but tests should not need it: opt in with DELTABENCH_NETWORK_TESTS=1.
const network = process.env.DELTABENCH_NETWORK_TESTS === '1'
if (!network) console.log('release-series: skipping the npm registry test (set DELTABENCH_NETWORK_TESTS=1 to fetch commander 11.0.0 and 11.1.0 with npm pack)')
describe.runIf(network)('release-series from the npm registry', () => {
  it('fetches two commander releases with npm pack, verifies them, and syncs one to the other', async () => {
    const cacheDir = join(scratch, 'registry')
    const rows = await quickRun({ strategy: 'fixed-block-compare', workload: 'release-series', blockSize: 4096, size: 0, epochs: 1, workloadOptions: { cacheDir } })
    expect(rows[0]!.correct).toBe(true)
    expect(rows[0]!.volume_bytes).toBeGreaterThan(100 << 10)
    expect(readdirSync(cacheDir).sort()).toEqual(['commander-11.0.0.tgz', 'commander-11.1.0.tgz'])
  }, 120_000)
})
