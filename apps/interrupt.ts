/**
 * Ctrl-C and kill: on SIGINT or SIGTERM the process ends what it owns (core/cleanup.ts: tool process
 * groups, --jobs workers, temp and volume folders; a running matrix marks its manifest "interrupted"
 * and says where it stopped) and exits 128 + the signal's number, as a shell reports it. Node's default
 * on these signals is to die at once with no 'exit' event, which is how they used to leave all of it.
 */
import { releaseAll } from '../core/cleanup.ts'

const CODES: Record<'SIGINT' | 'SIGTERM', number> = { SIGINT: 130, SIGTERM: 143 }
let installed = false

/** Installs the handlers once per process (main() may be called more than once, e.g. by tests). */
export function installInterruptHandlers(): void {
  if (installed) return
  installed = true
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      releaseAll()
      process.exit(CODES[signal])
    })
  }
}

/** Flags that say where a run goes: the resume command gives its own. */
const WHERE = new Set(['--out', '--run-id'])

/** What an interrupted run prints: where it stopped and the command that continues it. */
export function interruptedText(at: { dir: string; done: number; total: number }, argv: readonly string[]): string {
  const kept: string[] = []
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!
    if (a === '--resume' || WHERE.has(a.split('=')[0]!)) {
      if (WHERE.has(a)) i++ // its value follows
      continue
    }
    kept.push(a)
  }
  const args = [...(kept.length > 0 ? kept : ['run']), '--out', at.dir, '--resume']
  return (
    `\ninterrupted: ${at.done} of ${at.total} cells finished and kept in ${at.dir}/ (the manifest says "interrupted"; a cell cut in the middle is redone)\n` +
    `continue with: npx deltabench ${args.map(shellWord).join(' ')}\n`
  )
}

/** A word as a POSIX shell reads it back: plain when safe, else single-quoted. */
function shellWord(w: string): string {
  return /^[\w@%+=:,./-]+$/.test(w) ? w : `'${w.replace(/'/g, `'\\''`)}'`
}
