/**
 * Issue 17 item 7: every strategy's and workload's numeric option has a real range in its schema, and a
 * value outside it (or a combination the schema cannot hold) is refused before anything runs or is written.
 * Generic over the registries: a new option without a range fails here.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { ConfigError } from '../core/errors.ts'
import { coerceOption, type NumberOption, type OptionSchema } from '../core/options.ts'
import { resolveRun, type RunRequest } from '../harness/config.ts'
import { STRATEGIES } from '../strategies/index.ts'
import { createStrongHasher, DIGEST_BYTES, STRONG_HASHES } from '../strategies/shared/strong-hash.ts'
import { WORKLOADS } from '../workloads/index.ts'
import { cli } from './cli-in-process.ts'

const owners = [...STRATEGIES.map((s) => ({ kind: 'strategy' as const, name: s.name, options: s.options as OptionSchema })), ...WORKLOADS.map((w) => ({ kind: 'workload' as const, name: w.name, options: w.options as OptionSchema }))]
const numeric = owners.flatMap((o) => Object.entries(o.options).filter(([, spec]) => spec.type === 'number' || spec.type === 'size').map(([key, spec]) => ({ ...o, key, spec: spec as NumberOption })))

/** The request that puts one option of one owner into a run (a strategy on random-overwrite, a workload with whole-file). */
function requestWith(o: (typeof numeric)[number], value: string | number): RunRequest {
  const base: RunRequest = { strategies: [o.kind === 'strategy' ? o.name : 'whole-file'], workloads: [o.kind === 'workload' ? o.name : 'random-overwrite'], size: '1MiB', epochs: 1, seeds: ['1'], blockSizes: [4096] }
  return { ...base, overrides: { [o.name]: { [o.key]: value } } }
}

function refusal(f: () => unknown): string {
  try {
    f()
  } catch (err) {
    if (err instanceof ConfigError) return err.message
    throw err
  }
  return 'accepted'
}

describe('every numeric option has a real range (item 7)', () => {
  it.each(numeric.map((n) => [`${n.name}.${n.key}`, n] as const))('%s declares finite bounds that hold its default', (_, n) => {
    const min = n.spec.min ?? (n.spec.type === 'size' ? 0 : undefined)
    expect(Number.isFinite(min), 'a declared min').toBe(true)
    expect(Number.isFinite(n.spec.max), 'a declared max').toBe(true)
    expect(() => coerceOption(n.name, n.options, n.key, min)).not.toThrow()
    expect(() => coerceOption(n.name, n.options, n.key, n.spec.max)).not.toThrow()
    if (typeof n.spec.default === 'number') expect(n.spec.default).toBeGreaterThanOrEqual(min!)
  })

  it.each(numeric.map((n) => [`${n.name}.${n.key}`, n] as const))('%s: below its min and above its max are refused before the run', (_, n) => {
    const min = n.spec.min ?? 0
    for (const bad of [min - 1, n.spec.max! + 1]) {
      // blockSize is the sweep's (--block-sizes); --opt X.blockSize is refused whatever its value.
      expect(refusal(() => resolveRun(requestWith(n, String(bad)))), `${n.name}.${n.key}=${bad}`).toMatch(n.kind === 'strategy' && n.key === 'blockSize' ? /--block-sizes/ : new RegExp(`${n.name}\\.${n.key} (must be|"-1" is not a size)`))
      expect(refusal(() => coerceOption(n.name, n.options, n.key, String(bad)))).toMatch(/must be|is not a size/)
    }
  })
})

describe('combinations a range cannot hold, refused before the run (item 7)', () => {
  const run = (name: string, workload: string, opts: Record<string, string>, extra: RunRequest = {}) =>
    refusal(() => resolveRun({ strategies: [STRATEGIES.some((s) => s.name === name) ? name : 'whole-file'], workloads: [workload], size: '1MiB', epochs: 1, seeds: ['1'], blockSizes: [4096], overrides: { [name]: opts }, ...extra }))

  it('a strongBytes longer than the hash digest, per strategy and hash', () => {
    expect(run('fixed-block-compare', 'random-overwrite', { strongBytes: '17' })).toMatch(/fixed-block-compare: strongBytes 17 is longer than xxh128's 16-byte digest/)
    expect(run('fixed-block-compare', 'random-overwrite', { strongBytes: '32', hash: 'sha256' })).toBe('accepted')
    expect(run('rsync-rolling', 'random-overwrite', { strongBytes: '9', hash: 'xxh3' })).toMatch(/xxh3's 8-byte digest/)
    expect(run('rsync-context', 'random-overwrite', { strongBytes: '33', hash: 'blake3' })).toMatch(/blake3's 32-byte digest/)
    expect(run('rdiff', 'random-overwrite', { strongBytes: '17', hash: 'md4' })).toMatch(/md4's 16-byte digest/)
  })

  it('the digest lengths checked before a run are the hashers\' own', async () => {
    for (const name of STRONG_HASHES) expect(DIGEST_BYTES[name], name).toBe((await createStrongHasher(name)).digestLength)
  })

  it("xdelta3's source window below its 512 KiB least", () => {
    expect(run('xdelta3', 'random-overwrite', { sourceWindow: '64KiB' })).toMatch(/xdelta3: sourceWindow 65536 is below xdelta3's least -B of 512 KiB/)
    expect(run('xdelta3', 'random-overwrite', { sourceWindow: '512KiB' })).toBe('accepted')
  })

  it('minLength above maxLength, and more bytes an epoch than the volume can take', () => {
    expect(run('random-overwrite', 'random-overwrite', { minLength: '8KiB', maxLength: '4KiB' })).toMatch(/random-overwrite\.minLength 8192 is above random-overwrite\.maxLength 4096/)
    expect(run('insert-delete', 'insert-delete', { minLength: '2000', maxLength: '1000' })).toMatch(/set minLength <= maxLength/)
    // 1e12 writes: past the schema's million; a million 64 KiB writes: 64 GiB an epoch for a 1 MiB volume.
    expect(run('random-overwrite', 'random-overwrite', { writes: '1e12' })).toMatch(/random-overwrite\.writes must be a whole number from 0 to 1000000, got 1000000000000/)
    expect(run('random-overwrite', 'random-overwrite', { writes: '1000000' })).toMatch(/may write 65536000000 bytes an epoch, more than 268435456/)
    expect(run('random-overwrite', 'random-overwrite', { writes: '-5' })).toMatch(/must be a whole number from 0/)
    expect(run('append', 'append', { share: '16' })).toBe('accepted')
    expect(run('hot-spot', 'hot-spot', { skew: '-1' })).toMatch(/hot-spot\.skew must be a number from 0 to 16/)
  })
})

describe('the CLI refuses a bad option with exit 2 and creates nothing (item 7)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'deltabench-ranges-'))
  afterAll(() => rmSync(dir, { recursive: true, force: true }))
  it.each([
    ['fixed-block-compare.strongBytes=17', 'fixed-block-compare', /strongBytes 17 is longer than xxh128's 16-byte digest/],
    ['rsync-rolling.maxCandidates=0', 'rsync-rolling', /rsync-rolling\.maxCandidates must be a whole number from 1 to 2147483648, got 0/],
    ['random-overwrite.writes=1e12', 'fixed-block-compare', /random-overwrite\.writes must be a whole number from 0 to 1000000/],
  ])('--opt %s', async (opt, strategy, message) => {
    const out = join(dir, opt)
    const r = await cli(['run', '--strategies', strategy, '--workloads', 'random-overwrite', '--size', '64KiB', '--epochs', '1', '--seeds', '1', '--block-sizes', '4096', '--opt', opt, '--out', out, '--no-progress', '--no-report'])
    expect(r.err).toMatch(message)
    expect(r.code).toBe(2)
    expect(existsSync(out)).toBe(false)
  })
})
