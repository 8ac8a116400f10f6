/**
 * Notebook: comparing the strategies across workloads. Which strategy sends the fewest bytes on each
 * workload (at its best block size), how far from the oracle, at what CPU, and whether every replica was right.
 */
import { bytesVsBlockSize } from '../analysis/charts/bytes-vs-block-size.ts'
import { correctness } from '../analysis/charts/correctness.ts'
import { efficiencyHeatmap } from '../analysis/charts/efficiency-heatmap.ts'
import { blockLabel, bytes, formatMs, formatRatio } from '../analysis/charts/format.ts'
import { tradeoff } from '../analysis/charts/tradeoff-bytes-vs-cpu.ts'
import { blockText } from '../analysis/cell-figures.ts'
import { aggregationSentence } from '../core/aggregation.ts'
import { addChart, type Analysis } from './analysis.ts'
import { bestPerStrategy, configs, geomean, overlaps, type Config } from './facts.ts'
import { median } from '../core/stats.ts'
import { mdTable } from './markdown.ts'
import { NotebookBuilder } from './notebook.ts'
import { runDescription, type RunData } from './run-data.ts'

const at = (c: Config) => (c.block_size === null ? `${c.strategy} (any block size)` : `${c.strategy} at ${blockLabel(c.block_size)}`)
const ratioText = (c: Config) => (c.ratio ? `, ${formatRatio(c.ratio.median)} the oracle` : '')

/** The written conclusion: every figure in it comes from the rows. */
export function compareConclusion(run: RunData): string {
  const all = configs(run.rows)
  const out: string[] = []
  const wrong = run.rows.filter((r) => !r.correct)
  if (wrong.length === 0) out.push(`- Every one of the ${run.rows.length} syncs left a byte-exact replica.`)
  else {
    const where = [...new Set(wrong.map((r) => `${r.strategy} on ${r.workload} at ${r.uses_block_size ? blockLabel(r.block_size) : 'any block size'}`))]
    out.push(`- **${wrong.length} of ${run.rows.length} syncs left a WRONG replica** (${where.join('; ')}): those strategies' byte counts are not results until that is fixed.`)
  }
  for (const w of run.ctx.workloads) {
    const ranked = bestPerStrategy(all, w)
    const [first, second] = ranked
    if (!first) continue
    let s = `- **${w}**: ${at(first)} sends the fewest bytes, ${bytes(first.bytes.median)} per sync${ratioText(first)}`
    if (second) {
      s += `; next is ${at(second)} with ${bytes(second.bytes.median)}${ratioText(second)}`
      if (overlaps(first.bytes, second.bytes)) s += ' (their ranges over seeds overlap: this run does not separate the two)'
    }
    const last = ranked[ranked.length - 1]!
    if (ranked.length > 2) s += `; ${last.strategy} sends the most, ${bytes(last.bytes.median)}`
    s += '.'
    if (first.ratio && first.ratio.median > 10) s += ` Even the best is ${formatRatio(first.ratio.median)} the oracle here: no strategy in this run comes within 10× of what the edits need.`
    out.push(s)
  }
  // Overall: each strategy at its best block size per workload, geometric mean of × oracle over workloads.
  const scores = run.ctx.strategies
    .map((strategy) => {
      const best = run.ctx.workloads.map((w) => bestPerStrategy(all, w).find((c) => c.strategy === strategy)).filter((c): c is Config => c !== undefined)
      const ratios = best.map((c) => c.ratio?.median).filter((x): x is number => x !== undefined && x > 0)
      return { strategy, n: ratios.length, score: ratios.length ? geomean(ratios) : null, cpu: best.length ? median(best.map((c) => c.cpu.median)) : null }
    })
    .filter((s) => s.score !== null)
    .sort((a, b) => a.score! - b.score!)
  if (scores.length) {
    const n = Math.max(...scores.map((s) => s.n))
    out.push(
      `- Across ${n === 1 ? 'the one workload' : `the ${n} workloads`} (geometric mean of bytes sent ÷ oracle, each strategy at its best block size per workload): ${scores.map((s) => `${s.strategy} ${formatRatio(s.score!)}${s.n < n ? ` (on ${s.n} workloads only)` : ''}`).join(', ')}.`,
    )
    const byCpu = [...scores].filter((s) => s.cpu !== null).sort((a, b) => a.cpu! - b.cpu!)
    if (byCpu.length > 1) out.push(`- CPU per sync at those block sizes (both halves, median over workloads): ${byCpu.map((s) => `${s.strategy} ${formatMs(s.cpu!)}`).join(', ')}.`)
  } else out.push('- This run has no oracle (a file pair has no edit list), so the ranking above is by bytes alone.')
  return out.join('\n')
}

function rankingTable(run: RunData): string {
  const all = configs(run.rows)
  const rows: string[][] = []
  for (const w of run.ctx.workloads) {
    bestPerStrategy(all, w).forEach((c, i) => {
      rows.push([i === 0 ? `**${w}**` : '', c.strategy, blockText(c.block_size), bytes(c.bytes.median), `${bytes(c.bytes.min)} – ${bytes(c.bytes.max)}`, c.ratio ? formatRatio(c.ratio.median) : '–', formatMs(c.cpu.median), c.wrong ? `**${c.wrong} of ${c.syncs} WRONG**` : `${c.syncs} of ${c.syncs}`])
    })
  }
  return mdTable(['workload', 'strategy', 'best block', 'bytes / sync', 'min – max over seeds', '× oracle', 'CPU / sync', 'byte-exact'], rows)
}

export const compareStrategies: Analysis = {
  name: 'compare-strategies',
  title: 'Comparing the strategies across workloads',
  async build(run) {
    const nb = new NotebookBuilder('compare-strategies')
    nb.markdown(`# ${this.title}\n\n${runDescription(run)}\n\nGenerated by \`npm run notebooks -- ${run.dir.replace(/`/g, "'")}\` (notebooks/compare-strategies.ts); every number and sentence below is computed from that run. ${aggregationSentence()}`)
    nb.markdown('## Were the replicas right?\nA byte count means nothing if the replica came out wrong, so this comes first.')
    await addChart(nb, run, correctness, 'correctness')
    nb.markdown('## How close to the oracle\nBytes sent over the edit-aware lower bound, for every strategy, workload and block size.')
    await addChart(nb, run, efficiencyHeatmap, 'efficiencyHeatmap')
    await addChart(nb, run, bytesVsBlockSize, 'bytesVsBlockSize')
    nb.markdown(`## Each strategy at its best block size\n\n${rankingTable(run)}`)
    nb.markdown('## Bytes against CPU\nThe Pareto front is what a design review picks from: everything off it is beaten on both counts.')
    await addChart(nb, run, tradeoff, 'tradeoff')
    const conclusion = compareConclusion(run)
    nb.markdown(`## Conclusion\n\n${conclusion}`)
    return { notebook: nb.build({ deltabench: { analysis: this.name, run_id: run.runId } }), conclusion }
  },
}
