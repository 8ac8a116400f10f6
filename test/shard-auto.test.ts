import { readFileSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest'
import { ConfigError } from '../core/errors.ts'
import { readRows } from '../core/run-files.ts'
import { parseShard, shardFromEnv } from '../harness/shard.ts'
import { cli } from './cli-in-process.ts'
import { tmp as tmpDir } from './small-run.ts'

const made: string[] = []
/** A temp folder removed after the file's tests. */
const tmp = (prefix: string) => {
  const d = tmpDir(prefix)
  made.push(d)
  return d
}
afterAll(() => {
  for (const d of made) rmSync(d, { recursive: true, force: true })
})

const example = (name: string) => readFileSync(new URL(`../docs/examples/${name}`, import.meta.url), 'utf8')
const refused = (env: Record<string, string>) => {
  try {
    shardFromEnv(env)
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError)
    return (err as Error).message
  }
  throw new Error(`shardFromEnv accepted ${JSON.stringify(env)}`)
}

describe('--shard auto: the shard from the engine that launched the process', () => {
  it('Kubernetes Indexed Job: JOB_COMPLETION_INDEX (0-based) and DELTABENCH_SHARD_COUNT', () => {
    expect(shardFromEnv({ JOB_COMPLETION_INDEX: '0', DELTABENCH_SHARD_COUNT: '4' })).toMatchObject({ shard: { index: 1, count: 4 }, engine: 'kubernetes' })
    expect(shardFromEnv({ JOB_COMPLETION_INDEX: '3', DELTABENCH_SHARD_COUNT: '4' }).shard).toEqual({ index: 4, count: 4 })
    expect(refused({ JOB_COMPLETION_INDEX: '1' })).toMatch(/no DELTABENCH_SHARD_COUNT; Kubernetes does not expose spec.completions/)
    expect(refused({ JOB_COMPLETION_INDEX: '4', DELTABENCH_SHARD_COUNT: '4' })).toMatch(/index must be below the count/)
    expect(refused({ JOB_COMPLETION_INDEX: 'x', DELTABENCH_SHARD_COUNT: '4' })).toMatch(/JOB_COMPLETION_INDEX="x" is not a whole number/)
    expect(refused({ JOB_COMPLETION_INDEX: '0', DELTABENCH_SHARD_COUNT: '0' })).toMatch(/at least 1/)
  })

  it('Slurm array: the task id placed in the array range (min and step), count from SLURM_ARRAY_TASK_COUNT', () => {
    const array = (id: number, min: number, max: number, count: number, step?: number) => ({
      SLURM_JOB_ID: '77',
      SLURM_ARRAY_TASK_ID: String(id),
      SLURM_ARRAY_TASK_MIN: String(min),
      SLURM_ARRAY_TASK_MAX: String(max),
      SLURM_ARRAY_TASK_COUNT: String(count),
      ...(step ? { SLURM_ARRAY_TASK_STEP: String(step) } : {}),
    })
    expect(shardFromEnv(array(0, 0, 3, 4))).toMatchObject({ shard: { index: 1, count: 4 }, engine: 'slurm' })
    expect(shardFromEnv(array(3, 0, 3, 4)).shard).toEqual({ index: 4, count: 4 })
    expect(shardFromEnv(array(5, 1, 8, 8)).shard).toEqual({ index: 5, count: 8 })
    expect(shardFromEnv(array(6, 0, 9, 4, 3)).shard).toEqual({ index: 3, count: 4 })
    // --array=1,4,9: no even range maps the ids onto shards.
    expect(refused(array(4, 1, 9, 3))).toMatch(/not one even range; submit it as sbatch --array=0-2/)
    expect(refused({ SLURM_JOB_ID: '77' })).toMatch(/a Slurm job but not an array job: submit it with sbatch --array/)
    expect(refused({ SLURM_ARRAY_TASK_ID: '0' })).toMatch(/SLURM_ARRAY_TASK_COUNT="?undefined"? is not a whole number|SLURM_ARRAY_TASK_COUNT/)
  })

  it('CI matrix: DELTABENCH_SHARD_INDEX (0-based, as strategy.job-index) and DELTABENCH_SHARD_COUNT', () => {
    expect(shardFromEnv({ DELTABENCH_SHARD_INDEX: '2', DELTABENCH_SHARD_COUNT: '3' })).toMatchObject({ shard: { index: 3, count: 3 }, engine: 'ci-matrix' })
    expect(refused({ DELTABENCH_SHARD_INDEX: '0' })).toMatch(/strategy.job-total/)
  })

  it('refuses no engine and two engines at once, with what to set', () => {
    expect(refused({ HOME: '/root' })).toMatch(/no shard index in the environment; set one of .*JOB_COMPLETION_INDEX.*SLURM_ARRAY_TASK_ID.*DELTABENCH_SHARD_INDEX.* or give --shard i\/n/)
    expect(refused({ JOB_COMPLETION_INDEX: '0', DELTABENCH_SHARD_COUNT: '2', SLURM_ARRAY_TASK_ID: '0', SLURM_ARRAY_TASK_COUNT: '2' })).toMatch(/found kubernetes .* and slurm/)
  })

  it('--shard i/n still parses, and bad text says both forms', () => {
    expect(parseShard('2/4', {})?.shard).toEqual({ index: 2, count: 4 })
    expect(parseShard(undefined, {})).toBeUndefined()
    expect(() => parseShard('5/4', {})).toThrow(/write i\/n with 1 <= i <= n, e.g. --shard 2\/4, or --shard auto/)
  })
})

/** A shell line `npx deltabench …` with $name, ${name} and "$name" expanded from vars, as argv for main(). */
function argvOf(line: string, vars: Record<string, string>): string[] {
  const expanded = line.replace(/"?\$\{?(\w+)\}?"?/g, (_, name: string) => {
    if (!(name in vars)) throw new Error(`the example's command uses $${name}, which the test does not set`)
    return vars[name]!
  })
  const words = expanded.trim().split(/\s+/).filter((w) => w !== '')
  expect(words.slice(0, 2)).toEqual(['npx', 'deltabench'])
  return words.slice(2)
}

const TINY = '--strategies fixed-block-compare,changed-block-bitmap --workloads random-overwrite,append --block-sizes 1KiB,4KiB --seeds 1,2 --size 128KiB --epochs 2'
const stable = (rows: readonly object[]) =>
  rows.map((r) => JSON.stringify(Object.fromEntries(Object.entries(r).filter(([k]) => !k.endsWith('_ms') && k !== 'run_id' && !k.startsWith('cpu')))))
    .sort()

describe('the example launchers', () => {
  afterEach(() => vi.unstubAllEnvs())

  it('the Slurm array script, run per task with a fake SLURM environment, leaves shards that merge into the unsharded run', async () => {
    const script = example('deltabench-slurm.sh')
    const [, min, max] = /^#SBATCH --array=(\d+)-(\d+)$/m.exec(script)!.map(Number)
    const line = script.split('\n').find((l) => l.startsWith('npx deltabench run '))!
    expect(line).toMatch(/--shard auto/)
    // The default sweep is the design-review sweep of the README.
    expect(script).toMatch(/--strategies fixed-block-compare,changed-block-bitmap,snapshot-diff,rsync-rolling,xdelta3 --workloads random-overwrite,insert-delete,sqlite-oltp --block-sizes 1KiB,4KiB,16KiB,64KiB --seeds 1,2,3 --size 64MiB/)
    const d = tmp('deltabench-shard-auto-')
    const dirs: string[] = []
    for (let id = min!; id <= max!; id++) {
      vi.stubEnv('SLURM_JOB_ID', '4242')
      vi.stubEnv('SLURM_ARRAY_TASK_ID', String(id))
      vi.stubEnv('SLURM_ARRAY_TASK_MIN', String(min))
      vi.stubEnv('SLURM_ARRAY_TASK_MAX', String(max))
      vi.stubEnv('SLURM_ARRAY_TASK_COUNT', String(max! - min! + 1))
      const out = join(d, `shard-${id}`)
      const r = await cli(argvOf(line, { sweep: TINY, out, resume: '' }))
      expect(r.code, r.err).toBe(0)
      expect(r.err).toContain(`shard ${id - min! + 1}/${max! - min! + 1} from slurm (SLURM_ARRAY_TASK_ID=${id}`)
      dirs.push(out)
    }
    vi.unstubAllEnvs()
    const merged = await cli(['merge', join(d, 'merged'), ...dirs])
    expect(merged.code, merged.err).toBe(0)
    const whole = await cli(['run', ...TINY.split(' '), '--no-progress', '--no-report', '--out', join(d, 'whole')])
    expect(whole.code, whole.err).toBe(0)
    expect(stable(readRows(join(d, 'merged')))).toEqual(stable(readRows(join(d, 'whole'))))
  }, 120_000)

  it('the Kubernetes Indexed Job: indexed, DELTABENCH_SHARD_COUNT = completions, the same sweep with --shard auto', async () => {
    const yaml = example('deltabench-indexed-job.yaml')
    const field = (name: string) => new RegExp(`^\\s*${name}:\\s*"?([^"\\s]+)"?\\s*$`, 'm').exec(yaml)?.[1]
    expect(field('kind')).toBe('Job')
    expect(field('completionMode')).toBe('Indexed')
    const completions = field('completions')
    expect(/- name: DELTABENCH_SHARD_COUNT\n\s+value: "(\d+)"/.exec(yaml)?.[1]).toBe(completions)
    // The folded (>-) command: its lines joined by spaces, as YAML folds them.
    const folded = /args:\n\s+- >-\n((?:\s{14}.*\n)+)/.exec(yaml)![1]!.split('\n').map((l) => l.trim()).join(' ')
    const run = folded.slice(folded.indexOf('npx deltabench run'))
    const slurmSweep = /sweep=\$\{DELTABENCH_SWEEP:-"([^"]+)"\}/.exec(example('deltabench-slurm.sh'))![1]!
    expect(run).toContain(`npx deltabench run ${slurmSweep} --shard auto`)
    expect(folded).toMatch(/out=\/results\/sweep\/shard-\$JOB_COMPLETION_INDEX;/)
    // Each pod's command line, with the tiny sweep, runs its shard of it.
    vi.stubEnv('JOB_COMPLETION_INDEX', '1')
    vi.stubEnv('DELTABENCH_SHARD_COUNT', completions!)
    const out = join(tmp('deltabench-shard-auto-'), 'shard-1')
    const r = await cli(argvOf(run.replace(slurmSweep, TINY), { out, resume: '' }))
    expect(r.code, r.err).toBe(0)
    expect(r.err).toContain(`shard 2/${completions} from kubernetes`)
    expect(JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')).shard).toEqual({ index: 2, count: Number(completions) })
  }, 60_000)

  it('deltabench run --shard auto with no engine exits 2 with the fix, writing nothing', async () => {
    for (const v of ['JOB_COMPLETION_INDEX', 'SLURM_ARRAY_TASK_ID', 'SLURM_JOB_ID', 'DELTABENCH_SHARD_INDEX']) vi.stubEnv(v, undefined)
    const out = join(tmp('deltabench-shard-auto-'), 'never')
    const r = await cli(['run', ...TINY.split(' '), '--shard', 'auto', '--no-progress', '--out', out])
    expect(r.code).toBe(2)
    expect(r.err).toMatch(/--shard auto: no shard index in the environment/)
    expect(() => readFileSync(join(out, 'manifest.json'))).toThrow()
  })
})
