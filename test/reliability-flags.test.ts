/**
 * Issue 17 item 11, the smaller ones: --size 0, --resume without --out, flags a file pair or a trace would
 * ignore, a profile shadowing a built-in, --opt X.blockSize beside --block-sizes, "did you mean", and the
 * fuzzer's unknown strategy. Each is refused with exit 2 and the fix, before anything is written.
 */
import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { didYouMean, editDistance } from '../core/did-you-mean.ts'
import { cli } from './cli-in-process.ts'

const dir = mkdtempSync(join(tmpdir(), 'deltabench-flags-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
const base = join(dir, 'old.img')
const target = join(dir, 'new.img')
writeFileSync(base, Buffer.alloc(8192, 1))
writeFileSync(target, Buffer.alloc(8192, 2))

const small = ['--strategies', 'whole-file', '--epochs', '1', '--seeds', '1', '--block-sizes', '4096', '--no-progress', '--no-report']

async function refused(args: string[], message: RegExp): Promise<void> {
  const out = join(dir, `out-${args.join('_').replace(/[^a-z0-9]/gi, '')}`)
  const r = await cli(['run', ...args, '--out', out])
  expect(r.err).toMatch(message)
  expect(r.code).toBe(2)
  expect(existsSync(out)).toBe(false)
}

describe('item 11: the smaller refusals', () => {
  it('--size 0 is refused like --size 1B for a workload that builds its volume from --size', async () => {
    await refused([...small, '--workloads', 'random-overwrite', '--size', '0'], /--size 0: random-overwrite builds a volume of --size bytes; give at least the largest block size \(4096 B\)/)
    await refused([...small, '--workloads', 'random-overwrite', '--size', '1B'], /block size 4096 is larger than the volume/)
  })

  it('--resume without --out names the flag to add', async () => {
    const r = await cli(['run', ...small, '--resume'])
    expect(r.err).toMatch(/--resume continues the run in a folder: name it with --out <dir>/)
    expect(r.code).toBe(2)
  })

  it('--base/--target with --size, --epochs or --content is refused, not ignored', async () => {
    const pair = ['--strategies', 'whole-file', '--block-sizes', '4096', '--no-progress', '--no-report', '--base', base, '--target', target]
    await refused([...pair, '--size', '1MiB'], /--size would be ignored with --base\/--target/)
    await refused([...pair, '--epochs', '3', '--content', 'random'], /--epochs, --content would be ignored with --base\/--target/)
  })

  it('--trace with --size is refused', async () => {
    writeFileSync(join(dir, 't.csv'), '0,4096\n')
    await refused(['--strategies', 'whole-file', '--block-sizes', '4096', '--no-progress', '--no-report', '--trace', join(dir, 't.csv'), '--size', '1MiB'], /--size would be ignored with --trace/)
  })

  it('a --profile name:… that shadows a built-in profile is refused with another name to use', async () => {
    await refused([...small, '--workloads', 'append', '--size', '64KiB', '--profile', 'lan:1M/1M/5ms'], /network profile "lan:1M\/1M\/5ms": lan is a built-in profile .*e\.g\. my-lan:1M\/1M\/5ms/)
  })

  it('--opt <strategy>.blockSize is refused with --block-sizes as the fix', async () => {
    await refused([...small, '--workloads', 'append', '--size', '64KiB', '--opt', 'whole-file.blockSize=8192'], /--opt whole-file\.blockSize: the block size is the sweep's, set for every strategy by --block-sizes/)
  })

  it('typos of a strategy, workload or profile get "did you mean"', async () => {
    await refused(['--strategies', 'fixed-blok-compare', '--workloads', 'append'], /unknown strategy "fixed-blok-compare" \(did you mean fixed-block-compare\?\)/)
    await refused(['--strategies', 'whole-file', '--workloads', 'random-overwirte'], /unknown workload "random-overwirte" \(did you mean random-overwrite\?\)/)
    await refused([...small, '--workloads', 'append', '--size', '64KiB', '--profile', 'wna'], /network profile "wna" \(did you mean wan\?\)/)
  })

  it('didYouMean stays quiet when nothing is near', () => {
    expect(editDistance('kitten', 'sitting')).toBe(3)
    expect(didYouMean('zzzzzz', ['whole-file', 'rsync'])).toBe('')
    expect(didYouMean('rsnyc', ['whole-file', 'rsync'])).toBe(' (did you mean rsync?)')
  })

  it('npm run fuzz -- --strategy bogus exits 2 with the list and a guess', () => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'bench/fuzz.ts', '--strategy', 'rsnyc', '--cases', '1'], { encoding: 'utf8', timeout: 60_000 })
    expect(r.stderr).toMatch(/fuzz: no strategy "rsnyc" \(did you mean rsync\?\); choose one of whole-file, /)
    expect(r.status).toBe(2)
  })
})
