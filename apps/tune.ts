import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { ConfigError } from '../core/errors.ts'
import { claimFolder, folderState, someFiles } from '../harness/run-folder.ts'
import { findStrategy, findWorkload, type RunConfig } from '../harness/config.ts'
import { searchBlockSize } from './block-size-search.ts'
import { parseProfile, syncBreakdown, combineBreakdown, type CostModel, type NetworkProfile, type SyncBreakdown } from '../core/network-profile.ts'
import { prepareWorkloadAsync, type PreparedWorkload } from '../harness/prepare-workload.ts'
import type { ResultRow } from '../core/result-row.ts'
import { runCell } from '../harness/run-cell.ts'
import { channelFor } from '../harness/channel-setup.ts'
import { groupBy } from '../core/stats.ts'
import { AGGREGATION, acrossSeeds, cellFigure, meanPerSync } from '../core/aggregation.ts'
import { renderPng, renderSvg } from '../analysis/charts/render.ts'
import { defaultOptions } from '../core/options.ts'
import { falseAlarmRate, medianBounds, orderBounds, verdictSentence, worseThanBest, type UnitCosts } from './tune-verdict.ts'
import { tuneChart } from './tune-chart.ts'

export interface TuneRequest {
  /** A resolved run config: its strategies, its one workload, sizes, seeds, compression. */
  config: RunConfig
  profiles: string[]
  model: CostModel
  min: number
  max: number
  /** Every size the search evaluates is a multiple of it (a power of two); none when undefined. */
  align?: number
  onEvaluate?: (strategy: string, blockSize: number) => void
}

/** One block size as the tune measured it on one profile. */
export interface TunedSize {
  blockSize: number
  /** Estimated ms per sync, as the one aggregation folds it (core/aggregation.ts). */
  cost: number
  /** Order-statistic bounds of the median unit cost (apps/tune-verdict.ts), and how many units. */
  lo: number
  hi: number
  units: number
  /** Not distinguishably worse than the best by the paired sign test (the best itself included). */
  indistinguishable: boolean
  /** Each part of the estimate, through the same aggregation (so with several seeds the parts need not add up exactly to cost). */
  breakdown: SyncBreakdown
  /** Flights per sync, same aggregation: latencyMs = flights × RTT/2. */
  flights: number
}

export interface TuneResult {
  strategy: string
  profile: string
  model: CostModel
  best: TunedSize
  /** Every evaluated size indistinguishable from the best, ascending. */
  indistinguishable: number[]
  /** The consecutive evaluated sizes around the best that are all indistinguishable from it: its smallest and largest. */
  range: { lo: number; hi: number }
  /** Coverage of each interval and the false-alarm rate per size of the indistinguishable rule. */
  coverage: number
  falseAlarmRate: number
  /** The best and how sure it is, in one phrase: "4096 B (indistinguishable: 2048-8192 B; ...)". */
  recommendation: string
  /** The evaluated sizes just below and above the best, with how much slower they are (0.1 = 10%). */
  neighbours: { blockSize: number; cost: number; worse: number; indistinguishable: boolean }[]
  /** The strategy's default block size (measured even when the search did not reach it or --align excludes it). */
  default: TunedSize & { worse: number }
  evaluated: TunedSize[]
}

/** The rows of block sizes: measure(strategy, options, sizes) measures those not yet measured, interleaved, and returns the first's rows. */
type Measure = (strategy: string, options: Record<string, unknown>, blockSizes: readonly number[]) => Promise<ResultRow[]>

/**
 * Measures block sizes (every seed, repeat and epoch) and caches their rows for every profile. A batch runs
 * repeat by repeat, seed by seed, size by size, so a unit (seed × repeat) of every size in the batch is
 * measured close together in time: a slow spell on a shared machine shifts a unit, which the paired test
 * cancels, rather than every unit of one size.
 */
function measurer(req: TuneRequest, allRows: ResultRow[]): Measure {
  const { config } = req
  const w = config.workloads[0]!
  const workload = findWorkload(w.name)
  const channel = channelFor(config)
  const prepared = new Map<string, PreparedWorkload>()
  const cache = new Map<string, ResultRow[]>()
  return async (strategyName, options, blockSizes) => {
    const key = (bs: number) => `${strategyName}/${bs}`
    const todo = [...new Set(blockSizes)].filter((bs) => !cache.has(key(bs)))
    for (const bs of todo) {
      req.onEvaluate?.(strategyName, bs)
      cache.set(key(bs), [])
    }
    for (let repeat = 1; repeat <= config.repeat; repeat++) {
      for (const seed of config.seeds) {
        let p = prepared.get(seed)
        if (!p) prepared.set(seed, (p = await prepareWorkloadAsync(workload, w.options, { size: config.size, epochs: config.epochs, seed, content: config.content })))
        for (const bs of todo) {
          const rows = await runCell({ runId: 'tune', strategy: findStrategy(strategyName), options: { ...options, blockSize: bs }, prepared: p, channel, repeat, cold: config.cold })
          cache.get(key(bs))!.push(...rows)
          allRows.push(...rows)
        }
      }
    }
    return cache.get(key(blockSizes[0]!))!
  }
}

// The tracker's time (writes, snapshots) is the sender's, as in the rows' est_sync_ms.
const rowBreakdown = (r: ResultRow, p: NetworkProfile) => syncBreakdown({ bytesDown: r.bytes_down, bytesUp: r.bytes_up, flights: r.flights, senderCpuMs: r.sender_cpu_ms + (r.tracker_ms ?? 0), receiverCpuMs: r.receiver_cpu_ms }, p)

/** A cell's rows re-estimated on a profile: the aggregation's figure, each unit's cost, and the breakdown. */
function sizeCost(blockSize: number, rows: readonly ResultRow[], p: NetworkProfile, model: CostModel) {
  const est = (r: ResultRow) => combineBreakdown(rowBreakdown(r, p), model)
  const units = new Map<string, number>()
  // A unit is one seed's run at one repeat; the aggregation's per-seed statistic of it is its mean per sync.
  for (const g of groupBy(rows, ['seed', 'repeat'])) {
    const v = meanPerSync(est)(g.rows)
    if (v !== null) units.set(`${g.key.seed}/${g.key.repeat}`, v)
  }
  const part = (k: keyof SyncBreakdown) => cellFigure(rows, (r) => rowBreakdown(r, p)[k])?.median ?? NaN
  const breakdown: SyncBreakdown = { transferDownMs: part('transferDownMs'), transferUpMs: part('transferUpMs'), latencyMs: part('latencyMs'), senderCpuMs: part('senderCpuMs'), receiverCpuMs: part('receiverCpuMs') }
  const bounds = medianBounds([...units.values()])
  const size: Omit<TunedSize, 'indistinguishable'> = {
    blockSize,
    cost: acrossSeeds(rows, meanPerSync(est))?.median ?? NaN,
    lo: bounds.lo,
    hi: bounds.hi,
    units: units.size,
    breakdown,
    flights: cellFigure(rows, (r) => r.flights)?.median ?? NaN,
  }
  return { size, units: units as UnitCosts }
}

/** The run of consecutive evaluated sizes around the best in which every one is indistinguishable from it. */
function contiguousRange(evaluated: readonly TunedSize[], bestBs: number): { lo: number; hi: number } {
  let i = evaluated.findIndex((e) => e.blockSize === bestBs)
  let j = i
  while (i > 0 && evaluated[i - 1]!.indistinguishable) i--
  while (j < evaluated.length - 1 && evaluated[j + 1]!.indistinguishable) j++
  return { lo: evaluated[i]!.blockSize, hi: evaluated[j]!.blockSize }
}

/** "4096 B (indistinguishable: 2048-8192 B; ...)": the best, the sizes it cannot be told apart from, how sure. */
function recommendation(best: number, evaluated: readonly TunedSize[], range: { lo: number; hi: number }, units: number): string {
  const set = evaluated.filter((e) => e.indistinguishable).map((e) => e.blockSize)
  const outside = set.filter((b) => b < range.lo || b > range.hi)
  const sure = `${units} unit${units === 1 ? '' : 's'}, ${(falseAlarmRate(units) * 100).toFixed(1)}% false alarm per size`
  const all = evaluated.length > 1 && set.length === evaluated.length
  const what = all
    ? `the block size hardly matters: every size measured, ${range.lo}-${range.hi} B, is indistinguishable`
    : set.length === 1
      ? 'better than every other size measured'
      : `indistinguishable: ${range.lo}-${range.hi} B${outside.length ? `, and ${outside.join(', ')} B` : ''}`
  return `${best} B (${what}; ${sure})`
}

/** Tunes one strategy on one profile: search, then the interval, the indistinguishable set and the default. */
async function tuneOne(req: TuneRequest, measure: Measure, s: { name: string; options: Record<string, unknown> }, profileName: string): Promise<TuneResult> {
  const profile = parseProfile(profileName)
  const costOf = async (bs: number) => sizeCost(bs, await measure(s.name, s.options, [bs]), profile, req.model)
  const worthRefining = async (best: number, neighbour: number) => worseThanBest((await costOf(neighbour)).units, (await costOf(best)).units)
  const batch = async (sizes: number[]) => void (await measure(s.name, s.options, sizes))
  const found = await searchBlockSize(async (bs) => (await costOf(bs)).size.cost, { min: req.min, max: req.max, align: req.align, worthRefining, batch })
  const bestUnits = (await costOf(found.best.blockSize)).units
  const judge = async (bs: number): Promise<TunedSize> => {
    const c = await costOf(bs)
    return { ...c.size, indistinguishable: !worseThanBest(c.units, bestUnits) }
  }
  const evaluated: TunedSize[] = []
  for (const e of found.evaluated) evaluated.push(await judge(e.blockSize))
  const best = evaluated.find((e) => e.blockSize === found.best.blockSize)!
  const range = contiguousRange(evaluated, best.blockSize)
  const i = evaluated.indexOf(best)
  const neighbours = [evaluated[i - 1], evaluated[i + 1]]
    .filter((e): e is TunedSize => e !== undefined)
    .map((e) => ({ blockSize: e.blockSize, cost: e.cost, worse: e.cost / best.cost - 1, indistinguishable: e.indistinguishable }))
  const dflt = await judge(defaultOptions(findStrategy(s.name)).blockSize as number)
  return {
    strategy: s.name,
    profile: profile.name,
    model: req.model,
    best,
    indistinguishable: evaluated.filter((e) => e.indistinguishable).map((e) => e.blockSize),
    range,
    coverage: orderBounds(best.units).coverage,
    falseAlarmRate: falseAlarmRate(best.units),
    recommendation: recommendation(best.blockSize, evaluated, range, best.units),
    neighbours,
    default: { ...dflt, worse: dflt.cost / best.cost - 1 },
    evaluated,
  }
}

/**
 * For each strategy and network profile, finds the block size that minimises the estimated time to sync,
 * and how sure that is. Every block size is measured once (all seeds, repeats and epochs) and its rows are
 * reused for every profile.
 */
export async function tune(req: TuneRequest): Promise<{ results: TuneResult[]; rows: ResultRow[] }> {
  const rows: ResultRow[] = []
  const measure = measurer(req, rows)
  const results: TuneResult[] = []
  for (const s of req.config.strategies) {
    for (const name of req.profiles) results.push(await tuneOne(req, measure, s, name))
  }
  return { results, rows }
}

const ms = (x: number) => `${x.toFixed(1)} ms`

/** One line: each part of the estimate at a size, and how the model combines them. */
export function breakdownText(size: TunedSize, model: CostModel): string {
  const b = size.breakdown
  const how = model === 'serial' ? 'summed' : 'pipelined: latency + the largest of the rest'
  return `transfer down ${ms(b.transferDownMs)}, up ${ms(b.transferUpMs)}, latency ${ms(b.latencyMs)} (${size.flights.toFixed(1)} flights), CPU sender ${ms(b.senderCpuMs)}, receiver ${ms(b.receiverCpuMs)} (${how})`
}

/** What the terminal shows: the aggregation and the rule once, then per strategy and profile the recommendation and its breakdown. */
export function tuneText(results: readonly TuneResult[]): string {
  const units = results[0]?.best.units ?? 0
  const lines = [AGGREGATION, verdictSentence(units)]
  for (const r of results) {
    const nb = r.neighbours.map((n) => `${n.blockSize} B +${(n.worse * 100).toFixed(1)}%${n.indistinguishable ? ' (indistinguishable)' : ''}`).join(', ')
    const d = r.default
    const dText = d.blockSize === r.best.blockSize ? 'is the best' : `${d.worse >= 0 ? '+' : ''}${(d.worse * 100).toFixed(1)}%${d.indistinguishable ? ' (indistinguishable)' : ''}`
    lines.push(
      `${r.strategy} on ${r.profile} (${r.model}): recommend ${r.recommendation}`,
      `  best ${ms(r.best.cost)}/sync [${r.best.lo.toFixed(1)}-${r.best.hi.toFixed(1)}]; neighbours ${nb || 'none'}; default ${d.blockSize} B ${dText}`,
      `  at ${r.best.blockSize} B: ${breakdownText(r.best, r.model)}`,
    )
  }
  return lines.join('\n')
}

/** What writeTuneResults writes into its directory. */
export const TUNE_FILES = ['tune.json', 'rows.jsonl', 'tune.vl.json', 'tune.svg', 'tune.png'] as const

/** Written at the head of tune.json: it marks the folder as a tune's own, which a later tune may write again. */
const TUNE_MARK = { tool: 'deltabench', kind: 'tune' } as const

function isTuneJson(path: string): boolean {
  try {
    const t = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>
    return t.tool === TUNE_MARK.tool && t.kind === TUNE_MARK.kind
  } catch {
    return false
  }
}

/**
 * Refuses, writing nothing, a folder tune may not write: tune writes only into a new or empty folder, or one
 * holding nothing but an earlier tune's files (tune.json marked as a tune's). Never a run's folder.
 */
export function checkTuneFolder(dir: string): void {
  const state = folderState(dir)
  if (state.kind === 'absent' || state.kind === 'empty') return
  if (state.kind === 'run') throw new ConfigError(`tune: --out ${dir} holds a run (its manifest.json and rows); tune writes only into a folder of its own, so the run is kept: choose another --out, e.g. --out ${dir}-tune`)
  const foreign = state.files.filter((f) => !(TUNE_FILES as readonly string[]).includes(f))
  if (foreign.length === 0 && isTuneJson(join(dir, 'tune.json'))) return
  throw new ConfigError(`tune: --out ${dir} holds files tune did not write (${someFiles(foreign.length ? foreign : state.files)}); tune writes only into a new or empty folder, or its own earlier one, so nothing of yours is replaced: choose another --out, e.g. --out ${join(dir, 'tune')}`)
}

/**
 * Writes a tuning into `dir` (created if need be; refused by checkTuneFolder unless new, empty or an earlier tune's), under its lock: the request, the aggregation and rule, and the results
 * (tune.json), every row measured (rows.jsonl), and the chart as a Vega-Lite spec, an SVG and a PNG.
 */
export async function writeTuneResults(dir: string, req: Omit<TuneRequest, 'onEvaluate'>, tuned: { results: TuneResult[]; rows: ResultRow[] }): Promise<void> {
  const { config, profiles, model, min, max, align } = req
  const units = tuned.results[0]?.best.units ?? 0
  const spec = tuneChart(tuned.results, [AGGREGATION, verdictSentence(units)])
  const svg = await renderSvg(spec)
  const head = { ...TUNE_MARK, config, profiles, model, min, max, align: align ?? null, aggregation: AGGREGATION, verdict: verdictSentence(units) }
  // Checked again, under the folder's lock: the folder may have changed while the tune measured.
  const claim = claimFolder(dir, 'tune', checkTuneFolder)
  try {
    writeFileSync(join(dir, 'tune.json'), JSON.stringify({ ...head, results: tuned.results }, null, 2) + '\n')
    writeFileSync(join(dir, 'rows.jsonl'), tuned.rows.map((r) => JSON.stringify(r) + '\n').join(''))
    writeFileSync(join(dir, 'tune.vl.json'), JSON.stringify(spec, null, 2) + '\n')
    writeFileSync(join(dir, 'tune.svg'), svg)
    writeFileSync(join(dir, 'tune.png'), renderPng(svg))
  } finally {
    claim.lock.release()
  }
}
