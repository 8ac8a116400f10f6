/**
 * Progress of a run on stderr: on a terminal, one line redrawn in place (a bar, cells done, time, the ETA
 * from measured cell costs, the cell), never wider than the terminal (a pseudo-terminal that reports no
 * width gets 100 columns) and cut in the middle of the cell's label so its seed survives; elsewhere (CI
 * logs, a pipe) one plain line per cell. Set-up phases between cells (a workload's preparation) get a
 * status line when they start and say how long they took.
 */
import type { Progress, Status } from '../harness/run-matrix.ts'
import { middleTruncate, terminalWidth } from '../core/text-fit.ts'
import { CellCostEta, type PlannedCell } from './progress-eta.ts'

export interface ProgressHooks {
  plan: (cells: readonly PlannedCell[]) => void
  progress: (p: Progress) => void
  status: (s: Status) => void
}

export interface ProgressOptions {
  /** Milliseconds from some fixed point (tests pass a fake clock). */
  now?: () => number
  env?: NodeJS.ProcessEnv
}

const seconds = (ms: number) => (ms >= 90_000 ? `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s` : `${(ms / 1000).toFixed(0)} s`)

/** The bar line: shrinks the bar first, then cuts the label in its middle, to fit `width`. */
export function progressLine(p: { done: number; total: number; label: string }, elapsedMs: number, leftMs: number | null, width: number): string {
  const fixed = ` ${p.done}/${p.total} cells  ${seconds(elapsedMs)} elapsed${leftMs === null ? '' : `, ~${seconds(leftMs)} left`}  `
  const room = width - 1 - fixed.length
  const barWidth = Math.max(0, Math.min(24, room - p.label.length))
  const filled = p.total ? Math.round((p.done / p.total) * barWidth) : barWidth
  const bar = '█'.repeat(filled) + '░'.repeat(barWidth - filled)
  return `${bar}${fixed}${middleTruncate(p.label, Math.max(0, room - barWidth))}`.slice(0, Math.max(0, width - 1))
}

export function progressReporter(stream: NodeJS.WriteStream = process.stderr, opts: ProgressOptions = {}): ProgressHooks {
  const now = opts.now ?? (() => performance.now())
  const tty = stream.isTTY === true
  const width = () => terminalWidth(stream, opts.env) ?? 100
  const start = now()
  let eta = new CellCostEta([])
  // When the last cell or set-up phase ended: a cell's cost is the time since, so a preparation is not charged to a cell.
  let last = start
  let statusStart = start
  return {
    plan(cells) {
      eta = new CellCostEta(cells)
      last = now()
    },
    status(s) {
      const t = now()
      if (!s.done) statusStart = t
      const text = s.done ? `${s.label}: done in ${((t - statusStart) / 1000).toFixed(1)} s` : `${s.label} …`
      if (tty) stream.write(`\r\x1b[2K${middleTruncate(text, width() - 1)}`)
      else stream.write(`${text}\n`)
      if (s.done) last = t
    },
    progress(p) {
      const t = now()
      if (!p.resumed && p.strategy !== undefined && p.workload !== undefined) eta.finished({ strategy: p.strategy, workload: p.workload }, t - last)
      last = t
      const left = p.done === p.total ? 0 : eta.leftMs()
      if (tty) {
        stream.write(`\r\x1b[2K${progressLine(p, t - start, left, width())}`)
        if (p.done === p.total) stream.write('\n')
      } else {
        stream.write(`[${p.done}/${p.total}] ${p.resumed ? 'already done: ' : ''}${p.label}${left === null || p.done === p.total ? '' : `  (~${seconds(left)} left)`}\n`)
      }
    },
  }
}
