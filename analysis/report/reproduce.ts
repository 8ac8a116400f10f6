/**
 * The commands that reproduce a run, from its manifest: the command line as it was typed (argv, run in
 * its working directory), and `run --from`, which re-resolves the recorded config and checks its hash.
 */
import type { Manifest } from '../../core/run-files.ts'

/** One argument quoted for a POSIX shell: bare when it is only safe characters, else in single quotes. */
export function shellQuote(arg: string): string {
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(arg)) return arg
  return `'${arg.replace(/'/g, `'\\''`)}'`
}

export interface Reproduce {
  /** `cd <cwd> && npx deltabench <argv>`, or null when the run was made by a library caller with no argv. */
  asTyped: string | null
  /** `npx deltabench run --from <run-dir>/manifest.json --out <new dir>`. */
  fromManifest: string
}

/** The commands for the run in `runDir` (as the report's reader would name it). */
export function reproduceCommands(m: Manifest, runDir: string): Reproduce {
  const inv = m.invocation
  const asTyped = inv && inv.argv.length > 0 ? `cd ${shellQuote(inv.cwd)} && npx deltabench ${inv.argv.map(shellQuote).join(' ')}` : null
  const dir = runDir.replace(/\/+$/, '')
  return { asTyped, fromManifest: `npx deltabench run --from ${shellQuote(`${dir}/manifest.json`)} --out ${shellQuote(`${dir}-again`)}` }
}
