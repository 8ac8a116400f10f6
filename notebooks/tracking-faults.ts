/**
 * Notebook: what tracking faults cost. With fault rows (a run with --fault): per fault and strategy, how many
 * syncs ended wrong, who noticed (the strategy's self-verification, or only the harness's byte check), what
 * self-verification sent, and what the faulted syncs sent compared with clean ones. Without them it says
 * so, and shows what tracking costs when nothing goes wrong.
 */
import { groupBy, median } from '../core/stats.ts'
import { narrowContext } from '../analysis/charts/chart.ts'
import { correctness } from '../analysis/charts/correctness.ts'
import { faultCells, selfVerifyText, type FaultCell } from '../analysis/charts/fault-cells.ts'
import { faults } from '../analysis/charts/faults.ts'
import { bytes, formatMs } from '../analysis/charts/format.ts'
import { blockText, runFigures, type CellFigures } from '../analysis/cell-figures.ts'
import { STATE_KINDS } from '../analysis/kept-state.ts'
import { aggregationSentence, cellFigure } from '../core/aggregation.ts'
import { trackingState } from '../analysis/charts/tracking-state.ts'
import { trackingTime } from '../analysis/charts/tracking-time.ts'
import type { ResultRow } from '../core/result-row.ts'
import { addChart, type Analysis } from './analysis.ts'
import { mdTable, mdText } from './markdown.ts'
import { NotebookBuilder } from './notebook.ts'
import { runDescription, type RunData } from './run-data.ts'

const pct = (n: number, d: number) => `${((100 * n) / d).toFixed(0)}%`

/** Bytes per sync of faulted rows over clean rows of the same strategy, options, workload and block size (each a cell figure), median over those cells. */
function bytesOverClean(rows: readonly ResultRow[], strategy: string, fault: string): number | null {
  const ratios: number[] = []
  for (const g of groupBy(
    rows.filter((r) => r.strategy === strategy),
    ['strategy_options', 'workload', 'block_size'],
  )) {
    const faulted = cellFigure(g.rows.filter((r) => r.fault === fault), (r) => r.bytes_total)
    const clean = cellFigure(g.rows.filter((r) => r.fault === null), (r) => r.bytes_total)
    if (faulted && clean && clean.median > 0) ratios.push(faulted.median / clean.median)
  }
  return ratios.length ? median(ratios) : null
}

/** Every kind of state a cell keeps, each its cell figure: "tracker 35 B + sender 0 B + receiver 0 B". */
function stateSplit(f: CellFigures): string {
  return STATE_KINDS.map((k) => `${k.kind} ${bytes(f.stateByKind[k.kind]?.median ?? 0)}`).join(' + ')
}

/**
 * What tracking costs with no fault, per tracking strategy: tracker time against sync CPU, every byte of
 * state it keeps (tracker, sender and receiver) and its device writes. Each figure is a cell figure of the
 * one aggregation, then the median over the strategy's cells (workloads, and block sizes where said).
 */
function trackingCostLines(rows: readonly ResultRow[]): string[] {
  const out: string[] = []
  const figures = runFigures(rows.filter((r) => r.tracker_ms !== null))
  for (const strategy of new Set(figures.map((f) => f.strategy))) {
    const mine = figures.filter((f) => f.strategy === strategy)
    const over = (pick: (f: CellFigures) => number | undefined) => median(mine.map(pick).filter((x): x is number => x !== undefined))
    const tracker = over((f) => f.trackerMs?.median)
    const sync = over((f) => f.senderCpuMs && f.receiverCpuMs ? f.senderCpuMs.median + f.receiverCpuMs.median : undefined)
    const device = over((f) => f.trackerDeviceBytes?.median)
    const states = [...new Set(mine.map((f) => f.blockSize))]
      .sort((a, b) => (a ?? 0) - (b ?? 0))
      .map((b) => {
        const at = mine.filter((f) => f.blockSize === b)
        const kept = median(at.map((f) => f.keptState?.median ?? 0))
        // The split of the cell nearest the median, so its parts add up to a real cell's total.
        const typical = at.reduce((x, y) => (Math.abs((y.keptState?.median ?? 0) - kept) < Math.abs((x.keptState?.median ?? 0) - kept) ? y : x))
        return `${bytes(kept)} at ${blockText(b)} (${stateSplit(typical)})`
      })
    out.push(
      `- **${strategy}** spends ${formatMs(tracker)} per sync in its tracker while the workload writes (median over its cells), against ${formatMs(sync)} of CPU for the sync itself; it keeps ${states.join(', ')} of state between syncs (every kind: tracker + sender + receiver; median over workloads), and writes ${bytes(device)} per sync to its own device.`,
    )
  }
  return out
}

/** The conclusion of a run without faults: say so, and what tracking costs when nothing goes wrong. */
function noFaultConclusion(run: RunData): string {
  const out = [
    `- **This run has no fault rows**: none of its ${run.rows.length} rows records an injected fault (the fault column is empty on every row), so nothing here measures what a fault costs. Run a matrix with tracker fault injection switched on (--fault) and regenerate this notebook from it.`,
  ]
  const tracking = trackingCostLines(run.rows)
  if (tracking.length) out.push('- What tracking costs when nothing goes wrong, for comparison:', ...tracking.map((l) => `  ${l}`))
  else out.push('- No tracking strategy ran in this run either, so there is no write-time cost to show.')
  const wrong = run.rows.filter((r) => r.tracker_ms !== null && !r.correct).length
  const tracked = run.rows.filter((r) => r.tracker_ms !== null).length
  if (tracked) out.push(`- Without faults, ${wrong === 0 ? `all ${tracked} syncs of tracking strategies left a byte-exact replica` : `${wrong} of ${tracked} syncs of tracking strategies left a WRONG replica`}.`)
  return out.join('\n')
}

/** One series under one fault: wrong replicas, who noticed them, and what the fault cost on the wire. */
function cellSentence(rows: readonly ResultRow[], c: FaultCell): string {
  const parts = [`${c.series}: ${c.wrong} of ${c.syncs} syncs wrong (${pct(c.wrong, c.syncs)})`]
  if (c.wrong) parts.push(`${c.harnessOnly} of them seen only by the harness's byte check`)
  if (c.selfVerify) parts.push(`self-verification ${selfVerifyText(c)}`)
  const over = bytesOverClean(rows, c.strategy, c.fault)
  if (over !== null) parts.push(`${over >= 1 ? '+' : ''}${(100 * (over - 1)).toFixed(1)}% bytes against clean syncs`)
  return parts.join(', ')
}

export function faultsConclusion(run: RunData): string {
  const cells = faultCells(run.rows)
  if (cells.length === 0) return noFaultConclusion(run)
  const out: string[] = []
  for (const fault of new Set(cells.map((c) => c.fault))) {
    out.push(`- **${fault}**: ${cells.filter((c) => c.fault === fault).map((c) => cellSentence(run.rows, c)).join('; ')}.`)
  }
  const silent = cells.filter((c) => c.harnessOnly > 0)
  if (silent.length) out.push(`- Silent corruption (a wrong replica with no error and no self-verification detection, caught only by the harness's check): ${silent.map((c) => `${c.series} under ${c.fault}`).join('; ')}.`)
  const clean = cells.filter((c) => c.wrong === 0)
  if (clean.length) out.push(`- No wrong replica under: ${clean.map((c) => `${c.series} with ${c.fault}`).join('; ')}.`)
  return out.join('\n')
}

/** Which faults hit, at which rates, and how often: the opening of the fault section. */
function injectedLine(rows: readonly ResultRow[], cells: readonly FaultCell[]): string {
  const kinds = groupBy(
    rows.filter((r) => r.fault !== null),
    ['fault'],
  ).map((g) => `${mdText(g.key.fault!)} at rate ${[...new Set(g.rows.map((r) => r.fault_rate))].join(', ')}`)
  const events = cells.reduce((a, c) => a + c.events, 0)
  const syncs = cells.reduce((a, c) => a + c.syncs, 0)
  return `Injected: ${kinds.join('; ')}; ${events} fault events over ${syncs} syncs. A wrong replica is noticed by the strategy's own self-verification where it ran (\`self_detected\`, \`self_repaired\`), otherwise only by the harness's byte-for-byte check (\`caught_by_harness\`).`
}

export const trackingFaults: Analysis = {
  name: 'tracking-faults',
  title: 'What tracking faults cost',
  async build(run) {
    const nb = new NotebookBuilder('tracking-faults')
    nb.markdown(
      `# ${this.title}\n\n${runDescription(run)}\n\nGenerated by \`npm run notebooks -- ${run.dir.replace(/`/g, "'")}\` (notebooks/tracking-faults.ts); every number and sentence below is computed from that run. ${aggregationSentence()} Change tracking (bitmaps, journals) has failed in the field by losing entries; a lost entry means a block is never sent and the replica is silently wrong. This notebook counts how often that happens per injected fault, who noticed, and what it cost on the wire.`,
    )
    const cells = faultCells(run.rows)
    if (cells.length) {
      nb.markdown(`## Faults injected\n${injectedLine(run.rows, cells)}`)
      await addChart(nb, run, faults, 'faults')
      nb.markdown(
        mdTable(
          ['fault', 'strategy', 'syncs', 'fault events', 'wrong', 'caught only by the harness', 'self-verification'],
          cells.map((c) => [mdText(c.fault), mdText(c.series), String(c.syncs), String(c.events), c.wrong ? `**${c.wrong}**` : '0', String(c.harnessOnly), selfVerifyText(c)]),
        ),
      )
    } else {
      nb.markdown('## Faults injected\nNone: no row of this run records an injected fault. What follows is what tracking costs when nothing goes wrong, the baseline a fault run is compared with.')
    }
    const trackedRows = run.rows.filter((r) => r.tracker_ms !== null)
    nb.markdown('## What tracking costs')
    await addChart(nb, run, trackingTime, 'trackingTime')
    await addChart(nb, run, trackingState, 'trackingState')
    if (trackedRows.length) {
      nb.markdown('## Correctness of the tracking strategies')
      await addChart(nb, { ...run, rows: trackedRows, ctx: narrowContext(run.ctx, trackedRows) }, correctness, 'correctness')
    }
    const conclusion = faultsConclusion(run)
    nb.markdown(`## Conclusion\n\n${conclusion}`)
    return { notebook: nb.build({ deltabench: { analysis: this.name, run_id: run.runId, faults: [...new Set(cells.map((c) => c.fault))] } }), conclusion }
  },
}
