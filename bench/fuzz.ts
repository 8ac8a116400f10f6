/**
 * npm run fuzz -- [--cases N] [--seed S] [--strategy name]: the nightly fuzz mode (default 100,000 cases
 * per strategy). Prints a line per strategy and every finding with the seed that replays it; exits 1 on
 * any finding. A process or temp folder still held once a strategy's cases are done (core/cleanup.ts) is
 * a finding too: every sync, tampered or not, must end its tools and remove its files.
 */
import { parseArgs } from 'node:util'
import { fuzzStrategy } from '../apps/fuzz.ts'
import { liveResources, releaseAll } from '../core/cleanup.ts'
import { STRATEGIES } from '../strategies/index.ts'
import { didYouMean } from '../core/did-you-mean.ts'

const { values } = parseArgs({ options: { cases: { type: 'string', default: '100000' }, seed: { type: 'string', default: 'nightly' }, strategy: { type: 'string' } } })
const cases = Number(values.cases)
if (!Number.isSafeInteger(cases) || cases < 1) {
  process.stderr.write(`fuzz: --cases must be a whole number, got "${values.cases}"\n`)
  process.exit(2)
}
const chosen = STRATEGIES.filter((x) => !values.strategy || x.name === values.strategy)
if (chosen.length === 0) {
  process.stderr.write(`fuzz: no strategy "${values.strategy}"${didYouMean(values.strategy!, STRATEGIES.map((s) => s.name))}; choose one of ${STRATEGIES.map((s) => s.name).join(', ')}\n`)
  process.exit(2)
}
let findings = 0
for (const s of chosen) {
  const t = performance.now()
  const r = await fuzzStrategy(s, cases, values.seed)
  const left = liveResources()
  findings += r.findings.length + (left.length > 0 ? 1 : 0)
  process.stdout.write(`${s.name}: ${r.cases} cases, ${r.rejected} rejected with a typed error, ${r.completed} completed (${r.acceptedWrong} with a wrong replica: payload changed, no checksum), ${r.findings.length} findings, ${((performance.now() - t) / 1000).toFixed(1)} s\n`)
  for (const f of r.findings.slice(0, 20)) process.stdout.write(`  finding: ${JSON.stringify(f)}\n`)
  if (left.length > 0) process.stdout.write(`  finding: ${left.length} processes or folders left behind by finished syncs (now ended), e.g. ${left.slice(0, 3).join('; ')}\n`)
  releaseAll()
}
process.exitCode = findings > 0 ? 1 : 0
