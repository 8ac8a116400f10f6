/**
 * What the local-delta floor costs and how close `--floor fast` comes to `--floor max`: on the epochs of
 * `npm run bench` (4 workloads × seeds 1, 2 × 3 epochs at 16 MiB) and on release pairs from the release
 * cache (typescript 5.5.4 → 5.6.2, commander 11.0.0 → 11.1.0; fetched with npm pack if missing), every
 * epoch's two deltas at both levels, computed afresh (an empty cache), with each tool's CPU as the kernel
 * counts it (/usr/bin/time).
 *
 *   npx tsx bench/floor-levels.ts [--size 16MiB] [--quick]     (--quick: seed 1 only)
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { defaultOptions } from '../core/options.ts'
import { makeTempDir, removeTempDir } from '../core/temp-dir.ts'
import { parseSize } from '../core/units.ts'
import { findWorkload } from '../harness/config.ts'
import type { FloorLevel } from '../harness/floor-level.ts'
import { runConcurrently, type CommandRunner } from '../harness/floor-tools.ts'
import { prepareWorkload, type LocalFloor } from '../harness/prepare-workload.ts'

const args = process.argv.slice(2)
const size = parseSize(args.includes('--size') ? args[args.indexOf('--size') + 1]! : '16MiB', '--size')
const quick = args.includes('--quick')

interface Case {
  label: string
  workload: string
  options: Record<string, unknown>
  seed: string
  epochs: number
  size: number
}

const cases: Case[] = []
for (const w of ['random-overwrite', 'insert-delete', 'append', 'hot-spot']) {
  for (const seed of quick ? ['1'] : ['1', '2']) cases.push({ label: w, workload: w, options: {}, seed, epochs: 3, size })
}
const releases = [['typescript', 6], ['commander', 0]] as const
for (const [pkg, from] of releases) cases.push({ label: `release ${pkg}`, workload: 'release-series', options: { package: pkg, from }, seed: '1', epochs: 1, size: 0 })

/** Tool CPU seconds by the tool's first word, summed over everything the runner ran. */
function timedRunner(cpu: Map<string, number>): CommandRunner {
  return (cmds, cwd) => {
    const wrapped = cmds.map((c, i) => ['/usr/bin/time', '-f', '%U %S', '-o', join(cwd, `cpu.${i}`), ...c])
    const exits = runConcurrently(wrapped, cwd)
    cmds.forEach((c, i) => {
      const [u, s] = readFileSync(join(cwd, `cpu.${i}`), 'utf8').trim().split('\n').pop()!.split(' ').map(Number)
      cpu.set(c[0]!, (cpu.get(c[0]!) ?? 0) + u! + s!)
    })
    return exits
  }
}

const levels: Exclude<FloorLevel, 'off'>[] = ['fast', 'max']
interface Tally {
  floors: Record<string, LocalFloor[]>
  cpu: Record<string, Map<string, number>>
  epochs: number
}
const byLabel = new Map<string, Tally>()
for (const c of cases) {
  const w = findWorkload(c.workload)
  const entry: Tally = byLabel.get(c.label) ?? { floors: { fast: [], max: [] }, cpu: { fast: new Map(), max: new Map() }, epochs: 0 }
  byLabel.set(c.label, entry)
  for (const level of levels) {
    const cacheDir = makeTempDir('floor-levels')
    try {
      const p = prepareWorkload(w, { ...defaultOptions(w), ...c.options }, { size: c.size, epochs: c.epochs, seed: c.seed, content: 'mixed' }, level, { cacheDir, memory: new Map(), run: timedRunner(entry.cpu[level]!) })
      entry.floors[level]!.push(...p.localFloor!.map((f) => f!))
      p.base.release()
    } finally {
      removeTempDir(cacheDir)
    }
  }
  entry.epochs += c.epochs
  process.stderr.write(`${c.label} seed ${c.seed} done\n`)
}

const sum = (fs: LocalFloor[]) => fs.reduce((a, f) => a + f.bytes, 0)
const lines = ['| case | epochs | floor fast | floor max | fast / max (Σ) | worst epoch | CPU s per epoch, fast (zstd + xdelta3) | max (zstd + xdelta3) | won by, fast |', '| --- | --- | --- | --- | --- | --- | --- | --- | --- |']
for (const [label, e] of byLabel) {
  const fast = e.floors.fast!
  const max = e.floors.max!
  const worst = Math.max(...fast.map((f, i) => f.bytes / max[i]!.bytes))
  const cpu = (level: string) => {
    const m = e.cpu[level]!
    return `${(((m.get('zstd') ?? 0) + (m.get('xdelta3') ?? 0)) / e.epochs).toFixed(2)} (${((m.get('zstd') ?? 0) / e.epochs).toFixed(2)} + ${((m.get('xdelta3') ?? 0) / e.epochs).toFixed(2)})`
  }
  const won = ['zstd', 'xdelta3'].map((t) => `${t} ${fast.filter((f) => f.tool.startsWith(t)).length}`).join(', ')
  lines.push(`| ${label} | ${e.epochs} | ${sum(fast)} B | ${sum(max)} B | ${((100 * sum(fast)) / sum(max) - 100).toFixed(2)} % | +${(100 * worst - 100).toFixed(2)} % | ${cpu('fast')} | ${cpu('max')} | ${won} |`)
}
process.stdout.write(`${lines.join('\n')}\n`)
