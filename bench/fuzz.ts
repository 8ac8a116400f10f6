/**
 * npm run fuzz -- [--cases N] [--seed S] [--strategy name[,name…]] [--end-to-end] [--jobs N] [--state FILE]
 * [--max-minutes M] [--tmp-dir DIR]: the fuzz mode (default 100,000 cases per strategy; `npm run fuzz:nightly` is every
 * strategy at 100,000 cases, --jobs 2, resumable). Prints a line per strategy and every finding with the
 * seed that replays it; exits 1 on any finding. A process or temp folder still held once a range of cases
 * is done (core/cleanup.ts) is a finding too: every sync, tampered or not, must end its tools and remove
 * its files. Ends with the integrity table (apps/fuzz-integrity.ts): per strategy, tampers detected
 * itself vs wrong replicas.
 *
 * --jobs N splits the cases across N worker processes (apps/fuzz-pool.ts): same seed, same cases and
 * findings in the same order whatever N is. --state FILE records each finished range (apps/fuzz-state.ts)
 * and skips those already there, so a killed or --max-minutes-limited run continues where it stopped.
 * --tmp-dir DIR: where the run's own temp folder goes (default /dev/shm when usable: apps/fuzz-tmp.ts).
 * Tool steps whose inputs are byte-identical to an earlier case's are reused (strategies/shared/tool-cache.ts);
 * DELTABENCH_FUZZ_TOOL_CACHE=0 runs every step of every case (before/after measurements).
 */
import { accessSync, constants, statSync } from 'node:fs'
import { availableParallelism } from 'node:os'
import { parseArgs } from 'node:util'
import { joinReports, type FuzzPlan } from '../apps/fuzz.ts'
import { chunkTasks, CHUNK, runTasks, type FuzzTask, type TaskResult } from '../apps/fuzz-pool.ts'
import { openState, recordRange, type DoneRange } from '../apps/fuzz-state.ts'
import { integrityFigure, integrityTable, type IntegrityFigure } from '../apps/fuzz-integrity.ts'
import { STRATEGIES } from '../strategies/index.ts'
import { didYouMean } from '../core/did-you-mean.ts'
import { ConfigError } from '../core/errors.ts'
import { installInterruptHandlers } from '../apps/interrupt.ts'
import { tempParent, useFuzzTempDir } from '../apps/fuzz-tmp.ts'

// Ctrl-C (or a kill) ends the workers, the tools' process groups and the temp folders held at that moment.
installInterruptHandlers()

const { values } = parseArgs({
  options: {
    cases: { type: 'string', default: '100000' },
    seed: { type: 'string', default: 'nightly' },
    strategy: { type: 'string' },
    'end-to-end': { type: 'boolean', default: false },
    jobs: { type: 'string', default: '1' },
    state: { type: 'string' },
    'max-minutes': { type: 'string' },
    'tmp-dir': { type: 'string' },
  },
})
const refuse = (message: string): never => {
  process.stderr.write(`${message}\n`)
  process.exit(2)
}
const cases = Number(values.cases)
if (!Number.isSafeInteger(cases) || cases < 1) refuse(`fuzz: --cases must be a whole number, got "${values.cases}"`)
const cores = availableParallelism()
const jobs = Number(values.jobs)
if (!Number.isSafeInteger(jobs) || jobs < 1 || jobs > cores) refuse(`fuzz: --jobs must be a whole number from 1 to ${cores} (this machine's cores), got "${values.jobs}"`)
const maxMinutes = values['max-minutes'] === undefined ? undefined : Number(values['max-minutes'])
if (maxMinutes !== undefined && !(maxMinutes > 0)) refuse(`fuzz: --max-minutes must be a positive number of minutes, got "${values['max-minutes']}"`)
const tmpParent = tempParent(values['tmp-dir'])
try {
  if (!statSync(tmpParent).isDirectory()) refuse(`fuzz: --tmp-dir ${tmpParent} is not a folder; give an existing folder you may write to`)
  accessSync(tmpParent, constants.W_OK | constants.X_OK)
} catch (err) {
  refuse(`fuzz: --tmp-dir ${tmpParent}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}; give an existing folder you may write to`)
}
// --strategy takes one name or a comma list, so one run prints one integrity table for all of them.
const names = values.strategy?.split(',').map((n) => n.trim())
const chosen = STRATEGIES.filter((x) => !names || names.includes(x.name))
const unknown = names?.filter((n) => !STRATEGIES.some((x) => x.name === n)) ?? []
if (chosen.length === 0 || unknown.length > 0) {
  const first = unknown[0] ?? values.strategy ?? ''
  refuse(`fuzz: no strategy "${unknown.join('", "') || values.strategy}"${didYouMean(first, STRATEGIES.map((s) => s.name))}; choose one of ${STRATEGIES.map((s) => s.name).join(', ')}`)
}
/** --end-to-end: each strategy's own whole-version check switched on (verify: digest, or selfVerify), where it has one. */
function endToEnd(s: (typeof STRATEGIES)[number]): Record<string, unknown> {
  const o = s.options as Record<string, unknown>
  return 'verify' in o ? { verify: 'digest' } : 'selfVerify' in o ? { selfVerify: true } : {}
}

const plans: FuzzPlan[] = chosen.map((strategy) => ({ strategy, seed: values.seed, blockSize: 1024, overrides: values['end-to-end'] ? endToEnd(strategy) : {} }))
const header = { kind: 'deltabench-fuzz' as const, seed: values.seed, cases, strategies: chosen.map((s) => s.name), endToEnd: values['end-to-end'], chunk: CHUNK }
let done: Map<string, DoneRange>
try {
  done = values.state ? openState(values.state, header) : new Map()
} catch (err) {
  if (err instanceof ConfigError) refuse(err.message)
  throw err
}
const key = (t: FuzzTask) => `${t.plan.strategy.name}/${t.from}`
const all = plans.flatMap((p, k) => chunkTasks(p, cases, k * Math.ceil(cases / CHUNK)))
const todo = all.filter((t) => !done.has(key(t)))
const results = new Map<string, TaskResult>([...done].map(([k, d]) => [k, { report: d.report, left: d.left, ms: 0 }]))

// Progress: cases done, this session's rate per strategy, and an ETA from those rates (strategies not begun at the mean rate so far).
const total = cases * plans.length
const t0 = performance.now()
const seen = new Map<string, { cases: number; first: number; last: number }>()
let casesBefore = 0
for (const d of done.values()) casesBefore += d.report.cases
let casesNow = 0
function progress(t: FuzzTask, r: TaskResult): void {
  const name = t.plan.strategy.name
  const now = performance.now()
  const s = seen.get(name) ?? { cases: 0, first: now - r.ms, last: now }
  s.cases += t.to - t.from
  s.last = now
  seen.set(name, s)
  casesNow += t.to - t.from
  const rate = casesNow / ((now - t0) / 1000)
  let eta = 0
  for (const p of plans) {
    const left = all.filter((x) => x.plan === p && !results.has(key(x))).reduce((n, x) => n + x.to - x.from, 0)
    const mine = seen.get(p.strategy.name)
    const r1 = mine && mine.cases >= CHUNK ? mine.cases / Math.max(1e-3, (mine.last - mine.first) / 1000) : rate
    eta += left / r1
  }
  const doneCases = casesBefore + casesNow
  process.stderr.write(`fuzz: ${doneCases.toLocaleString('en')}/${total.toLocaleString('en')} cases (${((100 * doneCases) / total).toFixed(1)}%), ${name} at ${(s.cases / ((s.last - s.first) / 1000)).toFixed(2)} cases/s, ETA ${hours(eta / jobs)}\n`)
}
const hours = (sec: number) => (sec >= 3600 ? `${(sec / 3600).toFixed(1)} h` : sec >= 60 ? `${(sec / 60).toFixed(0)} min` : `${sec.toFixed(0)} s`)

// After every check: the run's temp folder is made only for a run that goes ahead.
useFuzzTempDir(tmpParent)
const deadline = maxMinutes === undefined ? undefined : Date.now() + maxMinutes * 60_000
const skipped = await runTasks(todo, {
  jobs,
  deadline,
  done: (t, r) => {
    results.set(key(t), r)
    if (values.state) recordRange(values.state, { strategy: t.plan.strategy.name, from: t.from, report: r.report, left: r.left })
    progress(t, r)
  },
})

let findings = 0
const figures: IntegrityFigure[] = []
for (const p of plans) {
  const name = p.strategy.name
  const parts = all.filter((t) => t.plan === p).map((t) => results.get(key(t)))
  const have = parts.filter((x): x is TaskResult => x !== undefined)
  const r = joinReports(name, have.map((x) => x.report))
  const left = have.flatMap((x) => x.left)
  figures.push(integrityFigure(r))
  findings += r.findings.length + (left.length > 0 ? 1 : 0)
  const s = seen.get(name)
  const timing = s ? `, ${((s.last - s.first) / 1000).toFixed(1)} s here (${(s.cases / ((s.last - s.first) / 1000)).toFixed(2)} cases/s)` : ''
  const partial = have.length < parts.length ? ` [${have.length} of ${parts.length} ranges done]` : ''
  process.stdout.write(`${name}: ${r.cases} cases, ${r.rejected} rejected with a typed error, ${r.completed} completed (${r.acceptedWrong} with a wrong replica: payload changed, no checksum), ${r.findings.length} findings${timing}${partial}\n`)
  if (r.slowest) process.stdout.write(`  slowest case: ${r.slowest.seed} (${r.slowest.mutator} ${r.slowest.direction}), ${(r.slowest.ms / 1000).toFixed(2)} s: ${r.slowest.ended.slice(0, 160)}\n`)
  for (const f of r.findings.slice(0, 20)) process.stdout.write(`  finding: ${JSON.stringify(f)}\n`)
  if (left.length > 0) process.stdout.write(`  finding: ${left.length} processes or folders left behind by finished syncs (now ended), e.g. ${left.slice(0, 3).join('; ')}\n`)
}
process.stdout.write(`\nintegrity: of the tampered transfers, which the strategy detected itself and which completed with a wrong replica only the harness's verification caught\n${integrityTable(figures)}\n`)
if (skipped.length > 0) {
  const again = process.argv.slice(2).join(' ')
  process.stdout.write(`\nstopped at --max-minutes: ${skipped.reduce((n, t) => n + t.to - t.from, 0).toLocaleString('en')} cases not run yet; continue with: npm run fuzz -- ${again}\n`)
}
process.exitCode = findings > 0 ? 1 : 0
