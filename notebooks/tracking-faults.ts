/**
 * Notebook: what tracking faults cost. With fault rows (a run with fault injection switched on): per fault
 * and strategy, how many syncs ended wrong, how many were detected, and what the faulted syncs sent
 * compared with clean ones. Without them it says so, and shows what tracking costs when nothing goes wrong.
 */
import { groupBy, median } from '../core/stats.ts'
import { correctness } from '../analysis/charts/correctness.ts'
import { findFaultColumns, faultOf } from '../analysis/charts/fault-columns.ts'
import { faultCells, faults } from '../analysis/charts/faults.ts'
import { blockLabel, bytes, formatMs } from '../analysis/charts/format.ts'
import { trackingState } from '../analysis/charts/tracking-state.ts'
import { trackingTime } from '../analysis/charts/tracking-time.ts'
import type { ResultRow } from '../core/result-row.ts'
import { addChart, type Analysis } from './analysis.ts'
import { mdTable, mdText } from './markdown.ts'
import { NotebookBuilder } from './notebook.ts'
import { runDescription, type RunData } from './run-data.ts'

const pct = (n: number, d: number) => `${((100 * n) / d).toFixed(0)}%`

/** Median bytes per sync of faulted rows over clean rows of the same strategy, options, workload and block size. */
function bytesOverClean(rows: readonly ResultRow[], kind: string, strategy: string, fault: string): number | null {
  const ratios: number[] = []
  for (const g of groupBy(
    rows.filter((r) => r.strategy === strategy),
    ['strategy_options', 'workload', 'block_size'],
  )) {
    const faulted = g.rows.filter((r) => faultOf(r, kind) === fault).map((r) => r.bytes_total)
    const clean = g.rows.filter((r) => faultOf(r, kind) === null).map((r) => r.bytes_total)
    if (faulted.length && clean.length && median(clean) > 0) ratios.push(median(faulted) / median(clean))
  }
  return ratios.length ? median(ratios) : null
}

/** What tracking costs with no fault: tracker time against sync CPU, and state held, per tracking strategy. */
function trackingCostLines(rows: readonly ResultRow[]): string[] {
  const out: string[] = []
  for (const g of groupBy(
    rows.filter((r) => r.tracker_ms !== null),
    ['strategy'],
  )) {
    const tracker = median(g.rows.map((r) => r.tracker_ms!))
    const sync = median(g.rows.map((r) => r.sender_cpu_ms + r.receiver_cpu_ms))
    const states = groupBy(g.rows, ['block_size'])
      .sort((a, b) => a.key.block_size - b.key.block_size)
      .map((b) => `${bytes(median(b.rows.map((r) => r.tracker_state_bytes ?? 0)))} at ${blockLabel(b.key.block_size)}`)
    const device = median(g.rows.map((r) => r.tracker_device_bytes ?? 0))
    out.push(
      `- **${g.key.strategy}** spends ${formatMs(tracker)} per epoch in its tracker while the workload writes (median over workloads, block sizes and epochs), against ${formatMs(sync)} of CPU for the sync itself; it holds ${states.join(', ')} of state, and writes ${bytes(device)} per epoch to its own device.`,
    )
  }
  return out
}

export function faultsConclusion(run: RunData): string {
  const cols = findFaultColumns(run.rows)
  const cells = faultCells(run.rows)
  const out: string[] = []
  if (!cols || !cells || cells.length === 0) {
    out.push(
      `- **This run has no fault rows**: none of its ${run.rows.length} rows records an injected fault (no column named fault, fault_kind, fault_type or fault_injected holds one), so nothing here measures what a fault costs. Run a matrix with tracker fault injection switched on and regenerate this notebook from it.`,
    )
    const tracking = trackingCostLines(run.rows)
    if (tracking.length) out.push('- What tracking costs when nothing goes wrong, for comparison:', ...tracking.map((l) => `  ${l}`))
    else out.push('- No tracking strategy ran in this run either, so there is no write-time cost to show.')
    const wrong = run.rows.filter((r) => r.tracker_ms !== null && !r.correct).length
    const tracked = run.rows.filter((r) => r.tracker_ms !== null).length
    if (tracked) out.push(`- Without faults, ${wrong === 0 ? `all ${tracked} syncs of tracking strategies left a byte-exact replica` : `${wrong} of ${tracked} syncs of tracking strategies left a WRONG replica`}.`)
    return out.join('\n')
  }
  const faultsSeen = [...new Set(cells.map((c) => c.fault))]
  for (const fault of faultsSeen) {
    const parts = cells
      .filter((c) => c.fault === fault)
      .map((c) => {
        const det = Object.entries(c.detected).map(([k, n]) => `${k} ${n} of ${c.syncs}`)
        const over = bytesOverClean(run.rows, cols.kind, c.strategy, fault)
        return `${c.series}: ${c.wrong} of ${c.syncs} syncs wrong (${pct(c.wrong, c.syncs)})${det.length ? `, detected: ${det.join(', ')}` : ''}${over !== null ? `, ${over >= 1 ? '+' : ''}${(100 * (over - 1)).toFixed(1)}% bytes against clean syncs` : ''}`
      })
    out.push(`- **${fault}**: ${parts.join('; ')}.`)
  }
  const silent = cells.filter((c) => c.wrong > 0 && Object.keys(c.detected).length === 0)
  if (silent.length) out.push(`- Wrong replicas with no detection recorded (silent corruption, caught only by the harness's check): ${silent.map((c) => `${c.series} under ${c.fault}`).join('; ')}.`)
  const clean = cells.filter((c) => c.wrong === 0)
  if (clean.length) out.push(`- No wrong replica under: ${clean.map((c) => `${c.series} with ${c.fault}`).join('; ')}.`)
  return out.join('\n')
}

export const trackingFaults: Analysis = {
  name: 'tracking-faults',
  title: 'What tracking faults cost',
  async build(run) {
    const nb = new NotebookBuilder('tracking-faults')
    nb.markdown(
      `# ${this.title}\n\n${runDescription(run)}\n\nGenerated by \`npm run notebooks -- ${run.dir.replace(/`/g, "'")}\` (notebooks/tracking-faults.ts); every number and sentence below is computed from that run. Change tracking (bitmaps, journals) has failed in the field by losing entries; a lost entry means a block is never sent and the replica is silently wrong. This notebook counts how often that happens per injected fault, who noticed, and what it cost on the wire.`,
    )
    const cols = findFaultColumns(run.rows)
    if (cols) {
      nb.markdown(`## Faults injected\nFault columns in this run: ${cols.all.map(mdText).join(', ')}; detection columns: ${cols.detection.length ? cols.detection.map(mdText).join(', ') : 'none'}.`)
      await addChart(nb, run, faults, 'faults')
      const cells = faultCells(run.rows) ?? []
      nb.markdown(
        mdTable(
          ['fault', 'strategy', 'syncs', 'wrong', ...cols.detection.map(mdText)],
          cells.map((c) => [mdText(c.fault), mdText(c.series), String(c.syncs), c.wrong ? `**${c.wrong}**` : '0', ...cols.detection.map((d) => String(c.detected[d] ?? 0))]),
        ),
      )
    } else {
      nb.markdown('## Faults injected\nNone: this run has no fault columns. What follows is what tracking costs when nothing goes wrong, the baseline a fault run is compared with.')
    }
    const trackedRows = run.rows.filter((r) => r.tracker_ms !== null)
    nb.markdown('## What tracking costs')
    await addChart(nb, run, trackingTime, 'trackingTime')
    await addChart(nb, run, trackingState, 'trackingState')
    if (trackedRows.length) {
      nb.markdown('## Correctness of the tracking strategies')
      await addChart(nb, { ...run, rows: trackedRows, ctx: { ...run.ctx, strategies: run.ctx.strategies.filter((s) => trackedRows.some((r) => r.strategy === s)) } }, correctness, 'correctness')
    }
    const conclusion = faultsConclusion(run)
    nb.markdown(`## Conclusion\n\n${conclusion}`)
    return { notebook: nb.build({ deltabench: { analysis: this.name, run_id: run.runId, fault_columns: cols?.all ?? [] } }), conclusion }
  },
}
