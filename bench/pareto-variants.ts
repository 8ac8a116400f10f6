/**
 * The variants bench/pareto.ts runs, one `deltabench run` each: a strategy, its block sizes, its options
 * and the channel's compression, written `name[@blocks][:key=value,…][+channel]`, e.g.
 * `rsync@700:compress=zstd,compressLevel=22` or `rsync-rolling@512,2048+zstd:19`; a list joins them by `;`.
 */
import { ConfigError } from '../core/errors.ts'

export interface Variant {
  /** As written: names the variant's run folder and its log lines. */
  text: string
  strategy: string
  /** Empty: the run's default (a strategy that ignores the block size runs once anyway). */
  blockSizes: string[]
  options: [string, string][]
  /** The channel's --compress, or none. */
  channel: string
}

/** The list: rsync at 700 B in every compression mode at its best level, our strategies, the local deltas. */
export const DEFAULT_VARIANTS = [
  'rsync@700',
  'rsync@700:compress=zlib,compressLevel=9',
  'rsync@700:compress=zlibx,compressLevel=9',
  'rsync@700:compress=zstd,compressLevel=22',
  'rsync@700:compress=lz4',
  'rsync-rolling@512,2048',
  'rsync-rolling@512,2048+zstd:19',
  'rsync-context@512,2048',
  'rdiff@512,2048',
  'xdelta3:level=9',
  'zstd-patch:level=19',
].join(';')

const SHAPE = /^([a-z0-9][a-z0-9-]*)(?:@([^:+]+))?(?::([^+]+))?(?:\+(.+))?$/

/** Parses a `;`-separated list; a malformed item is refused with the form it should take. */
export function parseVariants(list: string): Variant[] {
  const items = list.split(';').map((s) => s.trim()).filter((s) => s !== '')
  if (items.length === 0) throw new ConfigError('bench:pareto: no variants given, e.g. --variants "rsync@700;xdelta3:level=9"')
  return items.map((text) => {
    const m = SHAPE.exec(text)
    if (!m) throw new ConfigError(`bench:pareto: variant "${text}" must read name[@blocks][:key=value,…][+channel], e.g. rsync-rolling@512,2048+zstd:19`)
    const options = (m[3] ?? '').split(',').filter((s) => s !== '').map((kv): [string, string] => {
      const eq = kv.indexOf('=')
      if (eq <= 0) throw new ConfigError(`bench:pareto: option "${kv}" in "${text}" must read key=value, e.g. compress=zstd`)
      return [kv.slice(0, eq), kv.slice(eq + 1)]
    })
    return { text, strategy: m[1]!, blockSizes: m[2] ? m[2].split(',') : [], options, channel: m[4] ?? 'none' }
  })
}

/** The `deltabench run` flags of one variant (the workload flags and --out come from the caller). */
export function variantFlags(v: Variant): string[] {
  return [
    '--strategies', v.strategy,
    ...(v.blockSizes.length ? ['--block-sizes', v.blockSizes.join(',')] : []),
    ...v.options.flatMap(([k, value]) => ['--opt', `${v.strategy}.${k}=${value}`]),
    '--compress', v.channel,
  ]
}

/** A folder name for the variant's run: its place in the list and its text, made safe. */
export function variantFolder(v: Variant, index: number): string {
  return `${String(index + 1).padStart(2, '0')}-${v.text.replace(/[^A-Za-z0-9._-]+/g, '_')}`.slice(0, 100)
}
