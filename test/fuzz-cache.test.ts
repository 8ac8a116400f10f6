/**
 * The fuzzer's tool-step cache (strategies/shared/tool-cache.ts) and its temp folder (apps/fuzz-tmp.ts):
 * a cached step gives each case exactly the outcome a real run gives, a changed input byte runs the tool,
 * the cache is off outside the fuzzer, and a bad --tmp-dir is refused before anything runs.
 */
import { spawnSync } from 'node:child_process'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { fuzzCases, FuzzScenarios, joinReports, type FuzzPlan } from '../apps/fuzz.ts'
import { tempParent } from '../apps/fuzz-tmp.ts'
import { STRATEGIES } from '../strategies/index.ts'
import { runToolCached, setToolCache, toolCacheStats } from '../strategies/shared/tool-cache.ts'
import { findOnPath } from '../core/find-on-path.ts'
import { scratchDirs } from './scratch-dirs.ts'

const byName = (n: string) => STRATEGIES.find((s) => s.name === n)!
const plan = (name: string): FuzzPlan => ({ strategy: byName(name), seed: 'cache', blockSize: 1024, overrides: {} })
const scratch = scratchDirs('deltabench-fuzz-cache-')

describe('fuzz tool cache: the same outcome per case as running every tool step', () => {
  // Cases 0, 8, 16, … share scenario 0 (case i runs on scenario i mod 8), so one reference sync serves
  // them all and every case after the first can reuse its steps. The cache is switched on around the
  // calls (fuzzCases sets it back as it found it, and off would empty it between them).
  const names = ['rdiff', 'xdelta3', 'zstd-patch', 'zsync', 'casync', 'rsync-context', 'rsync-rounds'].filter((n) => !byName(n).unavailable?.())
  const cases = [0, 8, 16, 24, 32, 40]
  it.each(names)('%s', async (name) => {
    const was = setToolCache(true)
    let a, b, hits
    const cached = new FuzzScenarios(plan(name), { list: true })
    const plain = new FuzzScenarios(plan(name), { list: true, toolCache: false })
    try {
      const before = toolCacheStats().hits
      a = await runOneByOne(cached)
      hits = toolCacheStats().hits - before
      b = await runOneByOne(plain)
    } finally {
      setToolCache(was)
    }
    if (name === 'casync') {
      // casync's client retries over HTTP, so under load a tampered case may end in a tool error one time
      // and complete the next (seen in a full suite: case 32 TOOL without the cache, ok with it): compare
      // the cases where neither run ended in a tool error.
      const pairs = cached.outcomes!.map((o, k) => [o, plain.outcomes![k]!] as const).filter(([x, y]) => !/ TOOL /.test(x) && !/ TOOL /.test(y))
      expect(pairs.length).toBeGreaterThan(cases.length / 2)
      for (const [x, y] of pairs) expect(x).toBe(y)
    } else {
      expect(cached.outcomes).toEqual(plain.outcomes)
      expect({ ...a, slowest: undefined }).toEqual({ ...b, slowest: undefined })
    }
    expect(a.rejected).toBeGreaterThan(0)
    // The cache bit: the step before any tampering (signature, casync make, zsyncmake) is reused by every
    // case after the first; xdelta3's and zstd's encoder, and rsync-context's and rsync-rounds' literal
    // codecs, only by cases whose tampering leaves the codec's input files as they were.
    expect(hits).toBeGreaterThanOrEqual(['rdiff', 'zsync', 'casync'].includes(name) ? cases.length - 1 : 1)
  }, 180_000)
  /** The cases one range each, in order (ranges must not overlap in time: one sync at a time per process). */
  async function runOneByOne(s: FuzzScenarios) {
    const parts = []
    for (const i of cases) parts.push(await fuzzCases(s, i, i + 1))
    return joinReports(s.plan.strategy.name, parts)
  }
})

describe('runToolCached', () => {
  const tool = findOnPath('sha256sum') ? 'sha256sum' : undefined
  it.skipIf(!tool)('runs the tool again when an input byte changes, reuses it when none did, and is off by default', async () => {
    const dir = scratch()
    const input = join(dir, 'in')
    const output = join(dir, 'out')
    // `sh -c 'sha256sum in > out; echo ran >> log'`: the log says how often the tool really ran.
    const argv = ['sh', '-c', `sha256sum ${input} > ${output}; echo ran >> ${join(dir, 'log')}`]
    const step = { dir, inputs: [input], outputs: [output] }
    const runs = () => readFileSync(join(dir, 'log'), 'utf8').trim().split('\n').length
    writeFileSync(input, 'one')
    await runToolCached('test', argv, step)
    await runToolCached('test', argv, step)
    expect(runs()).toBe(2) // off by default: every call runs
    const was = setToolCache(true)
    try {
      await runToolCached('test', argv, step)
      const first = readFileSync(output, 'utf8')
      writeFileSync(output, 'clobbered')
      await runToolCached('test', argv, step)
      expect(runs()).toBe(3) // the same input: served from the cache
      expect(readFileSync(output, 'utf8')).toBe(first) // and its output written back
      writeFileSync(input, 'onf') // one byte changed
      await runToolCached('test', argv, step)
      expect(runs()).toBe(4)
      expect(readFileSync(output, 'utf8')).not.toBe(first)
    } finally {
      setToolCache(was)
    }
  })
})

describe('fuzz --tmp-dir', () => {
  it('defaults to /dev/shm where it is a writable folder, else the system temp directory; a given one wins', () => {
    expect(tempParent('/somewhere')).toBe('/somewhere')
    expect(tempParent()).toBe(existsSync('/dev/shm') ? '/dev/shm' : expect.any(String))
  })

  it('refuses a --tmp-dir that is not a writable folder, exit 2, before anything runs', () => {
    const dir = scratch()
    const file = join(dir, 'a-file')
    writeFileSync(file, '')
    for (const bad of [join(dir, 'missing'), file]) {
      const r = spawnSync('npx', ['tsx', 'bench/fuzz.ts', '--cases', '1', '--strategy', 'whole-file', '--tmp-dir', bad], { encoding: 'utf8' })
      expect(r.status, bad).toBe(2)
      expect(r.stderr).toMatch(/--tmp-dir .*give an existing folder you may write to/)
    }
  }, 60_000)
})
