import type { Progress } from '../harness/run-matrix.ts'

/**
 * A progress bar on a terminal (redrawn in place on stderr), one plain line per cell elsewhere (CI logs).
 */
export function progressReporter(stream: NodeJS.WriteStream = process.stderr): (p: Progress) => void {
  const start = performance.now()
  const tty = stream.isTTY === true
  return (p) => {
    const elapsed = (performance.now() - start) / 1000
    const pct = p.total ? p.done / p.total : 1
    const eta = p.done > 0 ? (elapsed / p.done) * (p.total - p.done) : 0
    if (tty) {
      const width = 24
      const filled = Math.round(pct * width)
      const bar = '█'.repeat(filled) + '░'.repeat(width - filled)
      const line = `${bar} ${p.done}/${p.total} cells  ${elapsed.toFixed(0)}s elapsed, ~${eta.toFixed(0)}s left  ${p.label}`
      stream.write(`\r\x1b[2K${line.slice(0, (stream.columns ?? 120) - 1)}`)
      if (p.done === p.total) stream.write('\n')
    } else {
      stream.write(`[${p.done}/${p.total}] ${p.resumed ? 'already done: ' : ''}${p.label}\n`)
    }
  }
}
