/**
 * npm run fuzz -- [--cases N] [--seed S] [--strategy name[,name…]] [--end-to-end]: the nightly fuzz mode (default 100,000 cases
 * per strategy). Prints a line per strategy and every finding with the seed that replays it; exits 1 on
 * any finding. A process or temp folder still held once a strategy's cases are done (core/cleanup.ts) is
 * a finding too: every sync, tampered or not, must end its tools and remove its files. Ends with the
 * integrity table (apps/fuzz-integrity.ts): per strategy, tampers detected itself vs wrong replicas.
 */
import { parseArgs } from 'node:util'
import { fuzzStrategy } from '../apps/fuzz.ts'
import { integrityFigure, integrityTable, type IntegrityFigure } from '../apps/fuzz-integrity.ts'
import { liveResources, releaseAll } from '../core/cleanup.ts'
import { STRATEGIES } from '../strategies/index.ts'
import { didYouMean } from '../core/did-you-mean.ts'
import { installInterruptHandlers } from '../apps/interrupt.ts'

// Ctrl-C (or a kill) ends the tools' process groups and removes the temp folders held at that moment.
installInterruptHandlers()

const { values } = parseArgs({ options: { cases: { type: 'string', default: '100000' }, seed: { type: 'string', default: 'nightly' }, strategy: { type: 'string' }, 'end-to-end': { type: 'boolean', default: false } } })
const cases = Number(values.cases)
if (!Number.isSafeInteger(cases) || cases < 1) {
  process.stderr.write(`fuzz: --cases must be a whole number, got "${values.cases}"\n`)
  process.exit(2)
}
// --strategy takes one name or a comma list, so one run prints one integrity table for all of them.
const names = values.strategy?.split(',').map((n) => n.trim())
const chosen = STRATEGIES.filter((x) => !names || names.includes(x.name))
const unknown = names?.filter((n) => !STRATEGIES.some((x) => x.name === n)) ?? []
if (chosen.length === 0 || unknown.length > 0) {
  const first = unknown[0] ?? values.strategy ?? ''
  process.stderr.write(`fuzz: no strategy "${unknown.join('", "') || values.strategy}"${didYouMean(first, STRATEGIES.map((s) => s.name))}; choose one of ${STRATEGIES.map((s) => s.name).join(', ')}\n`)
  process.exit(2)
}
/** --end-to-end: each strategy's own whole-version check switched on (verify: digest, or selfVerify), where it has one. */
function endToEnd(s: (typeof STRATEGIES)[number]): Record<string, unknown> {
  const o = s.options as Record<string, unknown>
  return 'verify' in o ? { verify: 'digest' } : 'selfVerify' in o ? { selfVerify: true } : {}
}
let findings = 0
const figures: IntegrityFigure[] = []
for (const s of chosen) {
  const t = performance.now()
  const r = await fuzzStrategy(s, cases, values.seed, undefined, values['end-to-end'] ? endToEnd(s) : {})
  const left = liveResources()
  figures.push(integrityFigure(r))
  findings += r.findings.length + (left.length > 0 ? 1 : 0)
  process.stdout.write(`${s.name}: ${r.cases} cases, ${r.rejected} rejected with a typed error, ${r.completed} completed (${r.acceptedWrong} with a wrong replica: payload changed, no checksum), ${r.findings.length} findings, ${((performance.now() - t) / 1000).toFixed(1)} s\n`)
  for (const f of r.findings.slice(0, 20)) process.stdout.write(`  finding: ${JSON.stringify(f)}\n`)
  if (left.length > 0) process.stdout.write(`  finding: ${left.length} processes or folders left behind by finished syncs (now ended), e.g. ${left.slice(0, 3).join('; ')}\n`)
  releaseAll()
}
process.stdout.write(`\nintegrity: of the tampered transfers, which the strategy detected itself and which completed with a wrong replica only the harness's verification caught\n${integrityTable(figures)}\n`)
process.exitCode = findings > 0 ? 1 : 0
