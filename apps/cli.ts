/**
 * The command line: a thin shell over the library (resolveRun, runMatrix, summaryTable, compareRuns, tune).
 * Exit codes: 0 done, 2 bad flags or config (nothing written), 3 with --fail-on-incorrect when a replica
 * came out wrong, 4 when compare finds a regression, 1 anything unexpected.
 */
import { Command, CommanderError, Option } from 'commander'
import { CONTENT_MODELS, DEFAULT_REQUEST, resolveRun, type OptionOverrides, type RunRequest } from '../harness/config.ts'
import { ConfigError, DeltabenchError } from '../core/errors.ts'
import { listText } from './list.ts'
import { progressReporter } from './progress.ts'
import { writeReport } from '../analysis/report/write-report.ts'
import { columnsMarkdown, type ResultRow } from '../core/result-row.ts'
import { runMatrix } from '../harness/run-matrix.ts'
import { summaryTable } from '../analysis/summary.ts'
import { configHash } from '../harness/manifest.ts'
import { readRows, VERSION } from '../core/run-files.ts'
import { writeFileSync, mkdirSync } from 'node:fs'
import { availableParallelism } from 'node:os'
import { join } from 'node:path'
import { comparisonChart, comparisonMarkdown, comparisonText, compareRuns } from '../analysis/compare.ts'
import { tune, tuneChart, tuneText } from './tune.ts'
import { renderPng, renderSvg } from '../analysis/charts/render.ts'
import { mergeRuns } from '../harness/merge.ts'
import { parseCostModel, parseProfile, PROFILES } from '../core/network-profile.ts'
import { findWorkload } from '../harness/config.ts'
import { STRATEGIES } from '../strategies/index.ts'
import { parseSize } from '../core/units.ts'
import { defaultRunId } from '../harness/run-matrix.ts'
import { FAULT_KINDS } from '../harness/faults.ts'

const list = (v: string) => v.split(',').map((s) => s.trim()).filter(Boolean)

function collectOpt(v: string, prev: string[]): string[] {
  return [...prev, v]
}

function parseOverrides(items: string[]): OptionOverrides {
  const out: OptionOverrides = {}
  for (const item of items) {
    const m = /^([a-z0-9-]+)\.([A-Za-z0-9]+)=(.*)$/.exec(item)
    if (!m) throw new ConfigError(`--opt ${item}: write it as <strategy or workload>.<option>=<value>, e.g. --opt insert-delete.edits=32`)
    ;(out[m[1]!] ??= {})[m[2]!] = m[3]!
  }
  return out
}

interface RunFlags {
  strategies?: string[]
  workloads?: string[]
  blockSizes?: string[]
  size?: string
  epochs?: string
  seeds?: string[]
  content?: string
  opt: string[]
  base?: string
  target?: string
  trace?: string
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
}

function parseJobs(text: string | undefined): number | undefined {
  if (text === undefined) return undefined
  const n = Number(text)
  if (!Number.isInteger(n) || n < 1 || n > 256) throw new ConfigError(`--jobs ${text}: a whole number from 1 to 256 (this machine has ${availableParallelism()} cores)`)
  if (n > 1) process.stderr.write(`note: --jobs ${n} runs cells in parallel; each cell's CPU is its own process's, but cells share cores and caches, so timings are noisier than a serial run (the default)\n`)
  return n
}

function parseShard(text: string | undefined): { index: number; count: number } | undefined {
  if (text === undefined) return undefined
  const m = /^(\d+)\/(\d+)$/.exec(text)
  const index = Number(m?.[1])
  const count = Number(m?.[2])
  if (!m || count < 1 || index < 1 || index > count) throw new ConfigError(`--shard ${text}: write i/n with 1 <= i <= n, e.g. --shard 2/4`)
  return { index, count }
}

async function run(flags: RunFlags): Promise<number> {
  const overrides = parseOverrides(flags.opt)
  const req: RunRequest = {
    strategies: flags.strategies,
    workloads: flags.workloads,
    blockSizes: flags.blockSizes,
    size: flags.size,
    epochs: flags.epochs === undefined ? undefined : Number(flags.epochs),
    seeds: flags.seeds,
    content: flags.content,
    repeat: flags.repeat === undefined ? undefined : Number(flags.repeat),
    compression: flags.compress,
    profile: flags.profile,
    costModel: flags.costModel,
    storage: flags.storage,
    overrides,
    fault: flags.fault,
    faultRate: flags.faultRate,
  }
  if (flags.repeat !== undefined && !/^\d+$/.test(flags.repeat)) throw new ConfigError(`--repeat must be a whole number, got "${flags.repeat}"`)
  if (flags.epochs !== undefined && !/^\d+$/.test(flags.epochs)) throw new ConfigError(`--epochs must be a whole number, got "${flags.epochs}"`)
  if (flags.base !== undefined || flags.target !== undefined) {
    if (!flags.base || !flags.target) throw new ConfigError('--base and --target go together: --base old.img --target new.img')
    if (flags.workloads) throw new ConfigError('--base/--target is the file-pair workload; leave out --workloads')
    req.workloads = ['file-pair']
    // A file pair has no randomness: one seed unless asked otherwise.
    req.seeds ??= ['1']
    req.overrides = { ...overrides, 'file-pair': { base: flags.base, target: flags.target } }
  }
  if (flags.trace !== undefined) {
    if (flags.workloads || flags.base !== undefined) throw new ConfigError('--trace <file> is the block-trace workload; leave out --workloads and --base/--target')
    req.workloads = ['block-trace']
    req.overrides = { ...req.overrides, 'block-trace': { ...req.overrides?.['block-trace'], path: flags.trace } }
  }
  const config = resolveRun(req)
  if (req.workloads?.[0] === 'file-pair') {
    // Fail early, before anything is written, if nothing at all can run on a file pair.
    const { findStrategy } = await import('../harness/config.ts')
    const runnable = config.strategies.filter((s) => !findStrategy(s.name).needsWriteTrace)
    if (runnable.length === 0) {
      throw new ConfigError(`${config.strategies.map((s) => s.name).join(', ')} need a write trace, which a file pair does not have; pick a strategy that compares content, e.g. --strategies fixed-block-compare`)
    }
  }
  const shard = parseShard(flags.shard)
  const result = await runMatrix(config, {
    shard,
    jobs: parseJobs(flags.jobs),
    workDir: flags.workDir,
    outDir: flags.out,
    runId: flags.runId,
    resume: flags.resume ?? false,
    onProgress: flags.progress ? progressReporter() : undefined,
    onSkip: (_s, _w, reason) => process.stderr.write(`skipped: ${reason}\n`),
    onWarn: (message) => process.stderr.write(`warning: ${message}\n`),
  })
  process.stdout.write(`\n${summaryTable(result.rows)}\n\n`)
  const wrong = result.rows.filter((r) => !r.correct).length
  process.stdout.write(`${result.rows.length} syncs, ${wrong === 0 ? 'every replica byte-exact' : `${wrong} WRONG replica(s): see the correct and error columns`}\n`)
  process.stdout.write(`results: ${result.dir}/ (rows.csv, rows.jsonl, manifest.json)\n`)
  if (flags.report) {
    try {
      await report(result.dir, result.rows)
    } catch (err) {
      // The rows are safe on disk whatever happened to the charts: say so, and how to retry.
      process.stderr.write(`deltabench: the report could not be written (${err instanceof Error ? err.message : String(err)}); the results are complete, retry with: npx deltabench report ${result.dir}\n`)
      return 1
    }
  }
  return wrong > 0 && flags.failOnIncorrect ? 3 : 0
}

async function compareCommand(a: string, b: string, flags: { format: string; cpuThreshold: string; bytesThreshold: string; chart?: string }): Promise<number> {
  const pctFlag = (name: string, v: string) => {
    const n = Number(v)
    if (!Number.isFinite(n) || n < 0) throw new ConfigError(`--${name} must be a percentage like 5, got "${v}"`)
    return n / 100
  }
  const c = compareRuns(readRows(a), readRows(b), { cpuThreshold: pctFlag('cpu-threshold', flags.cpuThreshold), bytesThreshold: pctFlag('bytes-threshold', flags.bytesThreshold) })
  if (flags.format === 'json') process.stdout.write(JSON.stringify(c, null, 2) + '\n')
  else process.stdout.write((flags.format === 'markdown' ? comparisonMarkdown(c) : comparisonText(c)) + '\n')
  if (flags.chart) writeFileSync(flags.chart, JSON.stringify(comparisonChart(c), null, 2) + '\n')
  return c.regressions > 0 ? 4 : 0
}

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

async function tuneCommand(flags: TuneFlags): Promise<number> {
  const overrides = parseOverrides(flags.opt)
  let workloads = [flags.workload ?? 'random-overwrite']
  if (flags.base !== undefined || flags.target !== undefined) {
    if (!flags.base || !flags.target) throw new ConfigError('--base and --target go together')
    if (flags.workload) throw new ConfigError('--base/--target is the file-pair workload; leave out --workload')
    workloads = ['file-pair']
    overrides['file-pair'] = { base: flags.base, target: flags.target }
  }
  const fileOnly = workloads[0] === 'file-pair' || !findWorkload(workloads[0]!).hasWriteTrace
  const strategies = flags.strategies ?? STRATEGIES.filter((s) => !s.external && !(fileOnly && s.needsWriteTrace)).map((s) => s.name)
  if (flags.epochs !== undefined && !/^\d+$/.test(flags.epochs)) throw new ConfigError(`--epochs must be a whole number, got "${flags.epochs}"`)
  const model = parseCostModel(flags.costModel ?? 'serial')
  const config = resolveRun({ strategies, workloads, blockSizes: [1], size: flags.size, epochs: flags.epochs === undefined ? 2 : Number(flags.epochs), seeds: flags.seeds ?? ['1'], content: flags.content, compression: flags.compress, costModel: model, repeat: flags.repeat === undefined ? 1 : Number(flags.repeat), overrides })
  const min = parseSize(flags.min ?? '256', '--min')
  const max = parseSize(flags.max ?? '1MiB', '--max')
  if (min < 1 || max < min) throw new ConfigError(`--min ${flags.min} and --max ${flags.max}: need 1 <= min <= max`)
  const profiles = flags.profiles ?? Object.keys(PROFILES)
  for (const p of profiles) parseProfile(p)
  const out = flags.out ?? join('results', `tune-${defaultRunId(configHash(config))}`)
  const { results, rows } = await tune({ config, profiles, model, min, max, onEvaluate: (s, bs) => process.stderr.write(`measuring ${s} at ${bs} B\n`) })
  mkdirSync(out, { recursive: true })
  writeFileSync(join(out, 'tune.json'), JSON.stringify({ config, profiles, model, min, max, results }, null, 2) + '\n')
  writeFileSync(join(out, 'rows.jsonl'), rows.map((r) => JSON.stringify(r) + '\n').join(''))
  const spec = tuneChart(results)
  writeFileSync(join(out, 'tune.vl.json'), JSON.stringify(spec, null, 2) + '\n')
  const svg = await renderSvg(spec)
  writeFileSync(join(out, 'tune.svg'), svg)
  writeFileSync(join(out, 'tune.png'), renderPng(svg))
  process.stdout.write(`${tuneText(results)}\n\ntune results: ${out}/ (tune.json, rows.jsonl, tune.vl.json, tune.svg, tune.png)\n`)
  return 0
}

async function report(dir: string, rows?: readonly ResultRow[]): Promise<void> {
  const r = await writeReport(dir, { rows })
  const absent = r.absent.length ? `; not drawn: ${r.absent.map((a) => a.id).join(', ')} (the report says why)` : ''
  process.stdout.write(`report: ${r.path} (${r.charts.length} charts${absent}, ${(r.ms / 1000).toFixed(1)} s)\n`)
}

export async function main(argv: string[]): Promise<number> {
  const program = new Command('deltabench')
    .description('Benchmark and research harness for delta-sync strategies')
    .version(VERSION)
    .exitOverride()
    .showHelpAfterError('(deltabench --help lists every command and flag)')
  let code = 0
  program
    .command('run')
    .description('run a matrix of strategies × workloads × block sizes × seeds and write results/<run-id>/')
    .option('--strategies <list>', 'comma-separated strategies (default: every registered strategy but the real-tool baselines rdiff, rsync, xdelta3, zstd-patch)', list)
    .option('--workloads <list>', `comma-separated workloads (default: ${DEFAULT_REQUEST.workloads.join(',')})`, list)
    .option('--block-sizes <list>', `comma-separated block sizes, units allowed (default: ${DEFAULT_REQUEST.blockSizes.join(',')})`, list)
    .option('--size <size>', `base volume size, e.g. 64MiB, 1GiB (default: ${DEFAULT_REQUEST.size})`)
    .option('--epochs <n>', `syncs after the base (default: ${DEFAULT_REQUEST.epochs})`)
    .option('--seeds <list>', `comma-separated seeds (default: ${DEFAULT_REQUEST.seeds.join(',')})`, list)
    .option('--content <model>', `content model: ${Object.keys(CONTENT_MODELS).join(', ')} (default: ${DEFAULT_REQUEST.content})`)
    .option('--opt <name.key=value>', 'set a strategy or workload option (repeatable), e.g. --opt fixed-block-compare.strongBytes=8', collectOpt, [])
    .option('--base <file>', 'your own data: the old image (with --target; one sync, file-pair workload)')
    .option('--target <file>', 'your own data: the new image (with --base)')
    .option('--trace <file>', 'your own block trace (MSR Cambridge CSV, or offset,length CSV): its writes replayed (block-trace workload)')
    .option('--out <dir>', 'run directory (default: results/<run-id>)')
    .option('--run-id <id>', 'name of the run directory under results/')
    .option('--resume', 'continue the run in --out (same config), skipping finished cells')
    .option('--repeat <n>', 'run every cell n times: CPU gets median, min, max and a bootstrap interval; bytes must repeat exactly (default: 1)')
    .option('--compress <stage>', 'compression on the channel: none, gzip[:1-9], brotli[:0-11], zstd[:1-22], adaptive (default: none)')
    .option('--profile <name>', 'network for est_sync_ms and adaptive compression: lan, wan, mobile, cross-region, or name:down/up/rtt like sat:20M/2M/600ms (default: wan)')
    .option('--cost-model <model>', 'serial (nothing overlaps) or pipelined (transfer and CPU overlap) (default: serial)')
    .option('--storage <where>', 'where volumes live: memory, file, or auto (file from 512 MiB) (default: auto)')
    .option('--work-dir <dir>', 'parent directory for file-backed volumes (default: the system temporary directory)')
    .option('--jobs <n>', 'cells in parallel, each in its own child process (default: 1, serial, for clean timings)')
    .option('--shard <i/n>', 'run only shard i of n of the matrix (cells dealt round-robin); join the shards with deltabench merge')
    .option('--no-progress', 'no progress bar or per-cell lines')
    .option('--no-report', 'do not write report.html and charts/ at the end')
    .option('--fail-on-incorrect', 'exit 3 if any replica came out wrong')
    .option('--fault <kind>', `inject a tracker fault in every cell: ${FAULT_KINDS.join(', ')} (deltabench list describes them)`)
    .option('--fault-rate <p>', 'probability of the fault per unit it applies to (default: the fault\'s own)')
    .addOption(new Option('--preset <name>', 'a named matrix; "default" is the small matrix npm run bench uses').choices(['default']))
    .action(async (flags: RunFlags) => {
      code = await run(flags)
    })
  program
    .command('compare')
    .description('compare two run directories cell by cell: change in bytes and CPU, flagged better/worse/same; exit 4 on a regression')
    .argument('<run-a>', 'the baseline run directory')
    .argument('<run-b>', 'the run to judge against it')
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'markdown', 'json']).default('text'))
    .option('--cpu-threshold <pct>', 'CPU change that counts, in percent (the 95% interval must also exclude no change)', '5')
    .option('--bytes-threshold <pct>', 'change in bytes that counts, in percent (bytes are deterministic: 0 flags any increase)', '0')
    .option('--chart <file>', 'also write a Vega-Lite chart of the changes to this file (.vl.json)')
    .action(async (a: string, b: string, flags: { format: string; cpuThreshold: string; bytesThreshold: string; chart?: string }) => {
      code = await compareCommand(a, b, flags)
    })
  program
    .command('tune')
    .description('recommend the block size that minimises estimated time to sync, per strategy and network profile')
    .option('--strategies <list>', 'comma-separated strategies (default: all that can run on the workload)', list)
    .option('--workload <name>', 'workload to tune on (default: random-overwrite)')
    .option('--base <file>', 'tune on your own data: the old image (with --target)')
    .option('--target <file>', 'the new image (with --base)')
    .option('--profiles <list>', `network profiles: ${Object.keys(PROFILES).join(', ')} or name:down/up/rtt (default: all built-in)`, list)
    .option('--cost-model <model>', 'serial or pipelined (default: serial)')
    .option('--min <size>', 'smallest block size (default: 256)')
    .option('--max <size>', 'largest block size (default: 1MiB)')
    .option('--size <size>', 'base volume size (default: 16MiB)')
    .option('--epochs <n>', 'syncs per measurement (default: 2)')
    .option('--seeds <list>', 'seeds (default: 1)', list)
    .option('--content <model>', 'content model (default: mixed)')
    .option('--compress <stage>', 'compression on the channel (default: none)')
    .option('--repeat <n>', 'measure each block size n times and use the median (default: 1)')
    .option('--opt <name.key=value>', 'a strategy or workload option (repeatable)', collectOpt, [])
    .option('--out <dir>', 'where to write tune.json, rows.jsonl and the chart (default: results/tune-<time>)')
    .action(async (flags: TuneFlags) => {
      code = await tuneCommand(flags)
    })
  program
    .command('merge')
    .description('join the run directories of the shards of one sweep (--shard i/n) into one run')
    .argument('<out>', 'the merged run directory to write')
    .argument('<dirs...>', 'the shard run directories')
    .action((out: string, dirs: string[]) => {
      const r = mergeRuns(dirs, out)
      process.stdout.write(`merged ${dirs.length} shard(s), ${r.rows.length} rows${r.manifest.status === 'complete' ? '' : ' (INCOMPLETE: a shard is missing or unfinished)'}: ${out}/\n`)
    })
  program
    .command('report')
    .description('write report.html and charts/ (Vega-Lite spec, SVG, PNG per chart) for a run directory')
    .argument('<run-dir>', 'a run directory, e.g. results/<run-id>')
    .action(async (dir: string) => {
      await report(dir)
    })
  program
    .command('list')
    .description('print the strategies and workloads with their options and defaults')
    .action(() => {
      process.stdout.write(listText() + '\n')
    })
  program
    .command('columns')
    .description('print the result columns (Markdown table)')
    .action(() => {
      process.stdout.write(columnsMarkdown() + '\n')
    })
  try {
    await program.parseAsync(argv, { from: 'user' })
    return code
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help') return 0
      return 2
    }
    if (err instanceof ConfigError || (err instanceof DeltabenchError && err.code === 'WORKLOAD')) {
      process.stderr.write(`deltabench: ${err.message}\n`)
      return 2
    }
    process.stderr.write(`deltabench: unexpected error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`)
    return 1
  }
}

process.exitCode = await main(process.argv.slice(2))
