/**
 * npm run bench:compare-noise [-- --pairs 20 --size 2MiB --repeat 3]
 *
 * The check issue 13 asks of `compare`: pairs of small runs of the same config must report (almost) no
 * regression. Makes 2 × pairs runs of one config through runMatrix (the path `deltabench run` takes),
 * compares each pair with the compare command's defaults, and prints the pairs, the cells compared, the
 * false regressions (bytes, correctness, CPU) and their rate. Exit 1 when more than one false regression
 * turned up (the bar), 2 on a bad flag. Runs live in a temp directory this script makes and removes.
 */
import { Command } from 'commander'
import { rmSync } from 'node:fs'
import { makeTempDir, removeTempDir } from '../core/temp-dir.ts'
import { installInterruptHandlers } from '../apps/interrupt.ts'
import { join } from 'node:path'
import { COMPARE_DEFAULTS, compareRuns } from '../analysis/compare.ts'
import { comparisonSummary } from '../analysis/compare-output.ts'
import { ConfigError } from '../core/errors.ts'
import { formatBytes, parseSize } from '../core/units.ts'
import { resolveRun } from '../harness/config.ts'
import { runMatrix } from '../harness/run-matrix.ts'

const DEFAULTS = { pairs: 20, size: 2 << 20, repeat: 3 }
const STRATEGIES = ['fixed-block-compare', 'rsync-rolling', 'snapshot-diff', 'changed-block-bitmap']
const WORKLOADS = ['random-overwrite', 'insert-delete']
const SEEDS = ['1', '2', '3']

const o = new Command('bench:compare-noise')
  .option('--pairs <n>', `pairs of same-config runs (default ${DEFAULTS.pairs})`)
  .option('--size <size>', `base volume size (default ${formatBytes(DEFAULTS.size)})`)
  .option('--repeat <n>', `repeats per cell (default ${DEFAULTS.repeat}; with ${SEEDS.length} seeds, enough for the CPU test to reach its level)`)
  .parse()
  .opts<{ pairs?: string; size?: string; repeat?: string }>()

function whole(flag: string, v: string | undefined, dflt: number, max: number): number {
  if (v === undefined) return dflt
  const n = Number(v)
  if (!Number.isSafeInteger(n) || n < 1 || n > max) throw new ConfigError(`bench:compare-noise: --${flag} must be a whole number from 1 to ${max}, got "${v}"`)
  return n
}

let dir: string | null = null
// The temp directory is this script's (core/temp-dir.ts): removed on every way out, Ctrl-C included.
installInterruptHandlers()
const cleanUp = () => {
  if (dir) removeTempDir(dir)
  dir = null
}

try {
  const pairs = whole('pairs', o.pairs, DEFAULTS.pairs, 1000)
  const repeat = whole('repeat', o.repeat, DEFAULTS.repeat, 100)
  const size = o.size === undefined ? DEFAULTS.size : parseSize(o.size, 'bench:compare-noise: --size')
  if (size < 64 << 10 || size > 64 << 20) throw new ConfigError(`bench:compare-noise: --size must be from 64KiB to 64MiB (small runs), got "${o.size}"`)
  const config = resolveRun({ strategies: STRATEGIES, workloads: WORKLOADS, blockSizes: [4096], size, epochs: 3, seeds: SEEDS, repeat })
  dir = makeTempDir('compare-noise')
  const t0 = performance.now()
  let runs = 0
  const run = async () => {
    const out = join(dir!, `run-${runs++}`)
    const r = await runMatrix(config, { outDir: out, runId: `noise-${runs}` })
    rmSync(out, { recursive: true, force: true })
    return r.rows
  }
  // The first run of a process compiles more than any later one; it is thrown away so pair 1 is like the rest.
  await run()
  let cells = 0
  let tested = 0
  const found = { bytes: 0, correctness: 0, cpu: 0, total: 0 }
  let cpuCalls = 0
  let last: string[] = []
  for (let p = 1; p <= pairs; p++) {
    const c = compareRuns(await run(), await run(), {}, { a: `pair ${p} A`, b: `pair ${p} B` })
    cells += c.cells.length
    tested += c.cpuTested
    cpuCalls += c.cells.filter((x) => x.cpu.call === 'worse' || x.cpu.call === 'better').length
    for (const k of ['bytes', 'correctness', 'cpu', 'total'] as const) found[k] += c.regressions[k]
    last = comparisonSummary(c)
    process.stderr.write(`pair ${p}/${pairs}: ${c.regressions.total} regression(s), CPU overall ×${c.runCpuFactor.toFixed(2)}\n`)
  }
  const s = ((performance.now() - t0) / 1000).toFixed(0)
  process.stdout.write(
    [
      `config: ${STRATEGIES.join(', ')} × ${WORKLOADS.join(', ')} · block 4096 · ${formatBytes(size)} · 3 epochs · seeds ${SEEDS.join(',')} · repeat ${repeat}`,
      `compare defaults: alpha ${COMPARE_DEFAULTS.alpha * 100}% family-wise per comparison, minimum effect ${COMPARE_DEFAULTS.minEffect * 100}%`,
      `the last comparison said: ${last.slice(2, 5).join(' | ')}`,
      `pairs: ${pairs}; cells compared: ${cells} (${tested} with a CPU test); CPU changes called either way: ${cpuCalls}`,
      `false regressions: ${found.total} (bytes ${found.bytes}, correctness ${found.correctness}, CPU ${found.cpu}); rate ${(found.total / pairs).toFixed(2)} per comparison, ${((found.total / Math.max(1, cells)) * 100).toFixed(2)}% of cells`,
      `${runs} runs in ${s} s`,
    ].join('\n') + '\n',
  )
  process.exitCode = found.total > 1 ? 1 : 0
} catch (err) {
  if (err instanceof ConfigError) {
    process.stderr.write(`${err.message}\n`)
    process.exitCode = 2
  } else throw err
} finally {
  cleanUp()
}
