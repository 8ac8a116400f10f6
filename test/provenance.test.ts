/** What the manifest records about how a run was made (harness/provenance.ts, harness/manifest.ts), and reading it back for --from (harness/rerun.ts). */
import { createHash } from 'node:crypto'
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { resolveRun, type RunConfig } from '../harness/config.ts'
import { configHash, hashOf, newManifest, recordedConfig } from '../harness/manifest.ts'
import { BYTE_PACKAGES, MISSING, packageVersion, probeTool, TOOL_PROBES, versionDifferences, versions } from '../harness/provenance.ts'
import { loadRerun } from '../harness/rerun.ts'
import { runMatrix } from '../harness/run-matrix.ts'
import { MANIFEST_FORMAT, type Manifest } from '../core/run-files.ts'

const ROOT = new URL('..', import.meta.url).pathname
const dirs: string[] = []
const tmp = () => {
  const d = mkdtempSync(join(tmpdir(), 'deltabench-prov-'))
  dirs.push(d)
  return d
}
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })))

/** A config with every field away from its default, so a field dropped on the way back shows. */
const config: RunConfig = resolveRun({
  strategies: ['fixed-block-compare', 'changed-block-bitmap', 'journal-replay'],
  workloads: ['random-overwrite', 'append'],
  blockSizes: [1024, 4096],
  size: '128KiB',
  epochs: 2,
  seeds: ['7', 'x'],
  content: 'text',
  repeat: 2,
  compression: 'zstd:3',
  profile: 'lan',
  costModel: 'pipelined',
  storage: 'file',
  fault: 'dropped-bits',
  faultRate: 0.25,
  overrides: { 'fixed-block-compare': { strongBytes: 8 }, 'random-overwrite': { writes: 16 } },
})

function writeManifest(m: object): string {
  const file = join(tmp(), 'manifest.json')
  writeFileSync(file, JSON.stringify(m, null, 2))
  return file
}

/** The npm packages a source tree imports (static imports and createRequire'd ones), by package name. */
function importedPackages(folders: string[]): Set<string> {
  const out = new Set<string>()
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(dir, e.name))
      else if (e.name.endsWith('.ts')) {
        const text = readFileSync(join(dir, e.name), 'utf8')
        for (const m of text.matchAll(/(?:from |require\(|\)\()'([^.'/][^']*)'/g)) {
          const spec = m[1]!
          if (spec.startsWith('node:')) continue
          const parts = spec.split('/')
          out.add(spec.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!)
        }
      }
    }
  }
  folders.forEach((f) => walk(join(ROOT, f)))
  return out
}

describe('version probes', () => {
  it('records every npm package the engine, strategies and workloads import, at the version package.json pins', () => {
    expect([...importedPackages(['core', 'strategies', 'workloads', 'harness'])].sort()).toEqual([...BYTE_PACKAGES].sort())
    const pinned = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { dependencies: Record<string, string> }).dependencies
    for (const p of BYTE_PACKAGES) expect(versions().packages[p], p).toBe(pinned[p])
    expect(packageVersion('deltabench-no-such-package')).toBe(MISSING)
  })

  it('records SQLite from better-sqlite3 and each real tool as its version line or as missing', () => {
    expect(versions().sqlite).toMatch(/^3\.\d+\.\d+$/)
    expect(Object.keys(versions().tools)).toEqual(TOOL_PROBES.map((t) => t.tool))
    // A version line: casync prints a bare major ("casync 2"), the others major.minor.
    for (const [tool, v] of Object.entries(versions().tools)) expect(v, tool).toMatch(new RegExp(`^(${MISSING}|\\S+.* v?\\d+(\\.\\d+)*\\b.*)$`))
    // Probed once per process: the same object every time.
    expect(versions()).toBe(versions())
  })

  it('never fails and never waits long: a missing tool, a failing one and a hanging one are recorded as such', () => {
    expect(probeTool('deltabench-no-such-tool', ['--version'])).toBe(MISSING)
    expect(probeTool(process.execPath, ['--version'])).toBe(process.version)
    expect(probeTool(process.execPath, ['-e', 'process.exit(3)'])).toBe('unknown (exit 3)')
    const t = Date.now()
    expect(probeTool(process.execPath, ['-e', 'setTimeout(() => {}, 20000)'], 300)).toBe('unknown (no answer in 300 ms)')
    expect(Date.now() - t).toBeLessThan(10_000)
  })

  it('lists the versions that differ, one line each, and only facts the recording has', () => {
    const now = { version: '0.1.0', node: 'v20.1.0', v8: '11', versions: { packages: { fflate: '0.8.3' }, sqlite: '3.45.0', tools: { rsync: 'rsync 3.5.0', zstd: MISSING } } }
    const was = { ...now, node: 'v20.0.0', versions: { ...now.versions, tools: { rsync: 'rsync 3.2.7', zstd: MISSING } } }
    expect(versionDifferences(was, now)).toEqual(['node: v20.0.0 → v20.1.0', 'rsync: rsync 3.2.7 → rsync 3.5.0'])
    expect(versionDifferences({ node: 'v20.1.0' }, now)).toEqual([])
  })
})

describe('the manifest', () => {
  it('records the config without the per-strategy default blockSize, the invocation, the versions and each strategy’s block sizes', () => {
    const m = newManifest({ ...config, invocation: { argv: ['run', '--size', '128KiB'], cwd: '/somewhere' } }, 1)
    expect(m.manifestFormat).toBe(MANIFEST_FORMAT)
    for (const s of m.config.strategies) expect(s.options, s.name).not.toHaveProperty('blockSize')
    expect(m.config.strategies[0]!.options).toEqual({ hash: 'xxh128', strongBytes: 8, verify: 'none' })
    expect(m.invocation).toEqual({ argv: ['run', '--size', '128KiB'], cwd: '/somewhere' })
    expect('invocation' in m.config).toBe(false)
    expect(m.versions).toBe(versions())
    expect(m.effective!.map((e) => [e.name, e.blockSizes, e.usesBlockSize])).toEqual(config.strategies.map((s) => [s.name, [1024, 4096], true]))
    // The hash is of what is recorded: how the run was asked for does not change it.
    expect(m.configHash).toBe(hashOf(m.config))
    expect(configHash({ ...config, invocation: { argv: ['other'], cwd: '/' } })).toBe(m.configHash)
  })

  it('lists the block sizes each strategy’s cells ran at when given the planned cells', () => {
    const planned = [
      { strategy: { name: 'fixed-block-compare' }, blockSize: 4096 },
      { strategy: { name: 'fixed-block-compare' }, blockSize: 1024 },
      { strategy: { name: 'changed-block-bitmap' }, blockSize: 4096 },
    ]
    expect(newManifest(config, 3, planned).effective!.map((e) => e.blockSizes)).toEqual([[1024, 4096], [4096], []])
  })

  it('refuses --opt <strategy>.blockSize, which every cell would override', () => {
    expect(() => resolveRun({ strategies: ['whole-file'], overrides: { 'whole-file': { blockSize: '1MiB' } } })).toThrow(/--opt whole-file\.blockSize: the block size is the sweep's, set for every strategy by --block-sizes \(e\.g\. --block-sizes 1MiB\)/)
  })

  it('a library caller’s invocation reaches the manifest on disk, and an old-format run is not resumed, with the way out', async () => {
    const dir = join(tmp(), 'run')
    const small = resolveRun({ strategies: ['fixed-block-compare'], workloads: ['append'], blockSizes: [4096], size: '64KiB', epochs: 1, seeds: ['1'] })
    await runMatrix({ ...small, invocation: { argv: ['my-script', '--flag'], cwd: '/here' } }, { outDir: dir, warmup: false })
    const onDisk = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as Manifest
    expect(onDisk.invocation).toEqual({ argv: ['my-script', '--flag'], cwd: '/here' })
    expect(onDisk.versions!.sqlite).toBe(versions().sqlite)
    // As a manifest before format 2 would be: same flags, but its hash was taken another way.
    const { manifestFormat: _gone, ...old } = onDisk
    writeFileSync(join(dir, 'manifest.json'), JSON.stringify(old))
    await expect(runMatrix(small, { outDir: dir, resume: true, warmup: false })).rejects.toThrow(/written in manifest format 1, this deltabench writes format 2 .* cannot resume that run; start a new --out, or re-run it whole with: deltabench run --from .*manifest\.json/)
  })
})

describe('reading a manifest back (run --from)', () => {
  it('resolves the recorded config to the very config that ran: every field, every option, the same hash', () => {
    const r = loadRerun(writeManifest(newManifest(config, 1)))
    expect(r.config).toEqual(config)
    expect(recordedConfig(r.config)).toEqual(recordedConfig(config))
    expect(configHash(r.config)).toBe(configHash(config))
    expect(r.differences).toEqual([])
  })

  it('takes the run directory as well as its manifest.json', () => {
    const file = writeManifest(newManifest(config, 1))
    expect(loadRerun(join(file, '..')).path).toBe(file)
  })

  it('reads a format-1 manifest (default blockSize in the options, hashed with it)', () => {
    const { invocation: _none, ...engine } = config
    const m = { ...newManifest(config, 1), manifestFormat: undefined, invocation: undefined, versions: undefined, effective: undefined, config: engine, configHash: createHash('sha256').update(JSON.stringify(engine)).digest('hex') }
    expect(loadRerun(writeManifest(m)).config).toEqual(config)
  })

  it('refuses, with the fix, a path that is not there, a file that is not JSON or not a manifest, an unknown format, an edited config, and one this version resolves differently', () => {
    const good = newManifest(config, 1)
    const refusal = (path: string) => {
      try {
        loadRerun(path)
      } catch (err) {
        return (err as Error).message
      }
      return 'accepted'
    }
    expect(refusal('/nonexistent/manifest.json')).toMatch(/^config: run --from \/nonexistent\/manifest\.json: no such file; give a run's manifest, e\.g\. --from results\/<run-id>\/manifest\.json$/)
    expect(refusal(tmp())).toMatch(/manifest\.json: no such file/)
    const notJson = join(tmp(), 'rows.csv')
    writeFileSync(notJson, 'a,b\n1,2\n')
    expect(refusal(notJson)).toMatch(/: not a JSON file \(.*\); give a run's manifest/)
    expect(refusal(writeManifest({ name: 'deltabench', version: '0.1.0' }))).toMatch(/: not a deltabench run manifest \(it needs tool "deltabench", config and configHash\)/)
    expect(refusal(writeManifest({ ...good, manifestFormat: 99 }))).toMatch(/: manifest format 99 \(deltabench 0\.1\.0\) is unknown to this deltabench, which reads formats 1 to 2; re-run it with the deltabench that wrote it/)
    expect(refusal(writeManifest({ ...good, config: { ...good.config, epochs: 5 } }))).toMatch(/its config does not match its configHash \(edited by hand\?\)/)
    // Internally consistent, but not what this deltabench resolves: an option it does not know, an option it adds.
    const rehash = (c: Manifest['config']) => writeManifest({ ...good, config: c, configHash: hashOf(c) })
    const strategies = (options: Record<string, unknown>) => [{ name: 'fixed-block-compare', options }, ...good.config.strategies.slice(1)]
    expect(refusal(rehash({ ...good.config, strategies: strategies({ hash: 'xxh128', strongBytes: 8, colour: 'red' }) }))).toMatch(/this deltabench cannot resolve the recorded config \(.*fixed-block-compare has no option "colour".*\); re-run it with the deltabench that wrote it \(git commit /)
    expect(refusal(rehash({ ...good.config, strategies: strategies({ hash: 'xxh128', verify: 'none' }) }))).toMatch(/resolves the recorded config differently \(strategies\.0\.options\.strongBytes: recorded absent, now 16\), so its cells would not be the recorded ones/)
  })
})
