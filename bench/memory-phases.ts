/**
 * npm run bench:memory-phases -- <workload> <blockSize> [strategies]: one (workload, seed 1) of the
 * design-review sweep at 64 MiB, --floor off, in this process, printing process.memoryUsage() (RSS, heap,
 * ArrayBuffers) and the peak RSS so far after each cell, and what the prepared workload alone holds.
 * Run under `node --expose-gc` (the npm script does) so each figure is taken after a full collection.
 */
import { resolveRun, findWorkload } from '../harness/config.ts'
import { runMatrix } from '../harness/run-matrix.ts'
import { prepareWorkload } from '../harness/prepare-workload.ts'
import { peakRssBytes } from '../harness/peak-rss.ts'
import { defaultOptions } from '../core/options.ts'
import { makeTempDir, removeTempDir } from '../core/temp-dir.ts'

const [workload = 'sqlite-oltp', blockSize = '1024', strategies = 'fixed-block-compare,changed-block-bitmap,snapshot-diff,rsync-rolling,xdelta3'] = process.argv.slice(2)
// Without --expose-gc the figures would include garbage not yet collected: refuse rather than mislead.
const gc = (globalThis as { gc?: () => void }).gc
if (!gc) throw new Error('bench:memory-phases: run it with node --expose-gc (npm run bench:memory-phases does)')
const mib = (n: number) => `${(n / 2 ** 20).toFixed(0)} MiB`
const show = (label: string) => {
  gc()
  const m = process.memoryUsage()
  process.stdout.write(`${label}: rss ${mib(m.rss)}, heap ${mib(m.heapUsed)}, ArrayBuffers ${mib(m.arrayBuffers)}, peak RSS so far ${mib(peakRssBytes())}\n`)
}

const w = findWorkload(workload)
gc()
const before = process.memoryUsage().arrayBuffers
const p = prepareWorkload(w, defaultOptions(w), { size: 64 << 20, epochs: 3, seed: '1', content: 'mixed' })
gc()
const edits = p.epochs.flat() as unknown as Record<string, unknown>[]
const editBytes = edits.reduce((a, m) => a + Object.values(m).reduce<number>((b, v) => b + (v instanceof Uint8Array ? v.length : 0), 0), 0)
process.stdout.write(`prepared ${workload}: ArrayBuffers +${mib(process.memoryUsage().arrayBuffers - before)} (base ${mib(p.base.size)}; ${edits.length} edits carrying ${mib(editBytes)})\n`)
p.base.release()
show('start')
const dir = makeTempDir('memory-phases')
try {
  const config = resolveRun({ strategies: strategies.split(','), workloads: [workload], blockSizes: [Number(blockSize)], size: '64MiB', seeds: ['1'], floor: 'off' })
  await runMatrix(config, { outDir: `${dir}/run`, warmup: false, onProgress: (x) => show(x.label) })
} finally {
  removeTempDir(dir)
}
