/** `deltabench tune`: its flags, the tuning request they make, and where the results go. */
import type { Command } from 'commander'
import { join } from 'node:path'
import { ConfigError } from '../core/errors.ts'
import { MAX_BLOCK_SIZE } from '../core/strategy.ts'
import { parseCostModel, parseProfile, PROFILES } from '../core/network-profile.ts'
import { parseSize } from '../core/units.ts'
import { preflight } from '../harness/preflight.ts'
import { configHash } from '../harness/manifest.ts'
import { parseOverrides, strategiesFor, withOwnData } from '../harness/request.ts'
import { defaultRunId } from '../harness/run-matrix.ts'
import { commaList, repeatable, type SetExitCode } from './cli-flags.ts'
import { checkTuneFolder, TUNE_FILES, tune, tuneText, writeTuneResults, type TuneRequest } from './tune.ts'

interface TuneFlags {
  strategies?: string[]
  workload?: string
  base?: string
  target?: string
  profiles?: string[]
  costModel?: string
  min?: string
  max?: string
  align?: string
  size?: string
  epochs?: string
  seeds?: string[]
  content?: string
  compress?: string
  repeat?: string
  opt: string[]
  out?: string
}

/**
 * Defaults: six seeds of one sync each, so the interval and the paired test have six independent units
 * (96.9% coverage, 1.6% false alarm per size) at the cost of six syncs per block size. A file pair's
 * bytes do not depend on the seed, so there the six units are repeats.
 */
const DEFAULT_SEEDS = ['1', '2', '3', '4', '5', '6']
const DEFAULT_EPOCHS = 1
const DEFAULT_MIN = 256
const DEFAULT_MAX = '1MiB'

export function addTuneCommand(program: Command, setExitCode: SetExitCode): void {
  program
    .command('tune')
    .description('recommend the block size that minimises estimated time to sync, per strategy and network profile')
    .option('--strategies <list>', 'comma-separated strategies (default: all that can run on the workload)', commaList)
    .option('--workload <name>', 'workload to tune on (default: random-overwrite)')
    .option('--base <file>', 'tune on your own data: the old image (with --target)')
    .option('--target <file>', 'the new image (with --base)')
    .option('--profiles <list>', `network profiles: ${Object.keys(PROFILES).join(', ')} or name:down/up/rtt (default: all built-in)`, commaList)
    .option('--cost-model <model>', 'serial or pipelined (default: serial)')
    .option('--min <size>', `smallest block size (default: ${DEFAULT_MIN}, or --align when larger)`)
    .option('--max <size>', `largest block size (default: ${DEFAULT_MAX})`)
    .option('--align <size>', 'evaluate only multiples of this power of two, e.g. 4KiB for a block device (default: none; refinement midpoints are multiples of 8)')
    .option('--size <size>', 'base volume size (default: 16MiB)')
    .option('--epochs <n>', `syncs per seed and repeat (default: ${DEFAULT_EPOCHS})`)
    .option('--seeds <list>', `seeds: each seed × repeat is one unit of the interval and the paired test (default: ${DEFAULT_SEEDS.join(',')})`, commaList)
    .option('--content <model>', 'content model (default: mixed)')
    .option('--compress <stage>', 'compression on the channel (default: none)')
    .option('--repeat <n>', `measure each block size n times per seed; the median over repeats, as the aggregation takes it (default: 1; ${DEFAULT_SEEDS.length} with --base/--target, whose one seed gives one unit)`)
    .option('--opt <name.key=value>', 'a strategy or workload option (repeatable)', repeatable, [])
    .option('--out <dir>', 'where to write tune.json, rows.jsonl and the chart: a new or empty folder, or an earlier tune\'s (default: results/tune-<time>)')
    .action(async (flags: TuneFlags) => setExitCode(await runTune(flags)))
}

/** --min, --max and --align checked against each other; min defaults to --align when that is larger. */
function blockRange(flags: TuneFlags): { min: number; max: number; align?: number } {
  const align = flags.align === undefined ? undefined : parseSize(flags.align, '--align')
  if (align !== undefined && !(align >= 1 && Number.isInteger(Math.log2(align)))) throw new ConfigError(`tune: --align ${flags.align} must be a power of two, e.g. 4KiB (4096) for a block device`)
  const max = parseSize(flags.max ?? DEFAULT_MAX, '--max')
  if (align !== undefined && align > max) throw new ConfigError(`tune: --align ${flags.align} is larger than --max ${flags.max ?? DEFAULT_MAX}; raise --max to at least ${align} or lower --align`)
  const min = flags.min === undefined ? Math.max(DEFAULT_MIN, align ?? 1) : parseSize(flags.min, '--min')
  if (min < 1 || max < min) throw new ConfigError(`tune: --min ${flags.min ?? min} and --max ${flags.max ?? max}: need 1 <= min <= max`)
  if (max > MAX_BLOCK_SIZE) throw new ConfigError(`tune: --max ${flags.max} is above the largest block size, 1GiB; lower --max`)
  if (align === undefined) return { min, max }
  if (min % align !== 0) throw new ConfigError(`tune: --min ${flags.min} is not a multiple of --align ${flags.align}; use --min ${Math.ceil(min / align) * align}, or leave --min out (it then starts at --align)`)
  if (max % align !== 0) throw new ConfigError(`tune: --max ${flags.max} is not a multiple of --align ${flags.align}; use --max ${Math.floor(max / align) * align}`)
  return { min, max, align }
}

/** The tuning the flags ask for: one workload (or the user's file pair), every block size measured on every seed and repeat. */
function tuneRequest(flags: TuneFlags): Omit<TuneRequest, 'onEvaluate'> {
  const shaped = withOwnData({ workloads: flags.workload === undefined ? undefined : [flags.workload], seeds: flags.seeds, overrides: parseOverrides(flags.opt) }, flags, '--workload')
  const workloads = shaped.workloads ?? ['random-overwrite']
  const model = parseCostModel(flags.costModel ?? 'serial')
  // The same checks as `run`, before anything is written: every option and validate(), and the machine's room.
  const config = preflight({
    ...shaped,
    strategies: flags.strategies ?? strategiesFor(workloads),
    workloads,
    // A placeholder: tune sets the block size of every measurement itself.
    blockSizes: [1],
    size: flags.size,
    epochs: flags.epochs ?? DEFAULT_EPOCHS,
    seeds: shaped.seeds ?? DEFAULT_SEEDS,
    content: flags.content,
    compression: flags.compress,
    costModel: model,
    // A file pair has one seed (its bytes do not depend on one), so its units come from repeats.
    repeat: flags.repeat ?? (flags.base === undefined ? 1 : DEFAULT_SEEDS.length),
    // Where tune keeps its volumes (apps/tune.ts prepares them in memory), so the capacity check sizes that.
    storage: 'memory',
  }, {}, { outDir: flags.out ?? 'results' })
  const range = blockRange(flags)
  const profiles = flags.profiles ?? Object.keys(PROFILES)
  for (const p of profiles) parseProfile(p)
  return { config, profiles, model, ...range }
}

async function runTune(flags: TuneFlags): Promise<number> {
  const req = tuneRequest(flags)
  const out = flags.out ?? join('results', `tune-${defaultRunId(configHash(req.config))}`)
  // Before measuring: a tune refused only at the end would have spent its whole run for nothing.
  checkTuneFolder(out)
  const tuned = await tune({ ...req, onEvaluate: (s, bs) => process.stderr.write(`measuring ${s} at ${bs} B\n`) })
  await writeTuneResults(out, req, tuned)
  process.stdout.write(`${tuneText(tuned.results)}\n\ntune results: ${out}/ (${TUNE_FILES.join(', ')})\n`)
  return 0
}
