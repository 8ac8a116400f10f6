/**
 * `--shard i/n` and `--shard auto`: which share of the matrix this process runs. `auto` reads it from the
 * engine that launched the process (a Kubernetes Indexed Job, a Slurm job array, a CI matrix), so one
 * command line serves every shard.
 */
import { ConfigError } from '../core/errors.ts'

/** Shard `index` of `count`, both 1-based as on the command line (`--shard 2/4`). */
export interface Shard {
  index: number
  count: number
}

/** Where an `auto` shard came from: the engine, and the variables it was read from, for a note on stderr. */
export interface ShardSource {
  shard: Shard
  engine: 'kubernetes' | 'slurm' | 'ci-matrix'
  from: string
}

type Env = Readonly<Record<string, string | undefined>>

/** The count for a Kubernetes Indexed Job (spec.completions, not exposed to the pod) and a CI matrix. */
export const SHARD_COUNT_VAR = 'DELTABENCH_SHARD_COUNT'
/** A CI matrix's 0-based index, e.g. GitHub Actions' `${{ strategy.job-index }}`. */
export const SHARD_INDEX_VAR = 'DELTABENCH_SHARD_INDEX'

const HOW =
  `Kubernetes Indexed Job: JOB_COMPLETION_INDEX (set by Kubernetes) and ${SHARD_COUNT_VAR} = spec.completions; ` +
  'Slurm job array: SLURM_ARRAY_TASK_ID and SLURM_ARRAY_TASK_COUNT (sbatch --array=0-3); ' +
  `CI matrix: ${SHARD_INDEX_VAR} (0-based, e.g. \${{ strategy.job-index }}) and ${SHARD_COUNT_VAR} (e.g. \${{ strategy.job-total }})`

/** Parses `--shard`: `i/n` (1 <= i <= n) or `auto` (from `env`). Undefined when the flag is absent. */
export function parseShard(text: string | undefined, env: Env = process.env): ShardSource | { shard: Shard; engine: 'flag'; from: string } | undefined {
  if (text === undefined) return undefined
  if (text === 'auto') return shardFromEnv(env)
  const m = /^(\d+)\/(\d+)$/.exec(text)
  const index = Number(m?.[1])
  const count = Number(m?.[2])
  if (!m || count < 1 || index < 1 || index > count) throw new ConfigError(`--shard ${text}: write i/n with 1 <= i <= n, e.g. --shard 2/4, or --shard auto to read it from a Kubernetes Indexed Job, a Slurm array or a CI matrix`)
  return { shard: { index, count }, engine: 'flag', from: `--shard ${text}` }
}

/**
 * The shard from the launching engine's environment. Exactly one engine must be found: none, or two at
 * once (a Slurm array whose script also sets the CI variables), is refused with what to set.
 */
export function shardFromEnv(env: Env): ShardSource {
  const found: ShardSource[] = []
  if (env.JOB_COMPLETION_INDEX !== undefined) found.push(kubernetes(env))
  if (env.SLURM_ARRAY_TASK_ID !== undefined) found.push(slurm(env))
  if (env[SHARD_INDEX_VAR] !== undefined) found.push(ciMatrix(env))
  if (found.length === 1) return found[0]!
  if (found.length > 1) throw new ConfigError(`--shard auto: found ${found.map((f) => `${f.engine} (${f.from})`).join(' and ')}; leave only one engine's variables set, or give --shard i/n`)
  const slurmJob = env.SLURM_JOB_ID !== undefined ? ' (this is a Slurm job but not an array job: submit it with sbatch --array=0-<n-1>)' : ''
  throw new ConfigError(`--shard auto: no shard index in the environment${slurmJob}; set one of — ${HOW} — or give --shard i/n`)
}

function kubernetes(env: Env): ShardSource {
  const index0 = wholeNumber('JOB_COMPLETION_INDEX', env.JOB_COMPLETION_INDEX)
  // Kubernetes gives the pod its index but not spec.completions; the manifest passes it (docs/examples/deltabench-indexed-job.yaml).
  if (env[SHARD_COUNT_VAR] === undefined) throw new ConfigError(`--shard auto: JOB_COMPLETION_INDEX=${index0} (a Kubernetes Indexed Job) but no ${SHARD_COUNT_VAR}; Kubernetes does not expose spec.completions to the pod: add env ${SHARD_COUNT_VAR} with the Job's completions to the container`)
  const count = positive(SHARD_COUNT_VAR, env[SHARD_COUNT_VAR])
  return checked('kubernetes', index0, count, `JOB_COMPLETION_INDEX=${index0}, ${SHARD_COUNT_VAR}=${count}`)
}

/** A Slurm array `--array=a-b[:s]`: task ids a, a+s, … b; the shard is the id's place in that range. */
function slurm(env: Env): ShardSource {
  const id = wholeNumber('SLURM_ARRAY_TASK_ID', env.SLURM_ARRAY_TASK_ID)
  const count = positive('SLURM_ARRAY_TASK_COUNT', env.SLURM_ARRAY_TASK_COUNT)
  const min = env.SLURM_ARRAY_TASK_MIN === undefined ? 0 : wholeNumber('SLURM_ARRAY_TASK_MIN', env.SLURM_ARRAY_TASK_MIN)
  const max = env.SLURM_ARRAY_TASK_MAX === undefined ? min + count - 1 : wholeNumber('SLURM_ARRAY_TASK_MAX', env.SLURM_ARRAY_TASK_MAX)
  const step = env.SLURM_ARRAY_TASK_STEP === undefined ? 1 : positive('SLURM_ARRAY_TASK_STEP', env.SLURM_ARRAY_TASK_STEP)
  // A list like --array=1,4,9 has no step that maps ids onto 0..count-1: refuse rather than guess.
  if (min + (count - 1) * step !== max || (id - min) % step !== 0) {
    throw new ConfigError(`--shard auto: the Slurm array (ids ${min}..${max}, step ${step}, ${count} tasks) is not one even range; submit it as sbatch --array=0-${count - 1} (a %limit is fine)`)
  }
  return checked('slurm', (id - min) / step, count, `SLURM_ARRAY_TASK_ID=${id}, SLURM_ARRAY_TASK_MIN=${min}, SLURM_ARRAY_TASK_COUNT=${count}`)
}

function ciMatrix(env: Env): ShardSource {
  const index0 = wholeNumber(SHARD_INDEX_VAR, env[SHARD_INDEX_VAR])
  if (env[SHARD_COUNT_VAR] === undefined) throw new ConfigError(`--shard auto: ${SHARD_INDEX_VAR}=${index0} but no ${SHARD_COUNT_VAR}; set both (GitHub Actions: ${SHARD_INDEX_VAR}: \${{ strategy.job-index }}, ${SHARD_COUNT_VAR}: \${{ strategy.job-total }})`)
  const count = positive(SHARD_COUNT_VAR, env[SHARD_COUNT_VAR])
  return checked('ci-matrix', index0, count, `${SHARD_INDEX_VAR}=${index0}, ${SHARD_COUNT_VAR}=${count}`)
}

function checked(engine: ShardSource['engine'], index0: number, count: number, from: string): ShardSource {
  if (index0 >= count) throw new ConfigError(`--shard auto: ${from} (${engine}): the 0-based index must be below the count; make the count the number of tasks the engine starts`)
  return { shard: { index: index0 + 1, count }, engine, from }
}

function wholeNumber(name: string, text: string | undefined): number {
  const t = (text ?? '').trim()
  if (!/^\d{1,9}$/.test(t)) throw new ConfigError(`--shard auto: ${name}=${JSON.stringify(text)} is not a whole number; unset it or set it to the task's index`)
  return Number(t)
}

function positive(name: string, text: string | undefined): number {
  const n = wholeNumber(name, text)
  if (n < 1) throw new ConfigError(`--shard auto: ${name}=${n}; the count of shards is at least 1`)
  return n
}
