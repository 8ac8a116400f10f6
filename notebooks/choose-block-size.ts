/**
 * Notebook: choosing a block size. For each strategy, which block size sends least across the workloads,
 * what it costs in CPU, and how much of the bytes at small blocks are signatures rather than data.
 */
import { groupBy, median } from '../core/stats.ts'
import { acrossSeeds, aggregationSentence, ratioPerSeed } from '../core/aggregation.ts'
import { bytesVsBlockSize } from '../analysis/charts/bytes-vs-block-size.ts'
import { cpuVsBlockSize } from '../analysis/charts/cpu-vs-block-size.ts'
import { blockLabel, bytes, formatMs, formatRatio } from '../analysis/charts/format.ts'
import { frameKinds } from '../analysis/charts/frame-kinds.ts'
import { addChart, type Analysis } from './analysis.ts'
import { configs, geomean, overlaps, type Config } from './facts.ts'
import { mdTable } from './markdown.ts'
import { NotebookBuilder } from './notebook.ts'
import { runDescription, type RunData } from './run-data.ts'

interface BlockScore {
  block_size: number
  /** Geometric mean over workloads of × oracle (or of bytes, without an oracle). */
  score: number
  /** Median over workloads of CPU per sync, both halves. */
  cpu: number
  workloads: number
}

/** Per strategy: a score per block size, over the workloads every block size of it ran on. */
function scores(run: RunData): { strategy: string; byOracle: boolean; blocks: BlockScore[] }[] {
  const all = configs(run.rows)
  return run.ctx.strategies.map((strategy) => {
    const mine = all.filter((c) => c.strategy === strategy)
    const byOracle = mine.length > 0 && mine.every((c) => c.ratio !== null)
    const value = (c: Config) => (byOracle ? c.ratio!.median : c.bytes.median)
    const blocks = run.ctx.blockSizes
      .map((b) => {
        const at = mine.filter((c) => c.block_size === b && value(c) > 0)
        return at.length ? { block_size: b, score: geomean(at.map(value)), cpu: median(at.map((c) => c.cpu.median)), workloads: at.length } : null
      })
      .filter((x): x is BlockScore => x !== null)
    return { strategy, byOracle, blocks }
  })
}

/** Share of the bytes sent that are signatures, per strategy and block size: each workload's cell figure (Σ signature ÷ Σ sent per seed, median over seeds), then the median over workloads. */
function signatureShare(run: RunData, strategy: string, block: number): number | null {
  const shares = groupBy(
    run.rows.filter((r) => r.strategy === strategy && r.block_size === block && r.uses_block_size),
    ['workload'],
  )
    .map((g) => acrossSeeds(g.rows, ratioPerSeed((r) => r.bytes_signature, (r) => r.bytes_total))?.median)
    .filter((x): x is number => x !== undefined)
  return shares.length ? median(shares) : null
}

export function blockSizeConclusion(run: RunData): string {
  const out: string[] = []
  const all = configs(run.rows)
  for (const s of scores(run)) {
    if (s.blocks.length === 0) {
      if (all.some((c) => c.strategy === s.strategy && c.block_size === null)) out.push(`- **${s.strategy}** ignores the block size (it ran once per workload and seed): nothing to choose.`)
      continue
    }
    const f = s.byOracle ? formatRatio : bytes
    const unit = s.byOracle ? 'the oracle' : 'per sync'
    const sorted = [...s.blocks].sort((a, b) => a.score - b.score)
    const best = sorted[0]!
    const worst = sorted[sorted.length - 1]!
    if (s.blocks.length === 1) {
      out.push(`- **${s.strategy}** ran at one block size only (${blockLabel(best.block_size)}): nothing to choose between.`)
      continue
    }
    if (worst.score / best.score < 1.05) {
      out.push(`- **${s.strategy}**: block size changes its bytes by under 5% (${f(best.score)} to ${f(worst.score)} ${unit}); choose it for CPU: ${[...s.blocks].sort((a, b) => a.cpu - b.cpu).map((b) => `${formatMs(b.cpu)} at ${blockLabel(b.block_size)}`).join(', ')}.`)
      continue
    }
    const others = s.blocks.filter((b) => b !== best).map((b) => `${f(b.score)} at ${blockLabel(b.block_size)}`)
    let line = `- **${s.strategy}**: ${blockLabel(best.block_size)} sends least overall, ${f(best.score)}${s.byOracle ? ' the oracle' : ' per sync'} (geometric mean over ${best.workloads} workload${best.workloads === 1 ? '' : 's'}), against ${others.join(' and ')}. CPU per sync there is ${formatMs(best.cpu)} (median over workloads)`
    const cheapest = [...s.blocks].sort((a, b) => a.cpu - b.cpu)[0]!
    line += cheapest.block_size === best.block_size ? ', also the cheapest.' : `; ${blockLabel(cheapest.block_size)} is cheapest at ${formatMs(cheapest.cpu)}.`
    // Where the best block size differs by workload, say so: one size does not fit all.
    const perWorkload = run.ctx.workloads
      .map((w) => {
        const mine = all.filter((c) => c.strategy === s.strategy && c.workload === w).sort((x, y) => x.bytes.median - y.bytes.median)
        const chosen = mine.find((c) => c.block_size === best.block_size)
        const b = mine[0]
        // Only a clear difference counts: the spreads over seeds must not overlap.
        return b && chosen && b !== chosen && !overlaps(b.bytes, chosen.bytes) ? { w, block: b.block_size } : null
      })
      .filter((x): x is { w: string; block: number } => x !== null)
    const differing = perWorkload
    if (differing.length) line += ` Clearly fewer bytes (beyond the spread over seeds) come at another size on ${differing.map((p) => `${p.w} (${blockLabel(p.block)})`).join(', ')}.`
    const smallest = Math.min(...s.blocks.map((b) => b.block_size))
    const sig = signatureShare(run, s.strategy, smallest)
    if (sig !== null && sig > 0.05) line += ` At ${blockLabel(smallest)}, signatures are ${(100 * sig).toFixed(0)}% of what it sends (median over workloads).`
    out.push(line)
  }
  if (out.length === 0) out.push('- The run has no rows to choose from.')
  return out.join('\n')
}

function scoreTable(run: RunData): string {
  const rows: string[][] = []
  for (const s of scores(run)) {
    for (const b of s.blocks) {
      const sig = signatureShare(run, s.strategy, b.block_size)
      rows.push([s.strategy, blockLabel(b.block_size), s.byOracle ? formatRatio(b.score) : `${bytes(b.score)} (no oracle)`, formatMs(b.cpu), sig === null ? '–' : `${(100 * sig).toFixed(1)} %`, String(b.workloads)])
    }
  }
  return mdTable(['strategy', 'block size', 'geometric mean × oracle', 'CPU / sync (median)', 'signature share', 'workloads'], rows)
}

export const chooseBlockSize: Analysis = {
  name: 'choose-block-size',
  title: 'Choosing a block size',
  async build(run) {
    const nb = new NotebookBuilder('choose-block-size')
    nb.markdown(`# ${this.title}\n\n${runDescription(run)}\n\nGenerated by \`npm run notebooks -- ${run.dir.replace(/`/g, "'")}\` (notebooks/choose-block-size.ts); every number and sentence below is computed from that run. ${aggregationSentence()} Smaller blocks find changes more precisely but cost more signatures, bitmap bits and CPU; larger blocks resend more unchanged bytes around each change.`)
    nb.markdown('## Bytes sent at each block size')
    await addChart(nb, run, bytesVsBlockSize, 'bytesVsBlockSize')
    nb.markdown('## What the bytes are\nSignatures and control grow as blocks shrink; literal data grows as they grow.')
    await addChart(nb, run, frameKinds, 'frameKinds')
    nb.markdown('## CPU at each block size')
    await addChart(nb, run, cpuVsBlockSize, 'cpuVsBlockSize')
    nb.markdown(`## Per strategy and block size, over all workloads\n\nGeometric mean over workloads of bytes sent ÷ oracle (so no single workload dominates), median CPU per sync of both halves, and the share of bytes that are signatures.\n\n${scoreTable(run)}`)
    const conclusion = blockSizeConclusion(run)
    nb.markdown(`## Conclusion\n\n${conclusion}`)
    return { notebook: nb.build({ deltabench: { analysis: this.name, run_id: run.runId } }), conclusion }
  },
}
