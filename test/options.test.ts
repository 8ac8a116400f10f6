import { describe, expect, it } from 'vitest'
import { ConfigError } from '../core/errors.ts'
import { acceptedText, checkOptions, coerceOption, defaultOptions, defaultsOf, defineOptions, type OptionSchema } from '../core/options.ts'
import { resolveRun } from '../harness/config.ts'
import { STRATEGIES } from '../strategies/index.ts'
import { createStrongHasher, MAX_DIGEST_BYTES, STRONG_HASHES, strongHasherFor } from '../strategies/shared/strong-hash.ts'
import { WORKLOADS } from '../workloads/index.ts'
import { quickRun } from './helpers.ts'

/** Every default as it was declared by hand before the schemas: deriving them must not move one. */
const DECLARED_DEFAULTS: Record<string, Record<string, unknown>> = {
  'whole-file': { blockSize: 1 << 20, verify: 'none' },
  'fixed-block-compare': { blockSize: 4096, hash: 'xxh128', strongBytes: 16, verify: 'none' },
  'changed-block-bitmap': { blockSize: 4096, selfVerify: false },
  'journal-replay': { blockSize: 4096, byteExact: false, coalesce: true, selfVerify: false },
  'snapshot-diff': { blockSize: 4096, hash: 'xxh128', dedup: true, selfVerify: false },
  'rsync-rolling': { blockSize: 4096, blockRule: 'fixed', weakSum: 'rsync', hash: 'xxh128', strongBytes: 'auto', maxCandidates: 1024, cache: true },
  'rsync-context': { blockSize: 4096, blockRule: 'fixed', weakSum: 'rsync', hash: 'xxh128', strongBytes: 'auto', maxCandidates: 1024, cache: true, codec: 'zstd', zstdLevel: 19, xdelta3Level: 9 },
  'rsync-rounds': { blockSize: 8192, ladder: '8192,2048,512', edges: 'auto', falseMatchBits: 20, codec: 'zstd', zstdLevel: 19, xdelta3Level: 9, direction: 'receiver-first', verify: 'gap' },
  casync: { blockSize: 65536, min: 0, max: 0, compression: 'zstd', digest: 'sha512-256' },
  zsync: { blockSize: 4096 },
  'cdc-index': { blockSize: 16384, chunker: 'v2020', min: 'auto', max: 'auto', normalization: 1, hashBytes: 'auto', compression: 'none', cache: true },
  'cdc-reverse': { blockSize: 16384, chunker: 'v2020', min: 'auto', max: 'auto', normalization: 1, hashBytes: 'auto', compression: 'none', cache: true },
  rdiff: { blockSize: 4096, blockRule: 'fixed', strongBytes: 0, hash: 'blake2', rollsum: 'rabinkarp' },
  rsync: { blockSize: 4096, blockRule: 'fixed', compress: 'none', compressLevel: 'default' },
  xdelta3: { blockSize: 4096, level: 3, sourceWindow: 0 },
  'zstd-patch': { blockSize: 4096, level: 3 },
  'random-overwrite': { writes: 64, minLength: 64, maxLength: 65536, alignedShare: 0.5, alignment: 4096 },
  'insert-delete': { edits: 16, minLength: 1, maxLength: 1000, insertShare: 0.5 },
  append: { share: 0.05, minBytes: 65536 },
  'hot-spot': { writes: 512, region: 4096, skew: 1.1, maxLength: 4096 },
  resize: { share: 0.25, writes: 4 },
  'file-pair': { base: '', target: '' },
  'sqlite-oltp': { pageSize: 4096, rowSize: 256, transactions: 100, tables: 4, statements: 5, vacuumEvery: 3 },
  'release-series': { package: 'commander', from: 0, cacheDir: '', offline: false, dir: '', sector: 512 },
  'block-trace': { path: '', format: 'auto', disk: -1, cutBy: 'writes', epochWrites: 0, epochSeconds: 0, limit: 0, maxSize: 1 << 30, fold: false },
  'collision-flood': { blockSize: 4096, share: 0.02, perturbations: 4 },
}

const owners = [...STRATEGIES, ...WORKLOADS]
const find = (name: string) => owners.find((x) => x.name === name)!
const coerce = (owner: string, key: string, value: unknown) => coerceOption(owner, find(owner).options as OptionSchema, key, value)

/** The ConfigError message `run` throws (a failure if it throws none, or another kind). */
function refusal(run: () => unknown): string {
  try {
    run()
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError)
    return (err as Error).message
  }
  throw new Error('expected a ConfigError, got none')
}

describe('option schemas', () => {
  it('derive the defaults every strategy and workload declared, each within its own range', () => {
    expect(owners.map((x) => x.name).sort()).toEqual(Object.keys(DECLARED_DEFAULTS).sort())
    for (const x of owners) {
      expect(defaultOptions(x), x.name).toEqual(DECLARED_DEFAULTS[x.name])
      expect(() => checkOptions(x.name, x.options as OptionSchema, defaultOptions(x)), x.name).not.toThrow()
    }
  })

  it('refuse a value out of range with owner.key, the accepted range and a fix', () => {
    expect(refusal(() => coerce('fixed-block-compare', 'strongBytes', '0'))).toBe(
      'config: fixed-block-compare.strongBytes must be a whole number from 4 to 64, got 0: e.g. --opt fixed-block-compare.strongBytes=16',
    )
    expect(refusal(() => coerce('zstd-patch', 'level', 20))).toBe('config: zstd-patch.level must be a whole number from 1 to 19, got 20: e.g. --opt zstd-patch.level=3')
    expect(refusal(() => coerce('insert-delete', 'insertShare', '1.5'))).toMatch(/insert-delete\.insertShare must be a number from 0 to 1, got 1\.5: e\.g\. --opt insert-delete\.insertShare=0\.5$/)
    expect(refusal(() => coerce('whole-file', 'blockSize', '2GiB'))).toMatch(/whole-file\.blockSize must be a size from 1 B to 1 GiB, got 2147483648: e\.g\. --opt whole-file\.blockSize=1MiB$/)
    expect(refusal(() => coerce('block-trace', 'maxSize', '1KiB'))).toMatch(/block-trace\.maxSize must be a size from 4 KiB to 1024 GiB, got 1024/)
    expect(refusal(() => coerce('hot-spot', 'writes', -1))).toMatch(/hot-spot\.writes must be a whole number from 0 to 1000000, got -1/)
    // Through the config too, before anything runs.
    expect(refusal(() => resolveRun({ strategies: ['rsync-rolling'], overrides: { 'rsync-rolling': { maxCandidates: '0' } } }))).toMatch(
      /rsync-rolling\.maxCandidates must be a whole number from 1 to 2147483648, got 0: e\.g\. --opt rsync-rolling\.maxCandidates=1024/,
    )
  })

  it('refuse a fractional count', () => {
    expect(refusal(() => coerce('insert-delete', 'edits', '2.5'))).toBe('config: insert-delete.edits must be a whole number from 0 to 1000000, got 2.5: e.g. --opt insert-delete.edits=16')
    expect(refusal(() => coerce('sqlite-oltp', 'tables', 1.5))).toMatch(/sqlite-oltp\.tables must be a whole number from 1 to 64, got 1\.5/)
    expect(refusal(() => coerce('collision-flood', 'blockSize', 4096.5))).toMatch(/collision-flood\.blockSize must be a size from 1 B to 1 GiB, got 4096\.5: e\.g\. --opt collision-flood\.blockSize=4KiB/)
  })

  it('refuse a wrong type, saying what to write instead', () => {
    expect(refusal(() => coerce('insert-delete', 'edits', 'many'))).toBe('config: insert-delete.edits must be a whole number from 0 to 1000000, got "many": e.g. --opt insert-delete.edits=16')
    expect(refusal(() => coerce('insert-delete', 'edits', ' '))).toMatch(/got " "/)
    expect(refusal(() => coerce('insert-delete', 'edits', true))).toMatch(/must be a whole number from 0 to 1000000, got true/)
    expect(refusal(() => coerce('journal-replay', 'selfVerify', 'maybe'))).toBe('config: journal-replay.selfVerify must be true or false, got "maybe": e.g. --opt journal-replay.selfVerify=false')
    expect(refusal(() => coerce('random-overwrite', 'alignment', 'big'))).toMatch(/random-overwrite\.alignment "big" is not a size; write e\.g\. 4096, 4KiB/)
    expect(refusal(() => coerce('rsync-rolling', 'strongBytes', 'most'))).toMatch(/rsync-rolling\.strongBytes must be a whole number from 1 to 64, or auto, got "most": e\.g\. --opt rsync-rolling\.strongBytes=auto/)
    expect(refusal(() => coerce('journal-replay', 'colour', 'red'))).toMatch(/journal-replay has no option "colour"; it has blockSize, byteExact, coalesce, selfVerify/)
  })

  it('an enum lists its choices', () => {
    expect(refusal(() => coerce('rsync-rolling', 'weakSum', 'adler'))).toBe(
      'config: rsync-rolling.weakSum must be one of rsync, rollsum, rabin-karp, got "adler": e.g. --opt rsync-rolling.weakSum=rsync',
    )
    expect(acceptedText(find('fixed-block-compare').options.hash!)).toBe(`one of ${STRONG_HASHES.join(', ')}`)
  })

  it('coerce what a command line gives to the declared type', () => {
    expect(coerce('random-overwrite', 'alignment', '4KiB')).toBe(4096)
    expect(coerce('random-overwrite', 'alignment', 512)).toBe(512)
    expect(coerce('rsync-rolling', 'strongBytes', 'auto')).toBe('auto')
    expect(coerce('rsync-rolling', 'strongBytes', '8')).toBe(8)
    expect(coerce('rdiff', 'strongBytes', '-1')).toBe(-1)
    expect(coerce('journal-replay', 'selfVerify', 'on')).toBe(true)
    expect(coerce('journal-replay', 'coalesce', '0')).toBe(false)
    expect(coerce('block-trace', 'epochSeconds', '0.5')).toBe(0.5)
    expect(coerce('file-pair', 'base', 'old.img')).toBe('old.img')
  })

  it('check values at run time too, where a strategy or workload is driven without the config', async () => {
    const [row] = await quickRun({ strategy: 'rsync-rolling', workload: 'random-overwrite', blockSize: 4096, size: 64 << 10, epochs: 1, strategyOptions: { maxCandidates: 0 } })
    expect(row!.error).toMatch(/rsync-rolling\.maxCandidates must be a whole number from 1 to 2147483648, got 0/)
    const sqlite = WORKLOADS.find((w) => w.name === 'sqlite-oltp')!
    expect(refusal(() => sqlite.validate!({ ...defaultOptions(sqlite), statements: 0 }, { epochs: 1, size: 0 }))).toMatch(/sqlite-oltp\.statements must be a whole number from 1 to 10000, got 0/)
    expect(refusal(() => checkOptions('xdelta3', find('xdelta3').options as OptionSchema, { ...defaultOptions(find('xdelta3')), level: 12 }))).toMatch(/xdelta3\.level must be a whole number from 0 to 9, got 12/)
  })

  it('derive the options type and the defaults from one declaration', () => {
    const schema = defineOptions({
      rule: { type: 'enum', choices: ['fixed', 'auto'], default: 'fixed', description: 'a rule' },
      count: { type: 'number', integer: true, min: 1, default: 3, description: 'a count' },
      bytes: { type: 'number', words: ['auto'], default: 'auto', description: 'bytes or auto' },
    })
    const d = defaultsOf(schema)
    // The enum's choices are the type: 'other' would not compile here.
    const rule: 'fixed' | 'auto' = d.rule
    const bytes: number | 'auto' = d.bytes
    expect([rule, d.count, bytes]).toEqual(['fixed', 3, 'auto'])
  })

  it('bound strongBytes by the longest digest of any strong hash', async () => {
    const lengths = await Promise.all(STRONG_HASHES.map(async (h) => (await createStrongHasher(h)).digestLength))
    expect(Math.max(...lengths)).toBe(MAX_DIGEST_BYTES)
  })

  it('hold strongBytes to the chosen hash\'s digest, which no declared range can know', async () => {
    await expect(strongHasherFor('fixed-block-compare', { hash: 'md5', strongBytes: 17 })).rejects.toThrow(
      "fixed-block-compare: strongBytes 17 is longer than md5's 16-byte digest; use at most 16 (e.g. --opt fixed-block-compare.strongBytes=16), or a longer hash",
    )
    await expect(strongHasherFor('fixed-block-compare', { hash: 'md5', strongBytes: 17 })).rejects.toBeInstanceOf(ConfigError)
    expect((await strongHasherFor('rsync-rolling', { hash: 'md5', strongBytes: 16 })).digestLength).toBe(16)
    expect((await strongHasherFor('rsync-rolling', { hash: 'sha1', strongBytes: 'auto' })).digestLength).toBe(20)
  })
})
