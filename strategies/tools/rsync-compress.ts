/**
 * rsync's own compression of its protocol stream (`--compress --compress-choice=C --compress-level=L`) as
 * options of the rsync baseline: the codecs and their real level ranges, what the installed rsync
 * supports (its `--version` "Compress list"), the client flags, and the server options they turn into.
 */
import { spawnSync } from 'node:child_process'
import { ConfigError } from '../../core/errors.ts'

/** Every choice rsync 3.2+ knows; the installed one may have been built without some (checked below). */
export const RSYNC_COMPRESS_CHOICES = ['none', 'zlib', 'zlibx', 'zstd', 'lz4'] as const
export type RsyncCompress = (typeof RSYNC_COMPRESS_CHOICES)[number]

/**
 * Levels each codec takes. rsync itself clamps an out-of-range level silently (compat.c
 * init_compression_level); we refuse it instead, so a row never claims a level that did not run.
 * zlib/zlibx: deflate 1-9; zstd: 1 to ZSTD_maxCLevel() = 22 (negative levels only with --skip-compress
 * rules, not used here); lz4 and none take no level.
 */
export const RSYNC_COMPRESS_LEVELS: Record<RsyncCompress, { min: number; max: number; default: number } | undefined> = {
  none: undefined,
  zlib: { min: 1, max: 9, default: 6 },
  zlibx: { min: 1, max: 9, default: 6 },
  zstd: { min: 1, max: 22, default: 3 },
  lz4: undefined,
}

export const RSYNC_COMPRESS_OPTIONS = {
  compress: {
    type: 'enum',
    choices: RSYNC_COMPRESS_CHOICES,
    default: 'none',
    description:
      "rsync's own compression (--compress --compress-choice): zlib (matched data fed into the compressor's history), zlibx (literals only), zstd, lz4, or none; the installed rsync's --version lists what it supports",
  },
  compressLevel: {
    type: 'number',
    integer: true,
    min: 1,
    max: 22,
    words: ['default'],
    default: 'default',
    description: "rsync's --compress-level: zlib and zlibx 1-9 (default 6), zstd 1-22 (default 3); lz4 and none take none; default = the codec's own",
  },
} as const

interface CompressOptions {
  compress: RsyncCompress
  compressLevel: number | 'default'
}

let probed: readonly string[] | null | undefined

/** The choices in the installed rsync's "Compress list" (null when rsync is missing or says none). */
export function supportedCompressChoices(): readonly string[] | null {
  if (probed !== undefined) return probed
  const r = spawnSync('rsync', ['--version'], { encoding: 'utf8', timeout: 5000, stdio: ['ignore', 'pipe', 'ignore'] })
  // The list is on the line after "Compress list:" (rsync 3.2+), e.g. "    zstd lz4 zlibx zlib none".
  const m = r.status === 0 ? /Compress list:\s*\n\s*([^\n]+)/.exec(r.stdout) : null
  probed = m ? m[1]!.trim().split(/\s+/) : null
  return probed
}

/** Refuses a choice this rsync lacks and a level its codec does not take, each with the fix. */
export function checkCompressOptions(owner: string, o: CompressOptions, supported = supportedCompressChoices()): void {
  // An rsync older than 3.2 has no list: it only knows zlib (-z), so only none and zlib can run.
  const have = supported ?? ['zlib', 'none']
  if (!have.includes(o.compress)) {
    throw new ConfigError(`${owner}.compress ${o.compress}: this rsync supports ${have.join(', ')} (rsync --version, "Compress list"): e.g. --opt ${owner}.compress=${have[0]}`)
  }
  if (o.compressLevel === 'default') return
  const range = RSYNC_COMPRESS_LEVELS[o.compress]
  if (!range) throw new ConfigError(`${owner}.compressLevel ${o.compressLevel}: compress ${o.compress} takes no level; drop it or use --opt ${owner}.compressLevel=default`)
  if (o.compressLevel < range.min || o.compressLevel > range.max) {
    throw new ConfigError(`${owner}.compressLevel ${o.compressLevel}: ${o.compress} levels run from ${range.min} to ${range.max} (rsync would clamp it silently): e.g. --opt ${owner}.compressLevel=${range.max}`)
  }
}

/** The client's flags for these options (none for compress none: rsync's default stream). */
export function compressFlags(o: CompressOptions): string[] {
  if (o.compress === 'none') return []
  const level = o.compressLevel === 'default' ? [] : [`--compress-level=${o.compressLevel}`]
  return ['--compress', `--compress-choice=${o.compress}`, ...level]
}

/**
 * Server options a client with these flags puts on the server's command line (rsync 3.2+): a level, the
 * choice, or zlib's and zlibx's own spellings. Anything else compression-like is refused by the receiver.
 */
export function isCompressServerOption(arg: string): boolean {
  if (arg === '--old-compress' || arg === '--new-compress') return true // zlib and zlibx, as rsync spells them to a server
  if (/^--compress-level=-?\d{1,7}$/.test(arg)) return true
  const choice = /^--compress-choice=([a-z0-9]+)$/.exec(arg)
  return choice !== null && (RSYNC_COMPRESS_CHOICES as readonly string[]).includes(choice[1]!)
}
