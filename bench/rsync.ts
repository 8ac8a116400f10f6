/**
 * `npm run bench:rsync`: rsync-rolling against librsync's rdiff on four seeded cases of a 256 MiB
 * volume (see bench/rsync-inputs.ts), interleaved in one run (rep by rep, alternating which goes
 * first), each sync in a process of its own (bench/rsync-case.ts). rsync itself runs once per case for
 * its "Literal data". Prints medians and ratios against the targets, and writes every
 * measurement to results/bench-rsync-<time>.json.
 *
 *   npm run bench:rsync                      # 256 MiB, 5 reps, block 16 KiB, 8-byte strong sums
 *   npm run bench:rsync -- --size 64MiB --reps 5 --cases scattered,unrelated
 */
import { execFileSync } from 'node:child_process'
import { closeSync, mkdirSync, openSync, readSync, writeFileSync } from 'node:fs'
import { cpus, tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseSize, formatBytes } from '../core/units.ts'
import { median } from '../core/stats.ts'
import { textTable } from '../core/text-table.ts'
import { benchInputs, CASES, type BenchCase } from './rsync-inputs.ts'

interface CaseResult {
  strategy: string
  error: string | null
  correct: boolean
  bytesDown: number
  bytesUp: number
  bytesLiteral: number
  telemetry: Record<string, number>
  signatureMs: number
  signatureToolMs: number
  deltaMs: number
  deltaToolMs: number
  patchMs: number
  patchToolMs: number
  syncWallMs: number
  peakRssBytes: number
  peakHeapAndBuffersBytes: number
}

function flag(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`)
  return i >= 0 ? process.argv[i + 1]! : fallback
}

const seed = flag('seed', '1')
const size = parseSize(flag('size', '256MiB'), '--size')
const reps = Number(flag('reps', '5'))
const blockSize = parseSize(flag('block-size', '16384'), '--block-size')
const strongBytes = Number(flag('strong-bytes', '8'))
const cases = flag('cases', CASES.join(',')).split(',') as BenchCase[]
const CASE_SCRIPT = new URL('./rsync-case.ts', import.meta.url).pathname

function runCase(strategy: string, base: string, target: string, options: Record<string, unknown> = {}): CaseResult {
  const out = execFileSync(process.execPath, ['--import', 'tsx', CASE_SCRIPT, '--strategy', strategy, '--base', base, '--target', target, '--block-size', String(blockSize), '--strong-bytes', String(strongBytes), '--options', JSON.stringify(options)], { encoding: 'utf8', maxBuffer: 1 << 24 })
  const r = JSON.parse(out.trim().split('\n').pop()!) as CaseResult
  if (r.error || !r.correct) throw new Error(`bench:rsync: ${strategy} on ${target}: ${r.error ?? 'replica not byte-exact'}`)
  return r
}

const ms = (x: number) => `${x.toFixed(0)} ms`
const ratio = (a: number, b: number) => (b > 0 ? `${(a / b).toFixed(2)}×` : '-')
const pct = (a: number, b: number) => (b > 0 ? `${(((a - b) / b) * 100).toFixed(2)}%` : '-')

/** The case name, then numbers. */
function table(head: string[], rows: string[][]): string {
  return textTable([head, ...rows], { columns: head.map((_, i) => ({ align: i === 0 ? 'left' : 'right' })), rule: true }).join('\n')
}

/**
 * Reads a file through once, so every timed sync finds it in the page cache: otherwise the first rep
 * pays for the disk (seen: 814 ms against 270-289 for the same delta in later reps).
 */
function warmPageCache(path: string): void {
  const fd = openSync(path, 'r')
  const buf = new Uint8Array(8 << 20)
  try {
    while (readSync(fd, buf, 0, buf.length, null) > 0) {
      // reading is the point
    }
  } finally {
    closeSync(fd)
  }
}

async function main(): Promise<void> {
  const t0 = Date.now()
  const inputs = benchInputs(flag('dir', tmpdir()), seed, size, (s) => process.stderr.write(`${s}\n`))
  for (const path of [inputs.base, ...cases.map((c) => inputs.targets[c])]) warmPageCache(path)
  const results: Record<string, { rolling: CaseResult[]; rdiff: CaseResult[]; rsync?: CaseResult }> = {}
  for (const c of cases) results[c] = { rolling: [], rdiff: [] }
  for (let rep = 0; rep < reps; rep++) {
    for (const c of cases) {
      const order = rep % 2 === 0 ? (['rolling', 'rdiff'] as const) : (['rdiff', 'rolling'] as const)
      for (const who of order) {
        const r = runCase(who === 'rolling' ? 'rsync-rolling' : 'rdiff', inputs.base, inputs.targets[c])
        results[c]![who].push(r)
        process.stderr.write(`rep ${rep + 1}/${reps} ${c.padEnd(9)} ${who.padEnd(7)} sig ${ms(r.signatureMs)} delta ${ms(r.deltaMs)} patch ${ms(r.patchMs)} down ${r.bytesDown}\n`)
      }
    }
  }
  for (const c of cases) {
    // rsync only supplies the literal-data column: a run of it that fails (seen: a stall under load on
    // `unrelated`) leaves that column empty rather than losing every measurement above.
    try {
      results[c]!.rsync = runCase('rsync', inputs.base, inputs.targets[c])
      process.stderr.write(`rsync ${c}: literal ${results[c]!.rsync!.telemetry.literal_data}\n`)
    } catch (e) {
      process.stderr.write(`rsync ${c}: no literal figure (${(e as Error).message})\n`)
    }
  }

  const med = (xs: CaseResult[], f: (r: CaseResult) => number) => median(xs.map(f))
  const sizeRows: string[][] = []
  const cpuRows: string[][] = []
  const memRows: string[][] = []
  for (const c of cases) {
    const { rolling, rdiff, rsync } = results[c]!
    const mine = rolling[0]!
    const theirs = rdiff[0]!
    // Delta = what the sender sent: our DELTA/END frames, rdiff's delta file (frames of it).
    const rsyncLiteral = rsync?.telemetry.literal_data
    sizeRows.push([c, String(mine.bytesDown), String(theirs.bytesDown), pct(mine.bytesDown, theirs.bytesDown), String(mine.telemetry.literal_data), rsyncLiteral === undefined ? '-' : String(rsyncLiteral), rsyncLiteral === undefined ? '-' : pct(mine.telemetry.literal_data!, rsyncLiteral), String(mine.bytesUp), String(theirs.bytesUp)])
    const sig = [med(rolling, (r) => r.signatureMs), med(rdiff, (r) => r.signatureToolMs)]
    const delta = [med(rolling, (r) => r.deltaMs), med(rdiff, (r) => r.deltaToolMs)]
    const patch = [med(rolling, (r) => r.patchMs), med(rdiff, (r) => r.patchToolMs)]
    cpuRows.push([c, ms(sig[0]!), ms(sig[1]!), ratio(sig[1]!, sig[0]!), ms(delta[0]!), ms(delta[1]!), ratio(delta[1]!, delta[0]!), ms(patch[0]!), ms(patch[1]!), ratio(patch[1]!, patch[0]!)])
    memRows.push([c, formatBytes(Math.max(...rolling.map((r) => r.peakRssBytes))), formatBytes(Math.max(...rolling.map((r) => r.peakHeapAndBuffersBytes))), formatBytes(Math.max(...rdiff.map((r) => r.peakRssBytes)))])
  }
  const out: string[] = []
  out.push(`bench:rsync: ${formatBytes(size)} volume, seed ${seed}, block ${blockSize} B, strong sums ${strongBytes} B, ${reps} reps interleaved; ${cpus()[0]?.model ?? '?'} × ${cpus().length}, Node ${process.version}`)
  out.push('', 'Bytes (identical every rep): delta = bytes sender→receiver incl. framing; literal = literal data', table(['case', 'delta ours', 'delta rdiff', 'vs rdiff', 'literal ours', 'rsync Literal', 'vs rsync', 'sig ours', 'sig rdiff'], sizeRows))
  out.push('', 'CPU, median of reps (ours: everything this process spent in the phase, the patch with the commit of the staged replica; rdiff: its child process alone)', table(['case', 'sig ours', 'sig rdiff', 'rdiff/ours', 'delta ours', 'delta rdiff', 'rdiff/ours', 'patch ours', 'patch rdiff', 'rdiff/ours'], cpuRows))
  out.push('', 'Memory (max over reps): peak RSS of the case process; heap+buffers sampled at every step end', table(['case', 'ours RSS', 'ours heap+buf', 'rdiff case RSS'], memRows))
  out.push('', `took ${((Date.now() - t0) / 1000).toFixed(0)} s`)
  process.stdout.write(out.join('\n') + '\n')
  mkdirSync('results', { recursive: true })
  const file = join('results', `bench-rsync-${new Date().toISOString().replace(/[:.]/g, '-')}.json`)
  writeFileSync(file, JSON.stringify({ seed, size, reps, blockSize, strongBytes, results }, null, 1))
  process.stdout.write(`every measurement: ${file}\n`)
}

await main()
