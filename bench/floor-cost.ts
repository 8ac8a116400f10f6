/**
 * What the local-delta floor adds to `npm run bench`: the floor is computed only while a workload is
 * prepared, so this prepares the bench's workloads and seeds (DEFAULT_REQUEST: 4 workloads × 2 seeds × 3 epochs
 * at 16 MiB) at one --floor level and prints the wall time; run it under `/usr/bin/time` for the CPU of the
 * tools too. Point DELTABENCH_FLOOR_CACHE at an empty directory for a cold cache.
 *
 *   DELTABENCH_FLOOR_CACHE=$(mktemp -d) /usr/bin/time npx tsx bench/floor-cost.ts fast   (then again: warm; then off)
 */
import { defaultOptions } from '../core/options.ts'
import { DEFAULT_REQUEST, findWorkload, resolveRun } from '../harness/config.ts'
import { parseFloorLevel } from '../harness/floor-level.ts'
import { prepareWorkload } from '../harness/prepare-workload.ts'

const level = parseFloorLevel(process.argv[2] ?? 'fast')
const config = resolveRun({ floor: level })
const t0 = performance.now()
for (const w of DEFAULT_REQUEST.workloads) {
  const workload = findWorkload(w)
  for (const seed of config.seeds) {
    const p = prepareWorkload(workload, defaultOptions(workload), { size: config.size, epochs: config.epochs, seed, content: config.content }, config.floor)
    p.base.release()
  }
}
process.stdout.write(`--floor ${level}: prepared ${DEFAULT_REQUEST.workloads.length} workloads × ${config.seeds.length} seeds × ${config.epochs} epochs at ${config.size} B in ${((performance.now() - t0) / 1000).toFixed(1)} s wall\n`)
