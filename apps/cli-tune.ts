/** `deltabench tune`: its flags, the tuning request they make, and where the results go. */
import type { Command } from 'commander'
import { join } from 'node:path'
import { ConfigError } from '../core/errors.ts'
import { parseCostModel, parseProfile, PROFILES } from '../core/network-profile.ts'
import { parseSize } from '../core/units.ts'
import { resolveRun } from '../harness/config.ts'
import { configHash } from '../harness/manifest.ts'
import { parseOverrides, strategiesFor, withOwnData } from '../harness/request.ts'
import { defaultRunId } from '../harness/run-matrix.ts'
import { commaList, repeatable, type SetExitCode } from './cli-flags.ts'
import { TUNE_FILES, tune, tuneText, writeTuneResults, type TuneRequest } from './tune.ts'

interface TuneFlags {
  strategies?: string[]
  workload?: string
  base?: string
  target?: string
  profiles?: string[]
  costModel?: string
  min?: string
  max?: string
  size?: string
  epochs?: string
  seeds?: string[]
  content?: string
  compress?: string
  repeat?: string
  opt: string[]
  out?: string
}

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
    .option('--min <size>', 'smallest block size (default: 256)')
    .option('--max <size>', 'largest block size (default: 1MiB)')
    .option('--size <size>', 'base volume size (default: 16MiB)')
    .option('--epochs <n>', 'syncs per measurement (default: 2)')
    .option('--seeds <list>', 'seeds (default: 1)', commaList)
    .option('--content <model>', 'content model (default: mixed)')
    .option('--compress <stage>', 'compression on the channel (default: none)')
    .option('--repeat <n>', 'measure each block size n times and use the median (default: 1)')
    .option('--opt <name.key=value>', 'a strategy or workload option (repeatable)', repeatable, [])
    .option('--out <dir>', 'where to write tune.json, rows.jsonl and the chart (default: results/tune-<time>)')
    .action(async (flags: TuneFlags) => setExitCode(await runTune(flags)))
}

/** The tuning the flags ask for: one workload (or the user's file pair), each block size measured on one seed by default. */
function tuneRequest(flags: TuneFlags): Omit<TuneRequest, 'onEvaluate'> {
  const shaped = withOwnData({ workloads: flags.workload === undefined ? undefined : [flags.workload], seeds: flags.seeds, overrides: parseOverrides(flags.opt) }, flags, '--workload')
  const workloads = shaped.workloads ?? ['random-overwrite']
  const model = parseCostModel(flags.costModel ?? 'serial')
  const config = resolveRun({
    ...shaped,
    strategies: flags.strategies ?? strategiesFor(workloads),
    workloads,
    // A placeholder: tune sets the block size of every measurement itself.
    blockSizes: [1],
    size: flags.size,
    epochs: flags.epochs ?? 2,
    seeds: shaped.seeds ?? ['1'],
    content: flags.content,
    compression: flags.compress,
    costModel: model,
    repeat: flags.repeat ?? 1,
  })
  const min = parseSize(flags.min ?? '256', '--min')
  const max = parseSize(flags.max ?? '1MiB', '--max')
  if (min < 1 || max < min) throw new ConfigError(`--min ${flags.min} and --max ${flags.max}: need 1 <= min <= max`)
  const profiles = flags.profiles ?? Object.keys(PROFILES)
  for (const p of profiles) parseProfile(p)
  return { config, profiles, model, min, max }
}

async function runTune(flags: TuneFlags): Promise<number> {
  const req = tuneRequest(flags)
  const out = flags.out ?? join('results', `tune-${defaultRunId(configHash(req.config))}`)
  const tuned = await tune({ ...req, onEvaluate: (s, bs) => process.stderr.write(`measuring ${s} at ${bs} B\n`) })
  await writeTuneResults(out, req, tuned)
  process.stdout.write(`${tuneText(tuned.results)}\n\ntune results: ${out}/ (${TUNE_FILES.join(', ')})\n`)
  return 0
}
