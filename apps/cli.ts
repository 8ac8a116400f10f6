/**
 * The command line: a thin shell over the library. Each command's flags and action are in apps/cli-*.ts;
 * this file puts them together and turns errors into exit codes: 0 done, 2 bad flags or config (nothing
 * written), 3 with --fail-on-incorrect when a replica came out wrong, 4 when compare finds a regression,
 * 1 anything unexpected. Operating-system errors (EACCES, ENOSPC, EIO…) are one line with the path and the fix
 * (core/os-error.ts): exit 2 where the user can act, 1 where the machine failed. A reader that closes stdout
 * early (`| head`) mutes it: the command finishes its work quietly and exits as it would have. Importing it runs nothing: bin/deltabench.js calls main.
 */
import { Command, CommanderError } from 'commander'
import { ConfigError, DeltabenchError } from '../core/errors.ts'
import { describeSystemError, isSystemError } from '../core/os-error.ts'
import { columnsMarkdown } from '../core/result-row.ts'
import { VERSION } from '../core/run-files.ts'
import { addRunCommand } from './cli-run.ts'
import { addCompareCommand, addMergeAndReportCommands } from './cli-runs.ts'
import { addTuneCommand } from './cli-tune.ts'
import { muteStdoutWhenClosed } from './closed-stdout.ts'
import { addSummaryCommand } from './cli-summary.ts'
import { installInterruptHandlers } from './interrupt.ts'
import { listText } from './list.ts'

/** Commander's own ways of finishing early that are not failures. */
const DONE_CODES = new Set(['commander.helpDisplayed', 'commander.version', 'commander.help'])

/** The whole command tree; `setExitCode` receives each command's exit code. Exported for the flag reference (apps/cli-reference.ts). */
export function program(setExitCode: (code: number) => void): Command {
  const p = new Command('deltabench')
    .description('Benchmark and research harness for delta-sync strategies')
    .version(VERSION)
    .exitOverride()
    .showHelpAfterError('(deltabench --help lists every command and flag)')
  addRunCommand(p, setExitCode)
  addCompareCommand(p, setExitCode)
  addTuneCommand(p, setExitCode)
  addMergeAndReportCommands(p)
  addSummaryCommand(p)
  p.command('list')
    .description('print the strategies and workloads with their options and defaults')
    .action(() => {
      process.stdout.write(listText() + '\n')
    })
  p.command('columns')
    .description('print the result columns (Markdown table)')
    .action(() => {
      process.stdout.write(columnsMarkdown() + '\n')
    })
  return p
}

/** The exit code for an error, after saying what went wrong (commander has already said it for bad flags). */
function failure(err: unknown): number {
  if (err instanceof CommanderError) return DONE_CODES.has(err.code) ? 0 : 2
  if (err instanceof ConfigError || (err instanceof DeltabenchError && err.code === 'WORKLOAD')) {
    process.stderr.write(`deltabench: ${err.message}\n`)
    return 2
  }
  if (isSystemError(err)) {
    const d = describeSystemError(err)
    process.stderr.write(`deltabench: ${d.message}\n`)
    return d.exit
  }
  process.stderr.write(`deltabench: unexpected error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`)
  return 1
}

/** Runs the command line `argv` (without node and the script) and returns the exit code. */
export async function main(argv: string[]): Promise<number> {
  let code = 0
  installInterruptHandlers()
  muteStdoutWhenClosed()
  try {
    await program((c) => (code = c)).parseAsync(argv, { from: 'user' })
    return code
  } catch (err) {
    return failure(err)
  }
}
