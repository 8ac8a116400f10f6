/**
 * rsync's own compression modes as options of the rsync baseline: each mode this rsync supports comes out
 * byte-exact through the metered channel; zlib, which feeds matched data into the compressor's history,
 * sends fewer bytes than no compression and than zlibx on compressible literals; the level reaches rsync;
 * choices this rsync lacks and levels a codec does not take are refused before anything runs.
 */
import { beforeAll, describe, expect, it } from 'vitest'
import { ConfigError } from '../core/errors.ts'
import type { ResultRow } from '../core/result-row.ts'
import { resolveRun } from '../harness/config.ts'
import { missingTools } from '../strategies/tools/child-tool.ts'
import { checkCompressOptions, compressFlags, isCompressServerOption, supportedCompressChoices } from '../strategies/tools/rsync-compress.ts'
import { quickRun } from './helpers.ts'

const rsyncMissing = missingTools('rsync compression', [{ cmd: 'rsync', apt: 'rsync' }])
const MODES = ['none', 'zlib', 'zlibx', 'zstd', 'lz4'] as const

/** One text volume of 1 MiB with scattered inserts and deletes: literals that resemble matched data. */
const run = (compress: string, compressLevel: number | 'default' = 'default') =>
  quickRun({ strategy: 'rsync', workload: 'insert-delete', blockSize: 1024, size: 1 << 20, epochs: 2, seed: '1', content: 'text', strategyOptions: { compress, compressLevel } })
const total = (rows: ResultRow[]) => rows.reduce((s, r) => s + r.bytes_total, 0)

describe.skipIf(rsyncMissing)(`rsync compression modes${rsyncMissing ? ` (skipped: ${rsyncMissing})` : ''}`, () => {
  const supported = rsyncMissing ? [] : MODES.filter((m) => supportedCompressChoices()?.includes(m) ?? (m === 'zlib' || m === 'none'))
  const rows = new Map<string, ResultRow[]>()
  beforeAll(async () => {
    for (const m of supported) rows.set(m, await run(m))
  }, 240_000)

  it.each(supported)('compress %s: byte-exact, its stream through the channel', (mode) => {
    for (const r of rows.get(mode)!) {
      expect(r.error ?? '', mode).toBe('')
      expect(r.correct, mode).toBe(true)
      expect(JSON.parse(r.strategy_options).compress).toBe(mode)
      expect(r.bytes_down).toBeGreaterThan(0)
    }
  })

  it('zlib (matched data in the history) sends fewer bytes than none, and than zlibx, on text literals', () => {
    const none = total(rows.get('none')!)
    const zlib = total(rows.get('zlib')!)
    // rsync's Literal data is before compression: the same edits, so the same literals, in every mode.
    expect(rows.get('zlib')!.map((r) => r.literal_data)).toEqual(rows.get('none')!.map((r) => r.literal_data))
    expect(zlib).toBeLessThan(0.6 * none)
    if (rows.has('zlibx')) expect(zlib).toBeLessThan(total(rows.get('zlibx')!))
  })

  it('the level reaches rsync: zlib -9 sends fewer bytes than zlib -1', async () => {
    const [fast, best] = [total(await run('zlib', 1)), total(await run('zlib', 9))]
    expect(best).toBeLessThan(fast)
  }, 120_000)

  it('a level its codec does not take is refused before the run', () => {
    expect(() => resolveRun({ strategies: ['rsync'], overrides: { rsync: { compress: 'zlib', compressLevel: '10' } } })).toThrow(/rsync\.compressLevel 10: zlib levels run from 1 to 9/)
    expect(() => resolveRun({ strategies: ['rsync'], overrides: { rsync: { compress: 'zstd', compressLevel: '19' } } })).not.toThrow()
  })
})

describe('rsync compression options', () => {
  it('refuses a choice the installed rsync lacks, naming the ones it has', () => {
    const o = { compress: 'lz4', compressLevel: 'default' } as const
    expect(() => checkCompressOptions('rsync', o, ['zstd', 'zlib', 'none'])).toThrow(ConfigError)
    expect(() => checkCompressOptions('rsync', o, ['zstd', 'zlib', 'none'])).toThrow('rsync.compress lz4: this rsync supports zstd, zlib, none')
    // An rsync before 3.2 prints no list: only zlib (-z) and none can run.
    expect(() => checkCompressOptions('rsync', { compress: 'zstd', compressLevel: 'default' }, null)).toThrow(/supports zlib, none/)
    expect(() => checkCompressOptions('rsync', { compress: 'zlib', compressLevel: 9 }, null)).not.toThrow()
  })

  it('refuses a level outside its codec range, and a level for a codec that takes none', () => {
    const all = [...MODES]
    const check = (compress: (typeof MODES)[number], compressLevel: number | 'default') => () => checkCompressOptions('rsync', { compress, compressLevel }, all)
    expect(check('zlibx', 10)).toThrow(/zlibx levels run from 1 to 9/)
    expect(check('zstd', 22)).not.toThrow()
    expect(check('lz4', 1)).toThrow(/compress lz4 takes no level/)
    expect(check('none', 3)).toThrow(/compress none takes no level/)
    expect(check('lz4', 'default')).not.toThrow()
  })

  it('the schema refuses what no rsync knows, and a level beyond any codec', () => {
    expect(() => resolveRun({ strategies: ['rsync'], overrides: { rsync: { compress: 'brotli' } } })).toThrow(/rsync\.compress must be one of none, zlib, zlibx, zstd, lz4/)
    expect(() => resolveRun({ strategies: ['rsync'], overrides: { rsync: { compressLevel: '23' } } })).toThrow(/rsync\.compressLevel must be a whole number from 1 to 22, or default/)
  })

  it('client flags, and the server options the receiver accepts for them', () => {
    expect(compressFlags({ compress: 'none', compressLevel: 'default' })).toEqual([])
    expect(compressFlags({ compress: 'zstd', compressLevel: 19 })).toEqual(['--compress', '--compress-choice=zstd', '--compress-level=19'])
    for (const a of ['--old-compress', '--new-compress', '--compress-level=19', '--compress-choice=lz4']) expect(isCompressServerOption(a), a).toBe(true)
    for (const a of ['--compress-choice=../x', '--compress-level=9;rm', '--compress-choice=brotli', '--rsync-path=x']) expect(isCompressServerOption(a), a).toBe(false)
  })
})
