/**
 * The table of the rsync technical report (Tridgell & Mackerras, TR-CS-96-05, 1996: block size against
 * matches, false alarms and data sent, on successive source tarballs), made from a run's rows: one line
 * per strategy and block size, with what crossed the channel split into signature and delta, the literal
 * and matched data the strategy or tool reports, and how far the total is above the best local delta.
 */
import type { ResultRow } from '../core/result-row.ts'
import { acrossSeeds, AGGREGATION, cellFigure, localRatioPerSeed } from '../core/aggregation.ts'
import { groupBy } from '../core/stats.ts'
import { formatBytes } from '../core/units.ts'

export interface ReportTableLine {
  strategy: string
  /** Null when the strategy ignores the block size (it ran once). */
  blockSize: number | null
  bytesDown: number
  bytesUp: number
  bytesTotal: number
  signature: number
  literal: number | null
  matched: number | null
  blockMatches: number | null
  falseAlarms: number | null
  vsLocal: number | null
  localFloor: number | null
  wrong: number
}

const fig = (rows: readonly ResultRow[], f: (r: ResultRow) => number | null): number | null => cellFigure(rows, f)?.median ?? null

/** One line per strategy and block size, in the order the rows came (the run's order), every figure the one aggregation's. */
export function reportTableLines(rows: readonly ResultRow[]): ReportTableLine[] {
  return groupBy(rows, ['strategy', 'block_size']).map(({ key, rows: g }) => ({
    strategy: key.strategy,
    blockSize: g[0]!.uses_block_size ? key.block_size : null,
    bytesDown: fig(g, (r) => r.bytes_down)!,
    bytesUp: fig(g, (r) => r.bytes_up)!,
    bytesTotal: fig(g, (r) => r.bytes_total)!,
    signature: fig(g, (r) => r.bytes_signature)!,
    literal: fig(g, (r) => r.literal_data),
    matched: fig(g, (r) => r.matched_data),
    blockMatches: fig(g, (r) => r.block_matches),
    falseAlarms: fig(g, (r) => r.false_alarms),
    vsLocal: acrossSeeds(g, localRatioPerSeed)?.median ?? null,
    localFloor: fig(g, (r) => r.local_floor_bytes),
    wrong: g.filter((r) => !r.correct).length,
  }))
}

const HEAD = ['strategy', 'block', 'total sent', 'down', 'up', 'signature', 'literal data', 'matched data', 'matches', 'false alarms', '× local', 'correct']

/** The table in Markdown, with a line under it saying what its figures are and what the floor was. */
export function reportTableMarkdown(lines: readonly ReportTableLine[]): string {
  const b = (n: number | null) => (n === null ? '–' : formatBytes(Math.round(n)))
  const n = (x: number | null) => (x === null ? '–' : Math.round(x).toLocaleString('en-US'))
  const body = lines.map((l) => [
    l.strategy,
    l.blockSize === null ? 'any' : formatBytes(l.blockSize),
    b(l.bytesTotal),
    b(l.bytesDown),
    b(l.bytesUp),
    b(l.signature),
    b(l.literal),
    b(l.matched),
    n(l.blockMatches),
    n(l.falseAlarms),
    l.vsLocal === null ? '–' : `${l.vsLocal.toFixed(2)}×`,
    l.wrong === 0 ? 'yes' : `NO (${l.wrong})`,
  ])
  const floor = lines.find((l) => l.localFloor !== null)?.localFloor ?? null
  return [
    `| ${HEAD.join(' | ')} |`,
    `| ${HEAD.map((_, i) => (i < 2 ? '---' : '---:')).join(' | ')} |`,
    ...body.map((r) => `| ${r.join(' | ')} |`),
    '',
    `Bytes per sync crossing the channel (framing included); literal and matched data as the strategy or tool reports them (– where it does not); ${AGGREGATION}.${floor === null ? '' : ` Best local delta (the floor, × local = 1): ${formatBytes(Math.round(floor))}.`}`,
  ].join('\n')
}
