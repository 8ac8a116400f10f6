/**
 * npm run bench:memory [-- <deltabench run flags>]: the design-review sweep (5 strategies × 3 workloads ×
 * 4 block sizes × 3 seeds at 64 MiB, --floor off) in a child process, its resident memory sampled from
 * /proc every 250 ms. Prints the run's own peak RSS (VmHWM, harness/peak-rss.ts, from the manifest), the
 * peak of the whole process tree (tool children included), and the highest RSS seen while each strategy ×
 * workload ran, so the peak has an address. Flags given after `--` are appended, so they override the
 * defaults (e.g. `-- --seeds 1 --block-sizes 4KiB` for a quick look). The run directory is kept under
 * results/ (its rows are the byte-for-byte reference when memory work changes code).
 */
import { spawn } from 'node:child_process'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { killGroup, own } from '../core/cleanup.ts'
import { formatBytes } from '../core/units.ts'
import { textTable } from '../core/text-table.ts'
import { defaultRunId } from '../harness/run-matrix.ts'
import { installInterruptHandlers } from '../apps/interrupt.ts'

export const DESIGN_REVIEW_SWEEP = [
  '--strategies', 'fixed-block-compare,changed-block-bitmap,snapshot-diff,rsync-rolling,xdelta3',
  '--workloads', 'random-overwrite,insert-delete,sqlite-oltp',
  '--block-sizes', '1KiB,4KiB,16KiB,64KiB',
  '--seeds', '1,2,3',
  '--size', '64MiB',
  '--floor', 'off',
]
const BIN = new URL('../bin/deltabench.js', import.meta.url).pathname
const SAMPLE_MS = 250

/** Resident bytes of one process (VmRSS), 0 once it is gone. */
function rssOf(pid: number): number {
  try {
    const m = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
    return m ? Number(m[1]) * 1024 : 0
  } catch {
    return 0
  }
}

/** A process and its descendants, through /proc/<pid>/task/<tid>/children (Linux 3.5+). */
function tree(pid: number): number[] {
  const out = [pid]
  for (let i = 0; i < out.length; i++) {
    try {
      for (const tid of readdirSync(`/proc/${out[i]}/task`)) {
        for (const c of readFileSync(`/proc/${out[i]}/task/${tid}/children`, 'utf8').trim().split(/\s+/)) if (c) out.push(Number(c))
      }
    } catch {
      // gone between the listing and the read
    }
  }
  return out
}

/** The strategy · workload of the last row written: the cell running is that one or the next. */
function lastCell(rowsPath: string): string {
  if (!existsSync(rowsPath)) return 'preparing'
  const lines = readFileSync(rowsPath, 'utf8').trimEnd().split('\n')
  const last = lines.length ? lines[lines.length - 1] : ''
  try {
    const r = JSON.parse(last!) as { strategy: string; workload: string }
    return `${r.workload} after ${r.strategy}`
  } catch {
    return 'preparing'
  }
}

async function main(): Promise<void> {
  installInterruptHandlers()
  const out = join('results', `memory-${defaultRunId('000000').slice(0, 15)}`)
  const args = [BIN, 'run', ...DESIGN_REVIEW_SWEEP, ...process.argv.slice(2), '--no-progress', '--no-report', '--out', out]
  process.stdout.write(`deltabench ${args.slice(1).join(' ')}\n`)
  const started = performance.now()
  // Its own process group, so an interrupted bench ends the run and the tools it started.
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'inherit'], detached: true })
  const owned = own(`bench:memory run ${child.pid}`, () => killGroup(child.pid))
  let treePeak = 0
  const byCell = new Map<string, number>()
  const timer = setInterval(() => {
    const node = rssOf(child.pid!)
    treePeak = Math.max(treePeak, tree(child.pid!).reduce((a, p) => a + rssOf(p), 0))
    const at = lastCell(join(out, 'rows.jsonl'))
    byCell.set(at, Math.max(byCell.get(at) ?? 0, node))
  }, SAMPLE_MS)
  const code = await new Promise<number | null>((r) => child.once('exit', (c) => r(c)))
  clearInterval(timer)
  owned.disown()
  if (code !== 0) throw new Error(`bench:memory: the run exited ${code}; its stderr is above`)
  const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')) as { peakRssBytes: number }
  process.stdout.write(`\npeak RSS of the run (VmHWM): ${formatBytes(manifest.peakRssBytes)}\n`)
  process.stdout.write(`peak RSS of its process tree, tools included (sampled every ${SAMPLE_MS} ms): ${formatBytes(treePeak)}\n`)
  process.stdout.write(`wall time: ${((performance.now() - started) / 1000).toFixed(0)} s; rows: ${out}/rows.jsonl\n\n`)
  const top = [...byCell].sort((a, b) => b[1] - a[1]).slice(0, 8)
  for (const line of textTable([['while running (last row written)', 'highest RSS sampled'], ...top.map(([k, v]) => [k, formatBytes(v)])], { columns: [{}, { align: 'right' }] })) process.stdout.write(`${line}\n`)
}

await main()
