/** `deltabench run`: its flags, and running the matrix they describe. */
import type { Command } from 'commander'
import { existsSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { MANIFEST_FILE } from '../core/run-files.ts'
import { availableParallelism } from 'node:os'
import { ConfigError } from '../core/errors.ts'
import { DEFAULT_REQUEST, type RunConfig, type RunRequest } from '../harness/config.ts'
import { FAULT_KINDS } from '../harness/faults.ts'
import { FLOOR_HELP } from '../harness/floor-level.ts'
import { floorNotice } from '../harness/local-floor.ts'
import { parseOverrides, resolveUserRun, type OwnData } from '../harness/request.ts'
import { runMatrix, type Shard } from '../harness/run-matrix.ts'
import { parseShard } from '../harness/shard.ts'
import { checkRunId, RUN_ID_RULE } from '../harness/run-id.ts'
import { loadRerun } from '../harness/rerun.ts'
import { checkRunnable } from '../harness/preflight.ts'
import { CONTENT_MODELS } from '../workloads/content.ts'
import { commaList, repeatable, type SetExitCode } from './cli-flags.ts'
import { printReport } from './cli-runs.ts'
import { progressReporter } from './progress.ts'
import { addSummaryOptions, checkExports, printSummary, type SummaryFlags } from './summary-output.ts'
import { interruptedText } from './interrupt.ts'

interface RunFlags extends OwnData, SummaryFlags {
  strategies?: string[]
  workloads?: string[]
  blockSizes?: string[]
  size?: string
  epochs?: string
  seeds?: string[]
  content?: string
  opt: string[]
  out?: string
  runId?: string
  resume?: boolean
  progress: boolean
  report: boolean
  failOnIncorrect?: boolean
  repeat?: string
  compress?: string
  profile?: string
  costModel?: string
  shard?: string
  storage?: string
  workDir?: string
  jobs?: string
  fault?: string
  faultRate?: string
  cold?: boolean
  from?: string
  floor?: string
}

/** Flags that say where and how a --from run goes, not what it runs: the only ones allowed beside --from. */
const WITH_FROM = ['from', 'out', 'run-id', 'jobs', 'work-dir', 'no-progress', 'no-report', 'fail-on-incorrect', 'wide', 'export-markdown', 'export-csv', 'export-json', 'force']

export function addRunCommand(program: Command, setExitCode: SetExitCode): void {
  const cmd = program
    .command('run')
    .description('run a matrix of strategies × workloads × block sizes × seeds and write results/<run-id>/')
    .option('--strategies <list>', 'comma-separated strategies (default: every registered strategy but the real-tool baselines rdiff, rsync, xdelta3, zstd-patch)', commaList)
    .option('--workloads <list>', `comma-separated workloads (default: ${DEFAULT_REQUEST.workloads.join(',')})`, commaList)
    .option('--block-sizes <list>', `comma-separated block sizes, units allowed (default: ${DEFAULT_REQUEST.blockSizes.join(',')})`, commaList)
    .option('--size <size>', `base volume size, e.g. 64MiB, 1GiB (default: ${DEFAULT_REQUEST.size})`)
    .option('--epochs <n>', `syncs after the base (default: ${DEFAULT_REQUEST.epochs})`)
    .option('--seeds <list>', `comma-separated seeds (default: ${DEFAULT_REQUEST.seeds.join(',')})`, commaList)
    .option('--content <model>', `content model: ${Object.keys(CONTENT_MODELS).join(', ')} (default: ${DEFAULT_REQUEST.content})`)
    .option('--opt <name.key=value>', 'set a strategy or workload option (repeatable), e.g. --opt fixed-block-compare.strongBytes=8', repeatable, [])
    .option('--base <file>', 'your own data: the old image (with --target; one sync, file-pair workload)')
    .option('--target <file>', 'your own data: the new image (with --base)')
    .option('--trace <file>', 'your own block trace (MSR Cambridge CSV, or offset,length CSV): its writes replayed (block-trace workload)')
    .option('--out <dir>', 'run directory (default: results/<run-id>)')
    .option('--run-id <id>', `name of the run directory under results/: ${RUN_ID_RULE}`)
    .option('--resume', 'continue the run in --out (same config), skipping finished cells')
    .option('--repeat <n>', 'run every cell n times: CPU gets median, min, max and a bootstrap interval; bytes must repeat exactly (default: 1)')
    .option('--compress <stage>', 'compression on the channel: none, gzip[:1-9], brotli[:0-11], zstd[:1-22], adaptive (default: none)')
    .option('--profile <name>', 'network for est_sync_ms and adaptive compression: lan, wan, mobile, cross-region, or name:down/up/rtt like sat:20M/2M/600ms (default: wan)')
    .option('--cost-model <model>', 'serial (nothing overlaps) or pipelined (transfer and CPU overlap) (default: serial)')
    .option('--storage <where>', 'where volumes live: memory, file, or auto (file from 512 MiB) (default: auto)')
    .option('--work-dir <dir>', 'parent directory for file-backed volumes (default: the system temporary directory)')
    .option('--jobs <n>', 'cells in parallel, each in its own child process (default: 1, serial, for clean timings)')
    .option('--shard <i/n|auto>', 'run only shard i of n of the matrix (cells dealt round-robin), or auto: i and n from a Kubernetes Indexed Job, a Slurm array or a CI matrix (README); join the shards with deltabench merge')
    .option('--no-progress', 'no progress bar or per-cell lines')
    .option('--no-report', 'do not write report.html and charts/ at the end')
    .option('--fail-on-incorrect', 'exit 3 if any replica came out wrong')
    .option('--cold', "measure each cell's first sync from a fresh start (a full send for most strategies) instead of the steady state after an uncounted priming sync")
    .option('--fault <kind>', `inject a tracker fault in every cell: ${FAULT_KINDS.join(', ')} (deltabench list describes them)`)
    .option('--fault-rate <p>', "probability of the fault per unit it applies to (default: the fault's own)")
    .option('--floor <level>', `the local-delta floor on every row: ${FLOOR_HELP} (default: ${DEFAULT_REQUEST.floor}; cached, see README)`)
    .option('--from <manifest>', `re-run a recorded run's whole config into a new run directory (results/<run-id>/manifest.json, or the directory); only ${WITH_FROM.slice(1).map((f) => `--${f}`).join(', ')} may go with it`)
  addSummaryOptions(cmd).action(async (flags: RunFlags, c: Command) => setExitCode(await run(flags, c)))
}

/** The command line as given to main(argv), for the manifest. */
function invocationOf(cmd: Command): { argv: string[]; cwd: string } {
  // Commander keeps what parse() was given as rawArgs but leaves it out of its typings (test/provenance-from.test.ts checks it).
  const raw = (cmd.parent as unknown as { rawArgs?: string[] } | null)?.rawArgs
  return { argv: [...(raw ?? process.argv.slice(2))], cwd: process.cwd() }
}

/**
 * The recorded run's config for --from, refusing any flag that would change what runs (a flag added later
 * is refused too until it is listed in WITH_FROM), and saying which versions differ from the recorded ones.
 */
function rerunConfig(flags: RunFlags, cmd: Command): { config: RunConfig; shard: Shard | undefined } {
  const given = cmd.options.filter((o) => cmd.getOptionValueSource(o.attributeName()) === 'cli').map((o) => o.long!.slice(2))
  const refused = given.filter((f) => !WITH_FROM.includes(f))
  if (refused.length) throw new ConfigError(`run --from re-runs the recorded config as it was; leave out ${refused.map((f) => `--${f}`).join(', ')} (allowed with --from: ${WITH_FROM.slice(1).map((f) => `--${f}`).join(', ')}), or run without --from`)
  if (flags.out !== undefined && existsSync(join(flags.out, MANIFEST_FILE))) throw new ConfigError(`--out ${flags.out} already holds a run; --from writes a new run directory: choose another --out, or leave it out`)
  const rerun = loadRerun(flags.from!)
  const m = rerun.manifest
  process.stderr.write(`re-running ${rerun.path} (config ${m.configHash.slice(0, 12)}, started ${m.started})\n`)
  process.stderr.write(rerun.differences.length === 0 ? 'versions: every recorded version matches this machine\n' : `versions that differ from the recorded run:\n${rerun.differences.map((d) => `  ${d}\n`).join('')}`)
  // A shard's directory is re-run as that shard; a merged run (every shard) as the whole matrix.
  const shard = m.shard && m.shard.count > 1 && !('mergedFrom' in m) ? m.shard : undefined
  return { config: { ...rerun.config, invocation: { ...invocationOf(cmd), rerunOf: resolve(rerun.path) } }, shard }
}

/** The request the flags make; resolveRun checks every value. */
function requestOf(flags: RunFlags): RunRequest {
  return {
    strategies: flags.strategies,
    workloads: flags.workloads,
    blockSizes: flags.blockSizes,
    size: flags.size,
    epochs: flags.epochs,
    seeds: flags.seeds,
    content: flags.content,
    repeat: flags.repeat,
    compression: flags.compress,
    profile: flags.profile,
    costModel: flags.costModel,
    storage: flags.storage,
    overrides: parseOverrides(flags.opt),
    fault: flags.fault,
    faultRate: flags.faultRate,
    cold: flags.cold,
    floor: flags.floor,
  }
}

function parseJobs(text: string | undefined): number | undefined {
  if (text === undefined) return undefined
  const n = Number(text)
  if (!Number.isInteger(n) || n < 1 || n > 256) throw new ConfigError(`--jobs ${text}: a whole number from 1 to 256 (this machine has ${availableParallelism()} cores)`)
  if (n > 1) process.stderr.write(`note: --jobs ${n} runs cells in parallel; each cell's CPU is its own process's, but cells share cores and caches, so timings are noisier than a serial run (the default)\n`)
  return n
}

/** --shard i/n, or auto (harness/shard.ts), noting on stderr which engine an auto shard came from. */
function shardOf(text: string | undefined): Shard | undefined {
  const s = parseShard(text)
  if (s && s.engine !== 'flag') process.stderr.write(`shard ${s.shard.index}/${s.shard.count} from ${s.engine} (${s.from})\n`)
  return s?.shard
}

/** Where the run goes, checked before anything runs: a run id is a name; --resume names the run it continues. */
function checkDestination(flags: RunFlags): void {
  if (flags.runId !== undefined) checkRunId(flags.runId)
  if (flags.resume && flags.out === undefined && flags.runId === undefined) throw new ConfigError('--resume continues the run in a folder: name it with --out <dir> (or --run-id <id> for results/<id>), e.g. --resume --out results/<run-id>')
}

/** Runs the matrix, prints the summary, writes the report; exit 3 with --fail-on-incorrect when a replica came out wrong. */
async function run(flags: RunFlags, cmd: Command): Promise<number> {
  checkDestination(flags)
  const exports = checkExports(flags, 'run')
  const { config, shard } = flags.from !== undefined ? rerunConfig(flags, cmd) : { config: { ...resolveUserRun(requestOf(flags), flags), invocation: invocationOf(cmd) }, shard: shardOf(flags.shard) }
  const jobs = parseJobs(flags.jobs)
  checkRunnable(config, { workDir: flags.workDir, outDir: flags.out ?? 'results', jobs })
  const notice = floorNotice(config.floor)
  if (notice) process.stderr.write(`note: ${notice}\n`)
  const progress = flags.progress ? progressReporter(process.stderr) : undefined
  const result = await runMatrix(config, {
    shard,
    jobs,
    workDir: flags.workDir,
    outDir: flags.out,
    runId: flags.runId,
    resume: flags.resume ?? false,
    onProgress: progress?.progress,
    onPlan: progress?.plan,
    onStatus: progress?.status,
    onSkip: (_s, _w, reason) => process.stderr.write(`skipped: ${reason}\n`),
    onWarn: (message) => process.stderr.write(`warning: ${message}\n`),
    onInterrupt: (at) => process.stderr.write(interruptedText(at, config.invocation?.argv ?? [])),
  })
  printSummary(result.rows, { strategies: config.strategies.map((s) => s.name), workloads: config.workloads.map((w) => w.name) }, flags, exports)
  const wrong = result.rows.filter((r) => !r.correct).length
  process.stdout.write(`${result.rows.length} syncs, ${wrong === 0 ? 'every replica byte-exact' : `${wrong} WRONG replica(s): see the correct and error columns`}\n`)
  process.stdout.write(`results: ${result.dir}/ (rows.csv, rows.jsonl, manifest.json)\n`)
  if (flags.report) {
    try {
      await printReport(result.dir, result.rows)
    } catch (err) {
      // The rows are safe on disk whatever happened to the charts: say so, and how to retry.
      process.stderr.write(`deltabench: the report could not be written (${err instanceof Error ? err.message : String(err)}); the results are complete, retry with: npx deltabench report ${result.dir}\n`)
      return 1
    }
  }
  return wrong > 0 && flags.failOnIncorrect ? 3 : 0
}
