/** The CLI in-process: main(argv) shapes the request, checks it and maps errors to exit codes. */
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { cli } from './cli-in-process.ts'
import { scratchDirs } from './scratch-dirs.ts'

const tmp = scratchDirs('deltabench-main-')

function filePair(): { base: string; target: string } {
  const d = tmp()
  const a = new Uint8Array(20_000).map((_, i) => (i * 13) & 0xff)
  const b = a.slice()
  b.set([9, 9, 9], 5_000)
  writeFileSync(join(d, 'old.img'), a)
  writeFileSync(join(d, 'new.img'), b)
  return { base: join(d, 'old.img'), target: join(d, 'new.img') }
}

describe('apps/cli.ts', () => {
  afterEach(() => vi.restoreAllMocks())

  it('runs nothing when imported: no output, no exit code', async () => {
    vi.resetModules()
    const stdout = vi.spyOn(process.stdout, 'write')
    const stderr = vi.spyOn(process.stderr, 'write')
    const before = process.exitCode
    const cli = await import('../apps/cli.ts')
    expect(typeof cli.main).toBe('function')
    expect(stdout).not.toHaveBeenCalled()
    expect(stderr).not.toHaveBeenCalled()
    expect(process.exitCode).toBe(before)
  })

  it('returns 0 for help, the version and list, and 2 for an unknown command', async () => {
    expect((await cli(['--version'])).code).toBe(0)
    expect((await cli(['run', '--help'])).code).toBe(0)
    const list = await cli(['list'])
    expect(list.code).toBe(0)
    expect(list.out).toContain('fixed-block-compare')
    const bogus = await cli(['bogus'])
    expect(bogus.code).toBe(2)
    expect(bogus.err).toMatch(/unknown command 'bogus'/)
  })

  it('no longer takes --preset', async () => {
    const r = await cli(['run', '--preset', 'default'])
    expect(r.code).toBe(2)
    expect(r.err).toMatch(/unknown option '--preset'/)
  })

  it.each([
    [['run', '--base', 'a.img'], /config: --base and --target go together: --base old.img --target new.img/],
    [['run', '--target', 'b.img'], /--base and --target go together/],
    [['run', '--base', 'a.img', '--target', 'b.img', '--workloads', 'append'], /--base\/--target is the file-pair workload; leave out --workloads/],
    [['run', '--trace', 't.csv', '--workloads', 'append'], /--trace <file> is the block-trace workload; leave out --workloads and --base\/--target/],
    [['run', '--trace', 't.csv', '--base', 'a.img', '--target', 'b.img'], /--trace <file> is the block-trace workload/],
    [['run', '--epochs', 'many'], /--epochs must be a whole number from 1 to 100000, got "many"/],
    [['run', '--epochs', '2.5'], /--epochs must be a whole number/],
    [['run', '--repeat', 'x'], /--repeat must be a whole number from 1 to 1000, got "x"/],
    [['run', '--opt', 'strongBytes=8'], /--opt strongBytes=8: write it as <strategy or workload>.<option>=<value>/],
    [['run', '--shard', '3/2'], /--shard 3\/2: write i\/n with 1 <= i <= n/],
    [['run', '--jobs', '0'], /--jobs 0: a whole number from 1 to 256/],
    [['tune', '--base', 'a.img'], /--base and --target go together/],
    [['tune', '--base', 'a.img', '--target', 'b.img', '--workload', 'append'], /--base\/--target is the file-pair workload; leave out --workload$/m],
    [['tune', '--epochs', 'two'], /--epochs must be a whole number from 1 to 100000, got "two"/],
    [['tune', '--workload', 'nope'], /unknown workload "nope"/],
  ])('%j exits 2 with a message that says what is wrong, writing nothing', async (args, message) => {
    const out = join(tmp(), 'out')
    const r = await cli([...args, '--out', out])
    expect(r.code).toBe(2)
    expect(r.err).toMatch(message)
    expect(r.err).not.toMatch(/unexpected error/)
    expect(existsSync(out)).toBe(false)
  })

  it('refuses a file pair before writing anything when every strategy needs a write trace', async () => {
    const { base, target } = filePair()
    const out = join(tmp(), 'out')
    const r = await cli(['run', '--base', base, '--target', target, '--strategies', 'changed-block-bitmap,journal-replay', '--out', out])
    expect(r.code).toBe(2)
    expect(r.err).toMatch(/changed-block-bitmap, journal-replay need a write trace, which a file pair does not have/)
    expect(existsSync(out)).toBe(false)
  })

  it('runs a file pair as the file-pair workload with one seed, and reports the exit code of the run', async () => {
    const { base, target } = filePair()
    const out = join(tmp(), 'out')
    const r = await cli(['run', '--base', base, '--target', target, '--strategies', 'fixed-block-compare', '--block-sizes', '4096', '--no-progress', '--no-report', '--fail-on-incorrect', '--out', out])
    expect(r.code, r.err).toBe(0)
    expect(r.out).toContain('1 syncs, every replica byte-exact')
    const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'))
    expect(manifest.config.workloads).toEqual([{ name: 'file-pair', options: { base, target } }])
    expect(manifest.config.seeds).toEqual(['1'])
  })
})
