/**
 * `tsx bench/rsync-phases.ts`: where rsync-rolling's delta spends its CPU, phase by phase, on the
 * inputs bench:rsync built. The sender alone (no channel, no receiver, no stage): the signature of
 * base.img is computed once, then each case's delta is made `--reps` times, interleaved, with the scan's
 * steps wrapped in CPU timers: source reads, the rolling kernel, the strong hash in place, literal
 * emission (frame copies and the stream digest) and the rest of the scanner's JavaScript. The wrappers
 * cost a little, so the total is a shade above bench:rsync's delta; compare phases within one run.
 *
 *   npx tsx bench/rsync-phases.ts --dir /work/cache/bench-rsync --cases scattered,unrelated --reps 3
 */
import { FileVolume } from '../core/volume.ts'
import { median } from '../core/stats.ts'
import { textTable } from '../core/text-table.ts'
import { BlockIndex } from '../strategies/rolling/block-index.ts'
import { ChunkReader } from '../strategies/rolling/chunk-reader.ts'
import { DeltaEncoder } from '../strategies/rolling/rolling-delta.ts'
import { RollingKernel } from '../strategies/rolling/rolling-kernel.ts'
import { RollingScanner, type ScanCounters } from '../strategies/rolling/rolling-scan.ts'
import { computeSums, type Signature } from '../strategies/rolling/rolling-signature.ts'
import { STEP_BUDGET } from '../strategies/shared/block-stream.ts'
import { createStreamDigest } from '../strategies/shared/stream-digest.ts'
import { createStrongHasher } from '../strategies/shared/strong-hash.ts'
import { parseSize } from '../core/units.ts'
import { benchInputs, CASES, type BenchCase } from './rsync-inputs.ts'

function flag(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`)
  return i >= 0 ? process.argv[i + 1]! : fallback
}

const cpuNow = (): number => {
  const u = process.cpuUsage()
  return (u.user + u.system) / 1000
}

/** CPU ms per phase, summed over the wrapped calls; nested wrapped calls are charged to the innermost. */
const spent = new Map<string, number>()
let open: { name: string; t: number } | undefined

function wrap<T extends object>(proto: T, method: keyof T & string, phase: string): void {
  const orig = proto[method] as unknown as (...a: unknown[]) => unknown
  ;(proto as Record<string, unknown>)[method] = function (this: unknown, ...a: unknown[]) {
    const outer = open
    const t0 = cpuNow()
    if (outer) spent.set(outer.name, (spent.get(outer.name) ?? 0) + t0 - outer.t)
    open = { name: phase, t: t0 }
    try {
      return orig.apply(this, a)
    } finally {
      const t1 = cpuNow()
      spent.set(phase, (spent.get(phase) ?? 0) + t1 - open.t)
      open = outer ? { name: outer.name, t: t1 } : undefined
    }
  }
}

const wrapped = !process.argv.includes('--total-only')
if (wrapped) wrap(ChunkReader.prototype, 'readInto', 'source reads')
if (wrapped) wrap(RollingKernel.prototype, 'roll', 'rolling kernel')
if (wrapped) wrap(RollingKernel.prototype, 'sum', 'fresh weak sums')
if (wrapped) wrap(RollingKernel.prototype, 'xxh128', 'strong hash (in place)')
if (wrapped) wrap(DeltaEncoder.prototype, 'literal', 'literal emission + digest')
if (wrapped) wrap(DeltaEncoder.prototype, 'match', 'match emission + digest')
if (wrapped) wrap(DeltaEncoder.prototype, 'end', 'end frame')
if (wrapped) wrap(RollingScanner.prototype, 'run', 'scanner JS (rest)')

async function deltaOnce(sig: Signature, target: string): Promise<{ total: number; bytes: number; phases: Map<string, number> }> {
  spent.clear()
  const t0 = cpuNow()
  const source = new FileVolume(target)
  const full = sig.count > 0 && sig.size % sig.blockSize === 0 ? sig.count : sig.count - 1
  const index = new BlockIndex(sig.weak, sig.count, (i) => i < full)
  const hasher = await createStrongHasher('xxh128')
  const enc = new DeltaEncoder(await createStreamDigest('xxh128'), 1, source.size)
  const counters: ScanCounters = { weakHits: 0, falseAlarms: 0, matches: 0, maxChain: 0 }
  const scan = new RollingScanner(source, sig, index, hasher, 'rsync', 1024, enc, counters)
  let bytes = 0
  const t1 = cpuNow()
  spent.set('set-up (index, kernel)', t1 - t0)
  while (!scan.done) {
    scan.run(STEP_BUDGET)
    for (const f of enc.take()) bytes += f.bytes.length
  }
  enc.end()
  for (const f of enc.take()) bytes += f.bytes.length
  source.close()
  return { total: cpuNow() - t0, bytes, phases: new Map(spent) }
}

async function main(): Promise<void> {
  const size = parseSize(flag('size', '256MiB'), '--size')
  const blockSize = parseSize(flag('block-size', '16384'), '--block-size')
  const strongBytes = Number(flag('strong-bytes', '8'))
  const reps = Number(flag('reps', '3'))
  const cases = flag('cases', CASES.join(',')).split(',') as BenchCase[]
  const inputs = benchInputs(flag('dir', '.cache/bench-rsync'), flag('seed', '1'), size, (s) => process.stderr.write(`${s}\n`))
  const base = new FileVolume(inputs.base)
  const hasher = await createStrongHasher('xxh128')
  const { sums } = computeSums(base, blockSize, 'rsync', hasher)
  base.close()
  const strong = new Uint8Array(sums.count * strongBytes)
  for (let i = 0; i < sums.count; i++) strong.set(sums.full.subarray(i * sums.digestLength, i * sums.digestLength + strongBytes), i * strongBytes)
  const sig: Signature = { pass: 1, size: sums.size, blockSize, count: sums.count, strongBytes, weakSum: 'rsync', hash: 'xxh128', weak: sums.weak, strong }
  await deltaOnce(sig, inputs.targets[cases[0]!]) // warm-up: JIT and WASM tiers
  const runs = new Map<BenchCase, Awaited<ReturnType<typeof deltaOnce>>[]>()
  for (let rep = 0; rep < reps; rep++) {
    for (const c of rep % 2 === 0 ? cases : [...cases].reverse()) {
      const r = await deltaOnce(sig, inputs.targets[c])
      runs.set(c, [...(runs.get(c) ?? []), r])
      process.stderr.write(`rep ${rep + 1} ${c}: ${r.total.toFixed(0)} ms, ${r.bytes} bytes\n`)
    }
  }
  const names = [...new Set([...runs.values()].flatMap((rs) => rs.flatMap((r) => [...r.phases.keys()])))]
  const rows = names.map((n) => [n, ...cases.map((c) => median(runs.get(c)!.map((r) => r.phases.get(n) ?? 0)).toFixed(0))])
  rows.push(['total (sender CPU)', ...cases.map((c) => median(runs.get(c)!.map((r) => r.total)).toFixed(0))])
  rows.push(['delta bytes', ...cases.map((c) => String(runs.get(c)![0]!.bytes))])
  const head = ['phase, CPU ms (median)', ...cases]
  process.stdout.write(textTable([head, ...rows], { columns: head.map((_, i) => ({ align: i === 0 ? 'left' : 'right' })), rule: true }).join('\n') + '\n')
}

await main()
