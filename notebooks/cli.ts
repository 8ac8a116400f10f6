/**
 * `npm run notebooks -- <run-dir> [--out <dir>]`: regenerates the notebooks from a run directory and prints
 * where they went and what each concluded. Exit 2 on a bad argument or run directory.
 */
import { ConfigError } from '../core/errors.ts'
import { generateNotebooks } from './generate.ts'

async function main(argv: string[]): Promise<number> {
  const args = [...argv]
  let out: string | undefined
  const i = args.indexOf('--out')
  if (i >= 0) {
    out = args[i + 1]
    if (!out) throw new ConfigError('notebooks: --out needs a directory')
    args.splice(i, 2)
  }
  if (args.length !== 1 || args[0]!.startsWith('-')) throw new ConfigError('notebooks: give one run directory: npm run notebooks -- results/<run-id> [--out <dir>]')
  const written = await generateNotebooks(args[0]!, out)
  for (const n of written) process.stdout.write(`\n${n.title}: ${n.path}\n${n.conclusion}\n`)
  return 0
}

try {
  process.exitCode = await main(process.argv.slice(2))
} catch (err) {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`)
  process.exitCode = err instanceof ConfigError ? 2 : 1
}
