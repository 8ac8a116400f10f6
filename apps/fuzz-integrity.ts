/**
 * The integrity figure of the fuzz study: of the tampered transfers, how many the strategy detects itself
 * (a typed error, the replica untouched) and how many it completes with a wrong replica that only the
 * harness's byte-for-byte verification catches. The rest were harmless (the tamper hit nothing that mattered).
 */
import { textTable } from '../core/text-table.ts'
import type { FuzzReport } from './fuzz.ts'

export interface IntegrityFigure {
  strategy: string
  cases: number
  detected: number
  wrongReplica: number
  harmless: number
  /** detected / (detected + wrongReplica): of the tampers that mattered, the share the strategy caught; null when none mattered. */
  detectedShare: number | null
}

export function integrityFigure(r: FuzzReport): IntegrityFigure {
  const mattered = r.rejected + r.acceptedWrong
  return { strategy: r.strategy, cases: r.cases, detected: r.rejected, wrongReplica: r.acceptedWrong, harmless: r.completed - r.acceptedWrong, detectedShare: mattered ? r.rejected / mattered : null }
}

const pct = (n: number, of: number) => (of ? `${((100 * n) / of).toFixed(1)}%` : '-')

/** The table printed at the end of a fuzz run, one row per strategy. */
export function integrityTable(figures: readonly IntegrityFigure[]): string {
  const rows = figures.map((f) => [f.strategy, String(f.cases), `${f.detected} (${pct(f.detected, f.cases)})`, `${f.wrongReplica} (${pct(f.wrongReplica, f.cases)})`, `${f.harmless} (${pct(f.harmless, f.cases)})`, f.detectedShare === null ? '-' : pct(f.detectedShare, 1)])
  const right = { align: 'right' } as const
  return textTable([['strategy', 'tampered', 'detected itself', 'wrong replica (harness only)', 'harmless', 'detected share'], ...rows], { rule: true, columns: [{}, right, right, right, right, right] }).join('\n')
}
