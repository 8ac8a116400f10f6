/**
 * Where a fuzz case's time goes, per strategy: `npx tsx bench/fuzz-profile.ts [--cases N] [--strategy a,b]`.
 * Times the phases of the old per-case path (the earlier epoch's sync replayed, the tampered sync, the
 * volume digests) and counts the child processes each sync spawns (node:child_process.spawn, counted
 * through module.syncBuiltinESMExports so the strategies' own imports see the counter), beside the cost
 * of one bare spawn of `true` on this machine: the floor a real tool's case cannot go below.
 */
import { createRequire, syncBuiltinESMExports } from 'node:module'
import { parseArgs } from 'node:util'
import { createHash } from 'node:crypto'

const require = createRequire(import.meta.url)
const cp = require('node:child_process') as typeof import('node:child_process')
let spawns = 0
const realSpawn = cp.spawn
cp.spawn = ((...a: Parameters<typeof realSpawn>) => {
  spawns++
  return realSpawn(...a)
}) as typeof realSpawn
syncBuiltinESMExports()

const { STRATEGIES } = await import('../strategies/index.ts')
const { SyncSession } = await import('../harness/sync-session.ts')
const { MemoryVolume } = await import('../core/volume.ts')
const { defaultOptions } = await import('../core/options.ts')
const { defaultScenario } = await import('../apps/fuzz.ts')

const { values } = parseArgs({ options: { cases: { type: 'string', default: '10' }, strategy: { type: 'string', default: 'rdiff,rsync,xdelta3,zstd-patch,zsync,casync' } } })
const n = Number(values.cases)

const bare = async () => {
  const t = performance.now()
  for (let i = 0; i < 10; i++) await new Promise((r) => realSpawn('true', [], { stdio: 'ignore' }).on('close', r))
  return (performance.now() - t) / 10
}
process.stdout.write(`one bare spawn of true: ${(await bare()).toFixed(1)} ms (mean of 10)\n`)
process.stdout.write('strategy      earlier-epoch sync   tampered-position sync   digests   spawns per sync\n')
for (const name of values.strategy.split(',')) {
  const s = STRATEGIES.find((x) => x.name === name)!
  const ms = { prime: 0, last: 0, digest: 0 }
  let syncSpawns = 0
  for (let i = 0; i < n; i++) {
    const sc = defaultScenario(String(i % 8), 1024, defaultOptions(s))
    const source = new MemoryVolume(sc.base)
    const replica = new MemoryVolume(sc.base)
    const session = new SyncSession({ strategy: s, options: sc.options, source, replica, maxSteps: 10_000 })
    let t = performance.now()
    session.apply(sc.epochs[0]!)
    const s0 = spawns
    await session.sync()
    ms.prime += performance.now() - t
    t = performance.now()
    session.apply(sc.epochs[1]!)
    await session.sync()
    syncSpawns += spawns - s0
    ms.last += performance.now() - t
    t = performance.now()
    for (const v of [replica, source, replica]) createHash('sha256').update(v.read(0, v.size)).digest('hex')
    ms.digest += performance.now() - t
  }
  const f = (x: number) => `${(x / n).toFixed(1)} ms`.padStart(10)
  process.stdout.write(`${name.padEnd(12)} ${f(ms.prime)}          ${f(ms.last)}               ${f(ms.digest)}  ${(syncSpawns / n / 2).toFixed(1)}\n`)
}
