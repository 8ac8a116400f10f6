import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { gunzipSync } from 'node:zlib'
import { ConfigError, WorkloadError } from '../core/errors.ts'
import { checkOptions, defineOptions, type OptionsOf } from '../core/options.ts'
import { firstDifference, MemoryVolume } from '../core/volume.ts'
import { applyMutation, NO_OBSERVER } from './apply-mutations.ts'
import { sectorDiff } from './image-diff.ts'
import { ensureReleases, loadRelease, releaseCacheDir } from './release-cache.ts'
import { findSeries, PINNED_SERIES, type PinnedRelease } from './release-pins.ts'
import type { Workload } from './workload.ts'

const NAME = 'release-series'

const OPTIONS = defineOptions({
  package: { type: 'enum', choices: PINNED_SERIES.map((s) => s.name), default: 'commander', description: 'pinned package whose consecutive releases make the series' },
  // Past the pinned releases is refused by validate (pick) with the count; 10,000 bounds the number itself.
  from: { type: 'number', integer: true, min: 0, max: 10_000, default: 0, description: 'index of the release the base volume holds (0: the first pinned)' },
  cacheDir: { type: 'string', default: '', description: 'release cache (default: $DELTABENCH_RELEASE_CACHE, else ~/.cache/deltabench/releases)' },
  offline: { type: 'boolean', default: false, description: 'never fetch: use the cache only and say what is missing' },
  dir: { type: 'string', default: '', description: 'your own series: every file in this directory in version order of names (.tgz/.gz gunzipped)' },
  sector: { type: 'size', min: 1, max: 1 << 30, default: 512, description: 'granularity of the synthesised write trace (512: a tar block)' },
})
export type ReleaseSeriesOptions = OptionsOf<typeof OPTIONS>

/** Names in version order: 1.2.10 after 1.2.9 (numeric collation, one fixed locale for every machine). */
const byVersion = new Intl.Collator('en', { numeric: true }).compare

/** One release: a label for messages and a way to load its volume bytes. */
interface Release {
  label: string
  load(): Uint8Array
}

function localSeries(dir: string): Release[] {
  return readdirSync(dir)
    .filter((f) => statSync(join(dir, f)).isFile())
    .sort(byVersion)
    .map((f) => ({
      label: f,
      load() {
        const bytes = readFileSync(join(dir, f))
        return /\.(tgz|gz)$/.test(f) ? gunzipSync(bytes) : new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length)
      },
    }))
}

/** The releases a run uses, from `from` to `from + epochs`; checks there are enough of them. */
function pick(o: ReleaseSeriesOptions, epochs: number): { pkg: string; releases: PinnedRelease[] } | { local: Release[] } {
  checkOptions(NAME, OPTIONS, o)
  const want = o.from + epochs + 1
  if (o.dir) {
    if (!existsSync(o.dir) || !statSync(o.dir).isDirectory()) throw new ConfigError(`${NAME}.dir ${o.dir}: no such directory`)
    const all = localSeries(o.dir)
    if (all.length < want) throw new ConfigError(`${NAME}.dir ${o.dir} holds ${all.length} files; from=${o.from} and --epochs ${epochs} need ${want} (one per epoch plus the base)`)
    return { local: all.slice(o.from, want) }
  }
  const s = findSeries(o.package)
  if (!s) throw new ConfigError(`${NAME}.package "${o.package}" is not pinned; choose one of ${PINNED_SERIES.map((x) => x.name).join(', ')}, or give your own series with --opt ${NAME}.dir=<directory>`)
  if (s.releases.length < want) throw new ConfigError(`${NAME}: ${s.name} has ${s.releases.length} pinned releases; from=${o.from} and --epochs ${epochs} need ${want}. Lower --epochs to at most ${s.releases.length - 1 - o.from}.`)
  return { pkg: s.name, releases: s.releases.slice(o.from, want) }
}

/**
 * Successive releases of real software as a series of volumes: each volume is the uncompressed tar of
 * one npm release (what `npm pack` fetches, gunzipped), the next epoch's volume the next release. This
 * is the data the rsync technical report measured (successive source tarballs). There is no write trace
 * for a release, so trackers get one synthesised from the byte difference (rows say trace=synthesised)
 * and there is no oracle bound. The seed, --size and --content do not apply: the bytes are the releases'.
 */
export const releaseSeries: Workload<ReleaseSeriesOptions> = {
  name: NAME,
  summary: 'successive npm releases as uncompressed tars (fetched once, integrity-checked, cached); synthesised trace, no oracle',
  options: OPTIONS,
  sizedByData: true,
  hasWriteTrace: true,
  trace: 'synthesised',
  validate(o, run) {
    const p = pick(o, run.epochs)
    if ('pkg' in p) ensureReleases(p.pkg, p.releases, { dir: releaseCacheDir(o.cacheDir), offline: o.offline })
  },
  create(params, o) {
    releaseSeries.validate!(o, params)
    const p = pick(o, params.epochs)
    const dir = releaseCacheDir(o.cacheDir)
    const releases: Release[] = 'local' in p ? p.local : p.releases.map((r) => ({ label: `${p.pkg}@${r.version}`, load: () => loadRelease(p.pkg, r, dir) }))
    return {
      epochs: params.epochs,
      base: () => new MemoryVolume(releases[0]!.load()),
      epoch(index, source) {
        const r = releases[index]!
        const next = r.load()
        const mutations = sectorDiff(source, next, o.sector)
        // The synthesised trace must rebuild the release exactly.
        const replay = new MemoryVolume(source.read(0, source.size))
        for (const m of mutations) applyMutation(replay, m, NO_OBSERVER, NAME)
        const diff = firstDifference(replay, new MemoryVolume(next))
        if (diff >= 0) throw new WorkloadError(NAME, `the trace synthesised for ${r.label} differs from it at byte ${diff}`)
        return mutations
      },
    }
  },
}
