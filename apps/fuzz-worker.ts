/**
 * A child process of the fuzz pool (apps/fuzz-pool.ts): runs the case ranges it is sent, one at a time,
 * and after each range says what it still holds (a tool process group or temp folder a finished sync
 * left is a finding), then ends it. It ends with its parent: on 'exit', a lost IPC channel (the parent
 * died) and SIGINT/SIGTERM it ends its tools' process groups and removes its temp folders
 * (core/cleanup.ts), then exits.
 */
import { liveSince, releaseAll, releaseSince, resourceMark } from '../core/cleanup.ts'
import { STRATEGIES } from '../strategies/index.ts'
import { fuzzCases, FuzzScenarios } from './fuzz.ts'
import type { FromFuzzWorker, ToFuzzWorker, WirePlan } from './fuzz-pool.ts'
import { takeFuzzTempDir } from './fuzz-tmp.ts'

takeFuzzTempDir()

/** The last plan's scenarios: ranges of one strategy come in a row, so one is enough. */
let current: { key: string; scenarios: FuzzScenarios } | undefined

const send = (m: FromFuzzWorker) => process.send!(m)

function end(code: number): never {
  releaseAll()
  process.exit(code)
}

process.on('SIGINT', () => end(130))
process.on('SIGTERM', () => end(143))
process.on('disconnect', () => end(0))

function scenariosFor(plan: WirePlan): FuzzScenarios {
  const key = JSON.stringify(plan)
  if (current?.key !== key) {
    const strategy = STRATEGIES.find((s) => s.name === plan.strategy)
    if (!strategy) throw new Error(`fuzz worker: no strategy ${plan.strategy}`)
    current = { key, scenarios: new FuzzScenarios({ ...plan, strategy }) }
  }
  return current.scenarios
}

process.on('message', async (m: ToFuzzWorker) => {
  if (m.type === 'exit') end(0)
  try {
    const t0 = performance.now()
    const mark = resourceMark() // what this process owned before the range (the run's temp folder) is not the range's
    const report = await fuzzCases(scenariosFor(m.plan), m.from, m.to)
    const left = liveSince(mark)
    releaseSince(mark)
    send({ type: 'report', id: m.id, report, left, ms: performance.now() - t0 })
  } catch (err) {
    send({ type: 'error', id: m.id, message: err instanceof Error ? (err.stack ?? err.message) : String(err) })
  }
})
send({ type: 'ready' })
