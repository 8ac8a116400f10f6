/**
 * The command line: a thin shell over the library (resolveRun, runMatrix, summaryTable). Exit codes:
 * 0 done, 2 bad flags or config (nothing written), 3 with --fail-on-incorrect when a replica came out wrong,
 * 1 anything unexpected.
 */
import { Command, CommanderError, Option } from 'commander'
import { CONTENT_MODELS, DEFAULT_REQUEST, resolveRun, type OptionOverrides, type RunRequest } from './config.ts'
import { ConfigError, DeltabenchError } from './errors.ts'
import { listText } from './list.ts'
import { progressReporter } from './progress.ts'
import { columnsMarkdown } from './record.ts'
import { runMatrix } from './run-matrix.ts'
import { summaryTable } from './summary.ts'
import { VERSION } from './manifest.ts'

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
  failOnIncorrect?: boolean
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
    overrides,
  }
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
    const { findStrategy } = await import('./config.ts')
    const runnable = config.strategies.filter((s) => !findStrategy(s.name).needsWriteTrace)
    if (runnable.length === 0) {
      throw new ConfigError(`${config.strategies.map((s) => s.name).join(', ')} need a write trace, which a file pair does not have; pick a strategy that compares content, e.g. --strategies fixed-block-compare`)
    }
  }
  const result = await runMatrix(config, {
    outDir: flags.out,
    runId: flags.runId,
    resume: flags.resume ?? false,
    onProgress: flags.progress ? progressReporter() : undefined,
    onSkip: (_s, _w, reason) => process.stderr.write(`skipped: ${reason}\n`),
  })
  process.stdout.write(`\n${summaryTable(result.rows)}\n\n`)
  const wrong = result.rows.filter((r) => !r.correct).length
  process.stdout.write(`${result.rows.length} syncs, ${wrong === 0 ? 'every replica byte-exact' : `${wrong} WRONG replica(s): see the correct and error columns`}\n`)
  process.stdout.write(`results: ${result.dir}/ (rows.csv, rows.jsonl, manifest.json)\n`)
  return wrong > 0 && flags.failOnIncorrect ? 3 : 0
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
    .option('--strategies <list>', 'comma-separated strategies (default: all registered)', list)
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
    .option('--no-progress', 'no progress bar or per-cell lines')
    .option('--fail-on-incorrect', 'exit 3 if any replica came out wrong')
    .addOption(new Option('--preset <name>', 'a named matrix; "default" is the small matrix npm run bench uses').choices(['default']))
    .action(async (flags: RunFlags) => {
      code = await run(flags)
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
