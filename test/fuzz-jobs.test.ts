/**
 * The fuzzer's night (issue 17): a case starts where the fuzzed sync starts without changing what it
 * tests, the cases are the same whatever --jobs is, a resumable state file, and bad flags refused.
 */
import { spawn, spawnSync } from 'node:child_process'
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { availableParallelism } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { fuzzCases, FuzzScenarios, joinReports, type FuzzPlan } from '../apps/fuzz.ts'
import { chunkTasks, runTasks, type TaskResult } from '../apps/fuzz-pool.ts'
import { openState, recordRange } from '../apps/fuzz-state.ts'
import { STRATEGIES } from '../strategies/index.ts'
import { scratchDirs } from './scratch-dirs.ts'

const byName = (n: string) => STRATEGIES.find((s) => s.name === n)!
const plan = (name: string, seed = 'jobs'): FuzzPlan => ({ strategy: byName(name), seed, blockSize: 1024, overrides: {} })
const withoutTiming = (r: ReturnType<typeof joinReports>) => ({ ...r, slowest: undefined })

describe('fuzz cases start where the fuzzed sync starts', () => {
  // Strategies without a tracker that keep state between syncs (the sender's previous version, receiver
  // caches): the start kept after the reference sync must give each case exactly the outcome a replay of
  // the earlier epochs gives. A real tool among them when it is installed (xdelta3 keeps the previous version).
  const names = ['cdc-reverse', 'rsync-context', 'whole-file', ...(byName('xdelta3').unavailable?.() ? [] : ['xdelta3'])]
  it.each(names)('%s: the same outcome per case as replaying the earlier epochs', async (name) => {
    const n = name === 'xdelta3' ? 6 : name === 'rsync-context' ? 16 : 40
    const kept = new FuzzScenarios(plan(name), { list: true })
    const replayed = new FuzzScenarios(plan(name), { replayEarlier: true, list: true })
    const a = await fuzzCases(kept, 0, n)
    const b = await fuzzCases(replayed, 0, n)
    expect(kept.outcomes).toEqual(replayed.outcomes)
    expect(withoutTiming(a)).toEqual(withoutTiming(b))
    expect(kept.outcomes!.length).toBe(a.cases)
    expect(a.rejected).toBeGreaterThan(0)
  }, 120_000)

  it('a case depends only on the plan and its index: ranges joined equal one run', async () => {
    const p = plan('fixed-block-compare')
    const whole = await fuzzCases(new FuzzScenarios(p), 0, 60)
    const parts = [await fuzzCases(new FuzzScenarios(p), 40, 60), await fuzzCases(new FuzzScenarios(p), 0, 40)]
    expect(withoutTiming(joinReports(p.strategy.name, [parts[1]!, parts[0]!]))).toEqual(withoutTiming(whole))
    // and another seed gives other cases
    const other = await fuzzCases(new FuzzScenarios(plan('fixed-block-compare', 'other')), 0, 60)
    expect(withoutTiming(other)).not.toEqual(withoutTiming(whole))
  })
})

describe('fuzz --jobs', () => {
  it('same seed, same cases and findings in the same order with 1 or 2 worker processes', async () => {
    const p = plan('fixed-block-compare')
    const tasks = chunkTasks(p, 160, 0, 40)
    const run = async (jobs: number) => {
      const got = new Map<number, TaskResult>()
      await runTasks(tasks, { jobs, done: (t, r) => got.set(t.id, r) })
      return joinReports(p.strategy.name, tasks.map((t) => got.get(t.id)!.report))
    }
    const one = await run(1)
    const two = await run(2)
    expect(two.cases).toBe(160)
    expect(withoutTiming(two)).toEqual(withoutTiming(one))
  }, 120_000)

  const scratch = scratchDirs('deltabench-fuzz-jobs-')
  /** Processes whose environment names `dir` (or the fuzz run's folder in it) as TMPDIR: the fuzzer, its workers and their tools. */
  const carrying = (dir: string) =>
    readdirSync('/proc').filter((p) => {
      if (!/^\d+$/.test(p)) return false
      try {
        // The fuzzer's workers and tools have TMPDIR at the run's own folder inside it (--tmp-dir, apps/fuzz-tmp.ts).
        return readFileSync(`/proc/${p}/environ`, 'latin1').split('\0').some((e) => e === `TMPDIR=${dir}` || e.startsWith(`TMPDIR=${dir}/deltabench-fuzz-`))
      } catch {
        return false // gone, or not ours to read
      }
    })
  it.skipIf(!!byName('rdiff').unavailable?.())('Ctrl-C with --jobs 2 ends the workers and their tools and leaves no temp folder', async () => {
    const dir = scratch()
    // node --import tsx, as `npm run fuzz` runs it: the tsx CLI relays a signal and SIGKILLs its child when the
    // child's loader has not acknowledged it within 30 ms, which a child busy ending its workers cannot do.
    const child = spawn(process.execPath, ['--import', 'tsx', 'bench/fuzz.ts', '--cases', '2000', '--jobs', '2', '--strategy', 'rdiff', '--tmp-dir', dir], { env: { ...process.env, TMPDIR: dir }, stdio: 'ignore' })
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)))
    // Wait until a worker's rdiff (or its bash) is running, so the signal lands mid-case.
    const t0 = Date.now()
    // A process listed a moment ago may be gone by the time we read it (a tool exits between cases).
    const cmdline = (p: string) => { try { return readFileSync(`/proc/${p}/cmdline`, 'latin1') } catch { return '' } }
    const argv0 = (p: string) => cmdline(p).split('\0')[0]
    while (!carrying(dir).some((p) => argv0(p) === 'rdiff') && Date.now() - t0 < 90_000) await new Promise((r) => setTimeout(r, 20))
    expect(Date.now() - t0).toBeLessThan(90_000)
    // The terminal's Ctrl-C goes to the whole foreground group; here to the fuzzer's node process and npx.
    for (const p of carrying(dir)) {
      if (!/bench\/fuzz\.ts/.test(cmdline(p))) continue
      try {
        process.kill(Number(p), 'SIGINT')
      } catch {
        // it exited in between
      }
    }
    await exited
    await new Promise((r) => setTimeout(r, 500))
    expect(carrying(dir)).toEqual([])
    const left = readdirSync(dir).filter((f) => f.startsWith('deltabench-'))
    expect(left, JSON.stringify(left.flatMap((f) => readdirSync(join(dir, f), { recursive: true, encoding: 'utf8' })).slice(0, 20))).toEqual([])
  }, 150_000)

  it('refuses a --jobs outside 1..cores, exit 2, before anything runs', () => {
    for (const bad of ['0', String(availableParallelism() + 1)]) {
      const r = spawnSync('npx', ['tsx', 'bench/fuzz.ts', '--cases', '1', '--strategy', 'whole-file', '--jobs', bad], { encoding: 'utf8' })
      expect(r.status, bad).toBe(2)
      expect(r.stderr).toMatch(/--jobs must be a whole number from 1 to \d+/)
    }
  }, 60_000)
})

describe('fuzz --state', () => {
  const scratchDir = scratchDirs('deltabench-fuzz-state-')
  it('keeps finished ranges, drops a torn last line, refuses another run', () => {
    const dir = scratchDir()
    const path = join(dir, 'night.jsonl')
    const header = { kind: 'deltabench-fuzz' as const, seed: 's', cases: 500, strategies: ['whole-file'], endToEnd: false, chunk: 250 }
    expect(openState(path, header).size).toBe(0)
    const report = { strategy: 'whole-file', cases: 250, completed: 1, rejected: 249, acceptedWrong: 0, findings: [] }
    recordRange(path, { strategy: 'whole-file', from: 0, report, left: [] })
    writeFileSync(path, readFileSync(path, 'utf8') + '{"strategy":"whole-file","from":250,"rep') // a kill mid-write
    const done = openState(path, header)
    expect([...done.keys()]).toEqual(['whole-file/0'])
    expect(readFileSync(path, 'utf8').endsWith('\n')).toBe(true)
    expect(() => openState(path, { ...header, seed: 't' })).toThrow(/holds another fuzz run.*give another --state file/)
    expect(existsSync(path)).toBe(true)
  })
})

