/** `deltabench summary <run>`: a finished run's summary again, at this terminal's width, and its exports. */
import type { Command } from 'commander'
import { readManifest, readRows } from '../core/run-files.ts'
import { addSummaryOptions, checkExports, printSummary, type SummaryFlags } from './summary-output.ts'

export function addSummaryCommand(program: Command): void {
  const cmd = program
    .command('summary')
    .description('print a run directory\'s summary (the table `run` ends with) and export it: --export-markdown, --export-csv, --export-json')
    .argument('<run-dir>', 'a run directory, e.g. results/<run-id>')
  addSummaryOptions(cmd).action((dir: string, flags: SummaryFlags) => {
    const targets = checkExports(flags, 'summary')
    const rows = readRows(dir)
    const config = readManifest(dir, 'summary')?.config
    // The order the run was given in: its manifest's strategies and workloads.
    const order = { strategies: config?.strategies.map((s) => s.name), workloads: config?.workloads.map((w) => w.name) }
    printSummary(rows, order, flags, targets)
  })
}
