/**
 * `npm run notebooks -- <run-dir> [--out <dir>]`: writes the notebooks into <run-dir>/notebooks/ (or --out)
 * and prints where they went and how to run them. Exit 2 on a bad argument, run directory or output folder.
 */
import { ConfigError } from '../core/errors.ts'
import { generateNotebooks } from './generate.ts'
import { RUN_ENV } from './python-prelude.ts'

function main(argv: string[]): number {
  const args = [...argv]
  let out: string | undefined
  const i = args.indexOf('--out')
  if (i >= 0) {
    out = args[i + 1]
    if (!out || out.startsWith('-')) throw new ConfigError('notebooks: --out needs a folder, e.g. --out my-notebooks')
    args.splice(i, 2)
  }
  if (args.length !== 1 || args[0]!.startsWith('-')) throw new ConfigError('notebooks: give one run directory: npm run notebooks -- results/<run-id> [--out <dir>]')
  const written = generateNotebooks(args[0]!, out)
  for (const n of written) process.stdout.write(`${n.title}: ${n.path}\n`)
  process.stdout.write(`Open them in Jupyter (jupyter lab ${written[0]!.path}) and Run All, or run them headless: jupyter nbconvert --to notebook --execute --inplace <notebook>. ${RUN_ENV}=<run-dir> points one at another run.\n`)
  return 0
}

try {
  process.exitCode = main(process.argv.slice(2))
} catch (err) {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`)
  process.exitCode = err instanceof ConfigError ? 2 : 1
}
