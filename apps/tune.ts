import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { TopLevelSpec } from 'vega-lite'
import { findStrategy, findWorkload, type RunConfig } from '../harness/config.ts'
import { searchBlockSize, type Evaluation } from './block-size-search.ts'
import { estimateSyncMs, parseProfile, type CostModel, type NetworkProfile } from '../core/network-profile.ts'
import { prepareWorkload, type PreparedWorkload } from '../harness/prepare-workload.ts'
import type { ResultRow } from '../core/result-row.ts'
import { runCell } from '../harness/run-cell.ts'
import { channelFor } from '../harness/channel-setup.ts'
import { median } from '../core/stats.ts'
import { strategyScale } from '../analysis/charts/palette.ts'
import { renderPng, renderSvg } from '../analysis/charts/render.ts'
import { defaultOptions } from '../core/options.ts'

export interface TuneRequest {
  /** A resolved run config: its strategies, its one workload, sizes, seeds, compression. */
  config: RunConfig
  profiles: string[]
  model: CostModel
  min: number
  max: number
  onEvaluate?: (strategy: string, blockSize: number) => void
}

export interface TuneResult {
  strategy: string
  profile: string
  model: CostModel
  best: Evaluation
  /** The evaluated sizes just below and above the best, with how much slower they are (0.1 = 10%). */
  neighbours: { blockSize: number; cost: number; worse: number }[]
  /** The strategy's default block size, and how much slower it is. */
  defaultBlockSize: number
  defaultCost: number
  defaultWorse: number
  evaluated: Evaluation[]
}

/** Mean estimated ms per sync of a cell's rows on a link. */
export function meanEstimate(rows: readonly ResultRow[], p: NetworkProfile, model: CostModel): number {
  let sum = 0
  for (const r of rows) sum += estimateSyncMs({ bytesDown: r.bytes_down, bytesUp: r.bytes_up, flights: r.flights, senderCpuMs: r.sender_cpu_ms, receiverCpuMs: r.receiver_cpu_ms }, p, model)
  return sum / rows.length
}

/**
 * For each strategy and network profile, finds the block size that minimises the estimated time to sync.
 * Every block size is measured once (all seeds and epochs) and the rows are reused for every profile.
 */
export async function tune(req: TuneRequest): Promise<{ results: TuneResult[]; rows: ResultRow[] }> {
  const { config } = req
  const w = config.workloads[0]!
  const workload = findWorkload(w.name)
  const channel = channelFor(config)
  const prepared = new Map<string, PreparedWorkload>()
  const cache = new Map<string, ResultRow[]>()
  const allRows: ResultRow[] = []
  const measure = async (strategyName: string, options: Record<string, unknown>, blockSize: number): Promise<ResultRow[]> => {
    const key = `${strategyName}/${blockSize}`
    if (!cache.has(key)) {
      req.onEvaluate?.(strategyName, blockSize)
      const rows: ResultRow[] = []
      for (let repeat = 1; repeat <= config.repeat; repeat++) {
        for (const seed of config.seeds) {
          let p = prepared.get(seed)
          if (!p) prepared.set(seed, (p = prepareWorkload(workload, w.options, { size: config.size, epochs: config.epochs, seed, content: config.content })))
          rows.push(...(await runCell({ runId: 'tune', strategy: findStrategy(strategyName), options: { ...options, blockSize }, prepared: p, channel, repeat })))
        }
      }
      cache.set(key, rows)
      allRows.push(...rows)
    }
    return cache.get(key)!
  }
  const results: TuneResult[] = []
  for (const s of config.strategies) {
    const strategy = findStrategy(s.name)
    const defaultBlockSize = defaultOptions(strategy).blockSize as number
    for (const name of req.profiles) {
      const profile = parseProfile(name)
      // With repeats, the median of the repeats' mean estimates: one slow repeat does not move the choice.
      const cost = async (bs: number) => {
        const rows = await measure(s.name, s.options, bs)
        return median(Array.from({ length: config.repeat }, (_, k) => meanEstimate(rows.filter((r) => r.repeat === k + 1), profile, req.model)))
      }
      const found = await searchBlockSize(cost, { min: req.min, max: req.max })
      const i = found.evaluated.findIndex((e) => e.blockSize === found.best.blockSize)
      const neighbours = [found.evaluated[i - 1], found.evaluated[i + 1]]
        .filter((e): e is Evaluation => e !== undefined)
        .map((e) => ({ ...e, worse: e.cost / found.best.cost - 1 }))
      const defaultCost = await cost(defaultBlockSize)
      results.push({
        strategy: s.name,
        profile: profile.name,
        model: req.model,
        best: found.best,
        neighbours,
        defaultBlockSize,
        defaultCost,
        defaultWorse: defaultCost / found.best.cost - 1,
        evaluated: found.evaluated,
      })
    }
  }
  return { results, rows: allRows }
}

export function tuneText(results: readonly TuneResult[]): string {
  const lines: string[] = []
  for (const r of results) {
    const nb = r.neighbours.map((n) => `${n.blockSize} B +${(n.worse * 100).toFixed(1)}%`).join(', ')
    lines.push(
      `${r.strategy} on ${r.profile} (${r.model}): best ${r.best.blockSize} B at ${r.best.cost.toFixed(1)} ms/sync; neighbours ${nb || 'none'}; default ${r.defaultBlockSize} B ${r.defaultWorse <= 0 ? 'is the best' : `+${(r.defaultWorse * 100).toFixed(1)}%`}`,
    )
  }
  return lines.join('\n')
}

/** Estimated sync time against block size, a line per strategy, a panel per profile, the best marked. */
export function tuneChart(results: readonly TuneResult[]): TopLevelSpec {
  const values = results.flatMap((r) => r.evaluated.map((e) => ({ strategy: r.strategy, profile: r.profile, blockSize: e.blockSize, ms: e.cost, best: e.blockSize === r.best.blockSize })))
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: 'Estimated time to sync against block size',
    data: { values },
    facet: { column: { field: 'profile', type: 'nominal', title: 'network profile' } },
    resolve: { scale: { y: 'independent' } },
    spec: {
      width: 260,
      height: 200,
      layer: [
        {
          mark: { type: 'line', point: true, tooltip: true },
          encoding: {
            x: { field: 'blockSize', type: 'quantitative', scale: { type: 'log', base: 2 }, title: 'block size (bytes)' },
            y: { field: 'ms', type: 'quantitative', scale: { type: 'log' }, title: 'estimated time per sync (ms)' },
            color: { field: 'strategy', type: 'nominal', title: 'strategy', scale: strategyScale([...new Set(results.map((r) => r.strategy))]) },
          },
        },
        {
          transform: [{ filter: 'datum.best' }],
          mark: { type: 'point', shape: 'diamond', size: 140, filled: true, tooltip: true },
          encoding: {
            x: { field: 'blockSize', type: 'quantitative', scale: { type: 'log', base: 2 } },
            y: { field: 'ms', type: 'quantitative', scale: { type: 'log' } },
            color: { field: 'strategy', type: 'nominal' },
          },
        },
      ],
    },
  }
}

/** What writeTuneResults writes into its directory. */
export const TUNE_FILES = ['tune.json', 'rows.jsonl', 'tune.vl.json', 'tune.svg', 'tune.png'] as const

/**
 * Writes a tuning into `dir` (created if need be): the request and the results (tune.json), every row
 * measured (rows.jsonl), and the chart as a Vega-Lite spec, an SVG and a PNG.
 */
export async function writeTuneResults(dir: string, req: Omit<TuneRequest, 'onEvaluate'>, tuned: { results: TuneResult[]; rows: ResultRow[] }): Promise<void> {
  const { config, profiles, model, min, max } = req
  mkdirSync(dir, { recursive: true })
  writeFileSync(join(dir, 'tune.json'), JSON.stringify({ config, profiles, model, min, max, results: tuned.results }, null, 2) + '\n')
  writeFileSync(join(dir, 'rows.jsonl'), tuned.rows.map((r) => JSON.stringify(r) + '\n').join(''))
  const spec = tuneChart(tuned.results)
  writeFileSync(join(dir, 'tune.vl.json'), JSON.stringify(spec, null, 2) + '\n')
  const svg = await renderSvg(spec)
  writeFileSync(join(dir, 'tune.svg'), svg)
  writeFileSync(join(dir, 'tune.png'), renderPng(svg))
}
