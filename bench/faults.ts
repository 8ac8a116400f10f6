/**
 * npm run bench:faults [-- --size 4MiB --epochs 4 --seeds 1,2,3 --rate 0.05 --faults dropped-bits
 *                        --strategies changed-block-bitmap,journal-replay:coalesce=true]
 * Prints, for each tracking strategy and fault, the share of syncs that ended with a wrong replica without
 * and with self-verification. A thin shell over apps/fault-bench.ts.
 */
import { Command } from 'commander'
import { ConfigError } from '../core/errors.ts'
import { DEFAULT_FAULT_BENCH, faultBenchTable, parseVariant, runFaultBench, trackingStrategies, variantLabel, type FaultBenchParams } from '../apps/fault-bench.ts'
import { FAULT_KINDS, isFaultKind } from '../harness/faults.ts'
import { formatBytes, parseSize } from '../core/units.ts'
import { parseContent } from '../workloads/content.ts'

const list = (v: string) => v.split(',').map((s) => s.trim()).filter(Boolean)
const d = DEFAULT_FAULT_BENCH

const program = new Command('bench:faults')
  .option('--strategies <list>', `tracking strategies, options as name:key=value (default: ${trackingStrategies().map(variantLabel).join(',')})`, list)
  .option('--workloads <list>', `workloads (default: ${d.workloads.join(',')})`, list)
  .option('--faults <list>', `faults (default: ${d.faults.join(',')})`, list)
  .option('--rate <p>', 'one rate for every fault (default: each fault\'s own, see deltabench list)')
  .option('--size <size>', `base volume size (default: ${formatBytes(d.size)})`)
  .option('--epochs <n>', `syncs per cell (default: ${d.epochs})`)
  .option('--seeds <list>', `seeds (default: ${d.seeds.join(',')})`, list)
  .option('--block-size <size>', `block size (default: ${d.blockSize})`)
  .option('--content <model>', `content model (default: ${d.content})`)
  .parse()

const o = program.opts<{ strategies?: string[]; workloads?: string[]; faults?: string[]; rate?: string; size?: string; epochs?: string; seeds?: string[]; blockSize?: string; content?: string }>()

try {
  const faults = o.faults ?? d.faults
  for (const f of faults) if (!isFaultKind(f)) throw new ConfigError(`unknown fault "${f}"; choose from ${FAULT_KINDS.join(', ')}`)
  const rate = o.rate === undefined ? undefined : Number(o.rate)
  if (rate !== undefined && !(rate > 0 && rate <= 1)) throw new ConfigError(`--rate must be a probability in (0, 1], got "${o.rate}"`)
  const params: FaultBenchParams = {
    strategies: o.strategies?.map(parseVariant),
    workloads: o.workloads ?? d.workloads,
    faults: faults as FaultBenchParams['faults'],
    rate,
    size: o.size === undefined ? d.size : parseSize(o.size, '--size'),
    epochs: o.epochs === undefined ? d.epochs : Number(o.epochs),
    seeds: o.seeds ?? d.seeds,
    blockSize: o.blockSize === undefined ? d.blockSize : parseSize(o.blockSize, '--block-size'),
    content: o.content === undefined ? d.content : parseContent(o.content),
  }
  if (!Number.isSafeInteger(params.epochs) || params.epochs < 1) throw new ConfigError(`--epochs must be a whole number from 1, got "${o.epochs}"`)
  const t0 = performance.now()
  let cells = 0
  const lines = await runFaultBench(params, () => {
    cells++
    if (process.stderr.isTTY) process.stderr.write(`\r${cells} cells`)
  })
  if (process.stderr.isTTY) process.stderr.write('\r')
  process.stdout.write(
    `${params.workloads.join(', ')} · ${formatBytes(params.size)} ${params.content} · ${params.epochs} syncs per cell · seeds ${params.seeds.join(',')} · block ${formatBytes(params.blockSize)}\n` +
      'A sync is wrong when the replica differs from the source after it (checked byte for byte by the harness).\n\n',
  )
  process.stdout.write(`${faultBenchTable(lines)}\n\n${cells} cells in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`)
} catch (err) {
  if (err instanceof ConfigError) {
    process.stderr.write(`bench:faults: ${err.message}\n`)
    process.exitCode = 2
  } else throw err
}
