/**
 * casync's chunker, cut for cut against the real casync: `casync make` chunks real files into a
 * .caibx index whose chunk end offsets must be our cut points. Skips with the apt-get line when casync
 * is missing (.ci/run installs it).
 */
import { execFileSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { ConfigError } from '../core/errors.ts'
import { findOnPath } from '../core/find-on-path.ts'
import { Rng } from '../core/seeded-random.ts'
import { CasyncChunker, casyncDiscriminator } from '../strategies/cdc/casync-chunker.ts'
import { CASYNC_BUZHASH_TABLE } from '../strategies/cdc/casync-buzhash-table.ts'
import { readCaibx } from '../strategies/cdc/caibx.ts'
import { chunkAll } from '../strategies/cdc/chunker.ts'

const casync = findOnPath('casync')
const missing = 'casync not found on PATH: install with `apt-get install casync`'

describe('casync chunker: rules', () => {
  it('uses casync\'s discriminator (64 KiB → 49,535, as casync\'s own comment works out) clamped to [min, max]', () => {
    expect(casyncDiscriminator(16384, 65536, 262144)).toBe(49535)
    expect(casyncDiscriminator(60000, 65536, 262144)).toBe(60000)
  })

  it('never cuts a chunk under min (but the last) or over max, and its lengths add up', () => {
    const data = new Rng('casync-bounds').bytes(3 << 20)
    data.fill(7, 1 << 20, 2 << 20)
    const { lengths } = chunkAll(new CasyncChunker('casync', { min: 2048, avg: 8192, max: 32768 }), data)
    expect(lengths.reduce((s, n) => s + n, 0)).toBe(data.length)
    expect(Math.min(...lengths.slice(0, -1))).toBeGreaterThanOrEqual(2048)
    expect(Math.max(...lengths)).toBe(32768)
  })

  it('refuses min > avg or avg > max with a ConfigError', () => {
    expect(() => new CasyncChunker('casync', { min: 9000, avg: 8192, max: 32768 })).toThrow(ConfigError)
    expect(() => new CasyncChunker('casync', { min: 2048, avg: 8192, max: 4096 })).toThrow(ConfigError)
    expect(() => new CasyncChunker('casync', { min: 0, avg: 8192, max: 32768 })).toThrow(ConfigError)
  })
})

describe.skipIf(!casync)(`casync chunker: parity with the real casync${casync ? '' : ` (skipped: ${missing})`}`, () => {
  const dir = mkdtempSync(join(tmpdir(), 'deltabench-casync-test-'))
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it('holds casync\'s buzhash table (the one inside the installed binary)', () => {
    const bin = readFileSync(casync!)
    const table = Buffer.from(CASYNC_BUZHASH_TABLE.buffer)
    expect(bin.indexOf(table)).toBeGreaterThan(0)
  })

  const random = join(dir, 'random.bin')
  writeFileSync(random, new Rng('casync-parity').bytes(3 << 20))
  const files = [random, '/usr/bin/casync', '/usr/bin/perl', '/usr/lib/x86_64-linux-gnu/libc.so.6', '/bin/bash'].filter((f) => existsSync(f))
  const sizes = [
    [4096, 16384, 65536],
    [16384, 65536, 262144],
    [1024, 4096, 16384],
  ] as const

  it('has at least three real files to compare on', () => expect(files.length).toBeGreaterThanOrEqual(3))

  for (const [min, avg, max] of sizes) {
    it(`cuts where casync make does, min ${min} avg ${avg} max ${max}`, () => {
      for (const file of files) {
        const index = join(dir, `${file.replaceAll('/', '_')}-${avg}.caibx`)
        execFileSync(casync!, ['make', `--store=${join(dir, 'store')}`, `--chunk-size=${min}:${avg}:${max}`, index, file], { stdio: 'pipe' })
        const theirs = readCaibx(readFileSync(index))
        expect([theirs.min, theirs.avg, theirs.max]).toEqual([min, avg, max])
        const { lengths } = chunkAll(new CasyncChunker('casync', { min, avg, max }), readFileSync(file))
        let end = 0
        const ours = lengths.map((n) => (end += n))
        expect(ours.length, file).toBeGreaterThan(2)
        expect(ours, file).toEqual(theirs.ends)
      }
    })
  }
})
