/**
 * Where a fuzz case's time goes, per strategy: `npx tsx bench/fuzz-profile.ts [--cases N] [--strategy a,b]`.
 * Times the phases of the old per-case path (the earlier epoch's sync replayed, the tampered sync, the
 * volume digests) and counts the child processes each sync spawns (node:child_process.spawn, counted
 * through module.syncBuiltinESMExports so the strategies' own imports see the counter), beside the cost
 * of one bare spawn of `true` on this machine: the floor a real tool's case cannot go below.
 *
 * Then the cost of starting a tool from a big parent (this process grown by `--ballast` MiB of touched
 * memory, as a fuzz worker or a run is): `runTool(['true'])` through the direct spawn and through the
 * spawner (strategies/shared/tool-spawner.ts), interleaved rep by rep, medians of wall time and of this
 * process's own CPU per start, and their ratios. `--strategy ''` skips the phases.
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

const { runTool } = await import('../strategies/shared/tool-process.ts')

const { values } = parseArgs({
  options: {
    cases: { type: 'string', default: '10' },
    strategy: { type: 'string', default: 'rdiff,rsync,xdelta3,zstd-patch,zsync,casync' },
    reps: { type: 'string', default: '30' },
    ballast: { type: 'string', default: '300' },
  },
})
const n = Number(values.cases)
const reps = Number(values.reps)
const ballastMiB = Number(values.ballast)
for (const [flag, v, max] of [['--cases', n, 1e6], ['--reps', reps, 1e5], ['--ballast', ballastMiB, 16384]] as const) {
  if (!Number.isInteger(v) || v < 0 || v > max) {
    process.stderr.write(`fuzz-profile: ${flag} must be a whole number from 0 to ${max}, got ${v}\n`)
    process.exit(2)
  }
}

/** Median of a list. */
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b)
  return s.length === 0 ? NaN : s.length % 2 ? s[s.length >> 1]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2
}

/** One `runTool(['true'])`, direct or through the spawner: wall ms and this process's CPU ms. */
const oneStart = async (via: 'direct' | 'spawner') => {
  process.env.DELTABENCH_SPAWNER = via === 'direct' ? '0' : '1'
  const c = process.cpuUsage()
  const t = performance.now()
  await runTool('fuzz-profile', ['true'])
  const wall = performance.now() - t
  const cpu = process.cpuUsage(c)
  return { wall, cpu: (cpu.user + cpu.system) / 1000 }
}

const bare = async () => {
  const t = performance.now()
  for (let i = 0; i < 10; i++) await new Promise((r) => realSpawn('true', [], { stdio: 'ignore' }).on('close', r))
  return (performance.now() - t) / 10
}
process.stdout.write(`one bare spawn of true: ${(await bare()).toFixed(1)} ms (mean of 10)\n`)

// Touched memory, so fork has that many page-table entries to copy (a fuzz worker holds 100-400 MB).
const ballast = new Uint8Array(ballastMiB << 20).fill(1)
const initialEnv = process.env.DELTABENCH_SPAWNER
await oneStart('spawner') // the spawner starts once per process: not part of a start's cost
const got = { direct: { wall: [] as number[], cpu: [] as number[] }, spawner: { wall: [] as number[], cpu: [] as number[] } }
for (let i = 0; i < reps; i++) {
  for (const via of i % 2 ? (['spawner', 'direct'] as const) : (['direct', 'spawner'] as const)) {
    const r = await oneStart(via)
    got[via].wall.push(r.wall)
    got[via].cpu.push(r.cpu)
  }
}
if (initialEnv === undefined) delete process.env.DELTABENCH_SPAWNER
else process.env.DELTABENCH_SPAWNER = initialEnv
const rssMiB = process.memoryUsage().rss / 2 ** 20
const d = { wall: median(got.direct.wall), cpu: median(got.direct.cpu) }
const sp = { wall: median(got.spawner.wall), cpu: median(got.spawner.cpu) }
process.stdout.write(`starting a tool (runTool true) from this process at ${rssMiB.toFixed(0)} MiB RSS, ${reps} interleaved reps, medians:\n`)
process.stdout.write(`  direct spawn: ${d.wall.toFixed(1)} ms wall, ${d.cpu.toFixed(1)} ms of this process's CPU\n`)
process.stdout.write(`  spawner:      ${sp.wall.toFixed(1)} ms wall, ${sp.cpu.toFixed(1)} ms of this process's CPU\n`)
process.stdout.write(`  direct ÷ spawner: ${(d.wall / sp.wall).toFixed(2)}× wall, ${(d.cpu / sp.cpu).toFixed(2)}× parent CPU\n`)
void ballast[0]
if (values.strategy) process.stdout.write('strategy      earlier-epoch sync   tampered-position sync   digests   direct spawns per sync (not the spawner\'s)\n')
for (const name of values.strategy.split(',').filter(Boolean)) {
  const s = STRATEGIES.find((x) => x.name === name)
  if (!s) {
    process.stderr.write(`fuzz-profile: no strategy ${name}; the strategies: ${STRATEGIES.map((x) => x.name).join(', ')}\n`)
    process.exit(2)
  }
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
