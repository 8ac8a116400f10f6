/** A run directory loaded for analysis: its rows, its manifest (if any) and the chart context. */
import { basename, resolve } from 'node:path'
import { chartContext, type ChartContext } from '../analysis/charts/chart.ts'
import { ConfigError } from '../core/errors.ts'
import type { ResultRow } from '../core/result-row.ts'
import { readManifest, readRows, type Manifest } from '../core/run-files.ts'
import { blockLabel } from '../analysis/charts/format.ts'
import { formatBytes } from '../core/units.ts'
import { mdText } from './markdown.ts'

export interface RunData {
  dir: string
  runId: string
  rows: ResultRow[]
  manifest: Manifest | null
  ctx: ChartContext
}

export function loadRun(dir: string): RunData {
  const rows = readRows(dir)
  if (rows.length === 0) throw new ConfigError(`${dir}/rows.jsonl has no rows; run a matrix first (npx deltabench run)`)
  const manifest: Manifest | null = readManifest(dir, 'notebooks')
  return { dir, runId: rows[0]!.run_id || basename(resolve(dir)), rows, manifest, ctx: chartContext(rows, manifest?.config) }
}

/** Markdown (user strings escaped) saying what the run was, from its manifest: enough for a reviewer to trust or redo it. */
export function runDescription(run: RunData): string {
  const m = run.manifest
  const list = (xs: string[]) => xs.map(mdText).join(', ')
  const lines = [`Run **${mdText(run.runId)}**: ${run.rows.length} syncs of ${list(run.ctx.strategies)} on ${list(run.ctx.workloads)}; block sizes ${run.ctx.blockSizes.map(blockLabel).join(', ')}; seeds ${list(run.ctx.seeds)}.`]
  if (m) {
    lines.push(
      mdText(`${run.ctx.workloads.every((w) => w === 'file-pair') ? 'Your own file pair, one sync.' : `Volume ${formatBytes(m.config.size)} of ${m.config.content} content, ${m.config.epochs} epochs.`} deltabench ${m.version} at git ${m.git.commit?.slice(0, 12) ?? 'unknown'}${m.git.dirty ? ' (uncommitted changes)' : ''}; Node ${m.node}; ${m.cpu.model} × ${m.cpu.cores}; started ${m.started}.`),
    )
  }
  return lines.join('\n')
}
