/**
 * Before and after a change to the tracking syncs, in one process: bench/tracking-sync.ts imported from another
 * tree (a `git archive` of the parent commit with this bench copied in) and from this one, alternating which
 * goes first each rep; prints the CPU medians per tree and workload (one rep per call, so each call prepares
 * its workload again).
 *
 *   git archive <parent> | tar -x -C /tmp/before && cp bench/tracking*.ts /tmp/before/bench/ && ln -s $PWD/node_modules /tmp/before/
 *   node --expose-gc --import tsx bench/tracking-trees.ts /tmp/before 5
 */
import { resolve } from 'node:path'
import { median } from '../core/stats.ts'
import { syncsAgainstMemcpy, type SyncVsCopy } from './tracking-sync.ts'

type Measure = (o: { workloads: string[]; size: number; blockSize: number; reps: number; seed: string }) => Promise<SyncVsCopy[]>
const [other, repsArg = '5'] = process.argv.slice(2)
if (!other) throw new Error('bench:tracking-trees: name the other tree: node --expose-gc --import tsx bench/tracking-trees.ts <dir> [reps]')
const before = ((await import(resolve(other, 'bench/tracking-sync.ts'))) as { syncsAgainstMemcpy: Measure }).syncsAgainstMemcpy
const trees = { before, after: syncsAgainstMemcpy as Measure }
const TASKS = ['cbt', 'journal', 'memcpy', 'stage'] as const
for (const w of ['random-overwrite', 'hot-spot']) {
  const got = { before: new Map<string, number[]>(), after: new Map<string, number[]>() }
  for (let rep = 0; rep < Number(repsArg); rep++) {
    for (const t of rep % 2 === 0 ? (['before', 'after'] as const) : (['after', 'before'] as const)) {
      const [r] = await trees[t]({ workloads: [w], size: 64 << 20, blockSize: 4096, reps: 1, seed: '1' })
      for (const k of TASKS) got[t].set(k, [...(got[t].get(k) ?? []), r!.ms[k].cpu])
    }
  }
  for (const t of ['before', 'after'] as const) {
    const m = Object.fromEntries(TASKS.map((k) => [k, median(got[t].get(k)!)]))
    process.stdout.write(`${w.padEnd(17)} ${t.padEnd(7)} ${TASKS.map((k) => `${k} ${m[k]!.toFixed(2)} ms${k === 'memcpy' ? '' : ` (${(m[k]! / m.memcpy!).toFixed(1)}×)`}`).join('  ')}\n`)
  }
}
