import { spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { homedir, tmpdir } from 'node:os'
import { join } from 'node:path'
import { gunzipSync } from 'node:zlib'
import { ConfigError } from '../core/errors.ts'
import type { PinnedRelease } from './release-pins.ts'

/**
 * Release tarballs fetched once from the npm registry with `npm pack`, checked against their pinned
 * sha512 integrity, and kept in a cache directory the user can set; later (and offline) runs read the
 * cache.
 */
const WHERE = 'release-series'

/** The cache directory: the option, else DELTABENCH_RELEASE_CACHE, else $XDG_CACHE_HOME or ~/.cache, + deltabench/releases. */
export function releaseCacheDir(option: string, env: NodeJS.ProcessEnv = process.env): string {
  if (option) return option
  if (env.DELTABENCH_RELEASE_CACHE) return env.DELTABENCH_RELEASE_CACHE
  return join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'deltabench', 'releases')
}

/** File name of a release in the cache: `@types/node` 20.19.0 → `@types+node-20.19.0.tgz`. */
export function cacheFileName(pkg: string, version: string): string {
  return `${pkg.replace('/', '+')}-${version}.tgz`
}

/** The integrity string of bytes, in the registry's form (`sha512-<base64>`). */
export function sha512Integrity(bytes: Uint8Array): string {
  return `sha512-${createHash('sha512').update(bytes).digest('base64')}`
}

function checkIntegrity(bytes: Uint8Array, expected: string, what: string): void {
  const got = sha512Integrity(bytes)
  if (got !== expected) throw new ConfigError(`${WHERE}: ${what} does not match its pinned integrity (expected ${expected}, got ${got}): the download or the cached file is corrupt; delete it and run again`)
}

/** Fetches one release with `npm pack` into a temporary directory; returns the .tgz bytes. A seam for tests. */
export type Fetcher = (pkg: string, version: string) => Uint8Array

export const npmPack: Fetcher = (pkg, version) => {
  const tmp = mkdtempSync(join(tmpdir(), 'deltabench-pack-'))
  try {
    const r = spawnSync('npm', ['pack', `${pkg}@${version}`, '--json', '--pack-destination', tmp], { cwd: tmp, encoding: 'utf8', timeout: 300_000 })
    if (r.error || r.status !== 0) {
      const detail = r.error ? r.error.message : (r.stderr.split('\n').filter((l) => /error/i.test(l)).slice(0, 3).join(' ') || `exit ${r.status}`)
      throw new Error(detail)
    }
    const files = readdirSync(tmp).filter((f) => f.endsWith('.tgz'))
    if (files.length !== 1) throw new Error(`npm pack left ${files.length} tarballs`)
    return readFileSync(join(tmp, files[0]!))
  } finally {
    rmSync(tmp, { recursive: true, force: true })
  }
}

export interface CacheOptions {
  dir: string
  offline: boolean
  fetch?: Fetcher
}

/** What a run needs from the cache, and what is missing. */
export function missingReleases(pkg: string, releases: readonly PinnedRelease[], dir: string): PinnedRelease[] {
  return releases.filter((r) => !existsSync(join(dir, cacheFileName(pkg, r.version))))
}

/**
 * Makes sure every release is in the cache, fetching the missing ones unless offline. Throws a
 * ConfigError saying what is missing and how to get it.
 */
export function ensureReleases(pkg: string, releases: readonly PinnedRelease[], o: CacheOptions): void {
  const missing = missingReleases(pkg, releases, o.dir)
  if (missing.length === 0) return
  const held = releases.length - missing.length
  const list = missing.map((r) => `${pkg}@${r.version}`).join(', ')
  if (o.offline) {
    const empty = !existsSync(o.dir) || readdirSync(o.dir).length === 0
    throw new ConfigError(
      `${WHERE}: offline, and ${empty ? `the release cache ${o.dir} is empty` : `the release cache ${o.dir} holds ${held} of the ${releases.length} releases this run needs`} (missing: ${list}). ` +
        'Run once with the npm registry reachable (leave out --opt release-series.offline=true) to fill it, or point --opt release-series.cacheDir (or DELTABENCH_RELEASE_CACHE) at a filled cache.',
    )
  }
  mkdirSync(o.dir, { recursive: true })
  const fetch = o.fetch ?? npmPack
  for (const r of missing) {
    let bytes: Uint8Array
    try {
      bytes = fetch(pkg, r.version)
    } catch (err) {
      throw new ConfigError(
        `${WHERE}: could not fetch ${pkg}@${r.version} from the npm registry with npm pack (${err instanceof Error ? err.message : String(err)}); ` +
          `the release cache ${o.dir} holds ${held} of the ${releases.length} releases this run needs. Run with the registry reachable, or point --opt release-series.cacheDir at a filled cache.`,
      )
    }
    checkIntegrity(bytes, r.integrity, `${pkg}@${r.version} as fetched`)
    const path = join(o.dir, cacheFileName(pkg, r.version))
    // Write beside, then rename: a cut download never looks like a cached release.
    const tmp = `${path}.${process.pid}.part`
    writeFileSync(tmp, bytes)
    renameSync(tmp, path)
  }
}

/** A cached release as an uncompressed tar, after checking the .tgz against its pinned integrity. */
export function loadRelease(pkg: string, release: PinnedRelease, dir: string): Uint8Array {
  const path = join(dir, cacheFileName(pkg, release.version))
  const tgz = readFileSync(path)
  checkIntegrity(tgz, release.integrity, path)
  return gunzipSync(tgz)
}
