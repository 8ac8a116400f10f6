/**
 * Shaping what a user asks for into a RunRequest, before resolveRun checks it: options written as
 * `name.key=value`, and the user's own data (a file pair, a block trace) standing in for a workload.
 */
import { ConfigError } from '../core/errors.ts'
import { STRATEGIES } from '../strategies/index.ts'
import { findStrategy, findWorkload, resolveRun, type OptionOverrides, type RunConfig, type RunRequest } from './config.ts'

/** `--opt` values, `<strategy or workload>.<option>=<value>`, as overrides. */
export function parseOverrides(items: readonly string[]): OptionOverrides {
  const out: OptionOverrides = {}
  for (const item of items) {
    const m = /^([a-z0-9-]+)\.([A-Za-z0-9]+)=(.*)$/.exec(item)
    if (!m) throw new ConfigError(`--opt ${item}: write it as <strategy or workload>.<option>=<value>, e.g. --opt insert-delete.edits=32`)
    ;(out[m[1]!] ??= {})[m[2]!] = m[3]!
  }
  return out
}

/** The user's own data, named instead of a workload. */
export interface OwnData {
  /** The old and the new image of a file pair: both or neither. */
  base?: string
  target?: string
  /** A block trace whose writes are replayed. */
  trace?: string
}

/**
 * The request with the user's own data as its workload: a file pair becomes the file-pair workload with one
 * seed unless seeds are given (a file pair has no randomness), a trace the block-trace workload. Either one
 * excludes naming workloads; `workloadsFlag` is the flag that names them, for the message.
 */
export function withOwnData(req: RunRequest, own: OwnData, workloadsFlag = '--workloads'): RunRequest {
  refuseIgnoredFlags(req, own)
  let out = req
  if (own.base !== undefined || own.target !== undefined) {
    if (!own.base || !own.target) throw new ConfigError('--base and --target go together: --base old.img --target new.img')
    if (req.workloads) throw new ConfigError(`--base/--target is the file-pair workload; leave out ${workloadsFlag}`)
    out = { ...out, workloads: ['file-pair'], seeds: out.seeds ?? ['1'], overrides: { ...out.overrides, 'file-pair': { base: own.base, target: own.target } } }
  }
  if (own.trace !== undefined) {
    if (req.workloads || own.base !== undefined) throw new ConfigError(`--trace <file> is the block-trace workload; leave out ${workloadsFlag} and --base/--target`)
    out = { ...out, workloads: ['block-trace'], overrides: { ...out.overrides, 'block-trace': { ...out.overrides?.['block-trace'], path: own.trace } } }
  }
  return out
}

/** What the user's own data sets itself, so a flag for it would be silently ignored (yet change the config hash). */
const IGNORED_BY = {
  pair: [['size', '--size'], ['epochs', '--epochs'], ['content', '--content']],
  trace: [['size', '--size']],
} as const

function refuseIgnoredFlags(req: RunRequest, own: OwnData): void {
  const [what, fix, ignored] = own.base !== undefined || own.target !== undefined
    ? ['--base/--target (one sync from your old to your new file)', 'the files set the size, one epoch and the content', IGNORED_BY.pair]
    : own.trace !== undefined ? ['--trace (the trace sets the volume size; block-trace.maxSize bounds it)', 'the trace sets the size', IGNORED_BY.trace] : ['', '', []]
  const given = ignored.filter(([key]) => req[key] !== undefined).map(([, flag]) => flag)
  if (given.length > 0) throw new ConfigError(`${given.join(', ')} would be ignored with ${what}: ${fix}; leave ${given.length === 1 ? 'it' : 'them'} out`)
}

/** True when a run's workloads record writes, so a strategy that tracks them can run on one of them. */
function someWorkloadTracesWrites(workloads: readonly string[]): boolean {
  return workloads.some((w) => findWorkload(w).hasWriteTrace)
}

/**
 * Fails before anything is written when no cell could run: every strategy tracks writes and no workload
 * records any (a file pair).
 */
export function checkSomethingRuns(config: RunConfig): void {
  if (someWorkloadTracesWrites(config.workloads.map((w) => w.name))) return
  if (config.strategies.some((s) => !findStrategy(s.name).needsWriteTrace)) return
  throw new ConfigError(`${config.strategies.map((s) => s.name).join(', ')} need a write trace, which a file pair does not have; pick a strategy that compares content, e.g. --strategies fixed-block-compare`)
}

/** A user's run: their own data folded in, resolved and checked, so that something can run. */
export function resolveUserRun(req: RunRequest, own: OwnData = {}): RunConfig {
  const config = resolveRun(withOwnData(req, own))
  checkSomethingRuns(config)
  return config
}

/** The strategies that can run on these workloads, real-tool baselines aside (they run only when named). */
export function strategiesFor(workloads: readonly string[]): string[] {
  const traced = someWorkloadTracesWrites(workloads)
  return STRATEGIES.filter((s) => !s.external && (traced || !s.needsWriteTrace)).map((s) => s.name)
}
