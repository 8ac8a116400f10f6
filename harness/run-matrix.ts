import { basename, join } from 'node:path'
import { findStrategy, findWorkload, type RunConfig } from './config.ts'
import { newManifest } from './manifest.ts'
import type { Manifest } from '../core/run-files.ts'
import { prepareWorkload, prepareWorkloadAsync, type PreparedWorkload } from './prepare-workload.ts'
import type { ResultRow } from '../core/result-row.ts'
import { cellKey, RunDir } from './results-dir.ts'
import { checkRunId } from './run-id.ts'
import { cellUnsupported, runCell } from './run-cell.ts'
import { channelFor, type ChannelSetup } from './channel-setup.ts'
import { runInChildren } from './child-pool.ts'
import type { StrategyOptions } from '../core/strategy.ts'
import { FileStorage, MemoryStorage, type Storage } from '../core/storage.ts'
import { probeWorkDir } from './work-dir.ts'
import { peakRssBytes } from './peak-rss.ts'
import { defaultOptions } from '../core/options.ts'
import { own, type Owned } from '../core/cleanup.ts'
import type { Shard } from './shard.ts'

export interface MatrixOptions {
  /** Run directory. Default results/<runId>. */
  outDir?: string
  /** Name of the run. Default a timestamp and the config hash. */
  runId?: string
  /** Continue a run directory of the same config, skipping finished cells. */
  resume?: boolean
  onProgress?: (p: Progress) => void
  /** Told once, before the first cell, of the cells still to run (for an ETA weighted by what each costs). */
  onPlan?: (cells: readonly { strategy: string; workload: string }[]) => void
  /** Told when a set-up phase (a workload's preparation: base, epochs, local-delta floors) starts and ends, so a long one is not silence. */
  onStatus?: (s: Status) => void
  onSkip?: (strategy: string, workload: string, reason: string) => void
  /** Run only shard `index` of `count` (1-based): cell k of the canonical order goes to shard k mod count + 1. */
  shard?: Shard
  /**
   * Cells in parallel, each in a child process of its own (so process CPU counts only that cell). Default 1:
   * timing runs stay serial, since parallel cells share cores and caches.
   */
  jobs?: number
  /** Parent directory for file-backed volumes (default: the system's temporary directory). */
  workDir?: string
  /** Told of anything suspicious that is not an error (bytes differing across repeats). */
  onWarn?: (message: string) => void
  /** Run each strategy once on a small volume first, untimed, so JIT compilation is not charged to the first cell. Default true. */
  warmup?: boolean
  /** Told, after the manifest was marked "interrupted", when the process is ended mid-run (SIGINT, SIGTERM: apps/interrupt.ts). */
  onInterrupt?: (where: Interrupted) => void
}

export interface Interrupted {
  dir: string
  /** Cells finished and written (a cell cut in the middle is redone by --resume). */
  done: number
  total: number
}

export type { Shard } from './shard.ts'

export interface Progress {
  done: number
  total: number
  /** What just finished (or was skipped as already done). */
  label: string
  resumed: boolean
  /** The cell's strategy and workload (absent for a skipped cell). */
  strategy?: string
  workload?: string
}

/** A set-up phase between cells: `done` false when it starts, true when it ends. */
export interface Status {
  label: string
  done: boolean
}

export interface MatrixResult {
  dir: string
  rows: readonly ResultRow[]
  manifest: Manifest
}

export function defaultRunId(hash: string, now = new Date()): string {
  const t = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15)
  return `${t}-${hash.slice(0, 6)}`
}

/**
 * Runs every cell of the matrix: workloads × seeds (each materialised once) × strategies × block sizes.
 * Each finished cell is written at once; cells a resumed directory already holds are skipped.
 */
export async function runMatrix(config: RunConfig, opts: MatrixOptions = {}): Promise<MatrixResult> {
  const shard = opts.shard ?? { index: 1, count: 1 }
  const plan = planCells(config, shard)
  const total = plan.length
  // The whole matrix's plan (not the shard's): each strategy's recorded block sizes are those its cells run at.
  const manifest = newManifest(config, total, planCells(config))
  manifest.shard = shard
  const dir = opts.outDir ?? join('results', checkRunId(opts.runId ?? defaultRunId(manifest.configHash)))
  const runId = opts.runId ?? basename(dir)
  const epochsFor = (workload: string) => (findWorkload(workload).hasWriteTrace ? config.epochs : 1)
  // Before the results folder is claimed: a work dir that cannot be written must leave nothing behind.
  if (config.storage === 'file') probeWorkDir(opts.workDir)
  const run = RunDir.open(dir, manifest, { resume: opts.resume ?? false, epochsPerCell: (r) => epochsFor(r.workload), onNote: opts.onWarn })
  let done = 0
  // Bytes of repeat 1 per cell and epoch: every later repeat must match them exactly.
  const firstBytes = new Map<string, string>()
  const bytesOf = (rows: readonly ResultRow[]) => JSON.stringify(rows.map((r) => [r.epoch, r.bytes_down, r.bytes_up]))
  const sansRepeat = (key: string) => key.replace(/,\d+\]$/, ']')
  for (const r of run.rows) if (r.repeat === 1) firstBytes.set(sansRepeat(cellKey(r)), bytesOf(run.rows.filter((x) => cellKey(x) === cellKey(r))))
  const pending: CellPlan[] = []
  const skippedSeen = new Set<string>()
  for (const cell of plan) {
    if (run.done.has(cell.key)) {
      opts.onProgress?.({ done: ++done, total, label: cell.label, resumed: true })
      continue
    }
    const why = cellUnsupported(findStrategy(cell.strategy.name), findWorkload(cell.workload.name))
    if (why) {
      if (!skippedSeen.has(`${cell.strategy.name}/${cell.workload.name}`)) {
        skippedSeen.add(`${cell.strategy.name}/${cell.workload.name}`)
        manifest.cells.skipped.push({ strategy: cell.strategy.name, workload: cell.workload.name, reason: why })
        opts.onSkip?.(cell.strategy.name, cell.workload.name, why)
      }
      opts.onProgress?.({ done: ++done, total, label: `skipped ${cell.label}`, resumed: false })
      continue
    }
    pending.push(cell)
  }
  const finished = (cell: CellPlan, rows: ResultRow[]) => {
    run.appendCell(rows)
    const base = sansRepeat(cell.key)
    const bytes = bytesOf(rows)
    if (!firstBytes.has(base)) firstBytes.set(base, bytes)
    else if (firstBytes.get(base) !== bytes) {
      const msg = `${cell.label}: bytes differ from repeat 1 — the same seed must give the same bytes; this is a bug in the strategy or workload`
      manifest.inconsistent.push(msg)
      opts.onWarn?.(msg)
    }
    manifest.cells.done = run.done.size
    opts.onProgress?.({ done: ++done, total, label: cell.label, resumed: false, strategy: cell.strategy.name, workload: cell.workload.name })
  }
  opts.onPlan?.(pending.map((c) => ({ strategy: c.strategy.name, workload: c.workload.name })))
  manifest.jobs = opts.jobs ?? 1
  const owned = ownRun(run, manifest, total, opts.onInterrupt)
  try {
    await runPending(config, pending, opts, runId, finished)
    manifest.status = 'complete'
  } catch (err) {
    manifest.status = 'failed'
    throw err
  } finally {
    owned.disown()
    manifest.peakRssBytes = peakRssBytes()
    manifest.cells.done = run.done.size
    manifest.finished = new Date().toISOString()
    run.writeManifest(manifest)
    run.close()
  }
  return { dir, rows: run.rows, manifest }
}

/** Runs the cells still to do: in this process one after another, or in `--jobs` child processes (floors made first, here). */
async function runPending(config: RunConfig, pending: CellPlan[], opts: MatrixOptions, runId: string, finished: (cell: CellPlan, rows: ResultRow[]) => void): Promise<void> {
  if ((opts.jobs ?? 1) > 1) {
    await makeFloors(config, pending, opts.workDir, opts.onStatus)
    await runInChildren(config, pending, { runId, workDir: opts.workDir, warmup: opts.warmup ?? true, jobs: opts.jobs! }, finished)
    return
  }
  if (opts.warmup ?? true) {
    const label = 'warming up: one small untimed cell per strategy and block size'
    opts.onStatus?.({ label, done: false })
    await warmUp(config)
    opts.onStatus?.({ label, done: true })
  }
  const channel = channelFor(config)
  const storage: Storage = config.storage === 'file' ? new FileStorage(opts.workDir) : new MemoryStorage()
  const cache = new PreparedCache(config, storage, opts.onStatus)
  try {
    for (const cell of pending) finished(cell, await runPlannedCell(cell, cache, runId, channel))
  } finally {
    cache.clear()
    storage.dispose()
  }
}

/**
 * Registers a running matrix with core/cleanup.ts: if the process is ended mid-run (Ctrl-C), the manifest
 * says "interrupted" with the cells done, and `onInterrupt` is told. Registered before any tool or folder
 * of the run, so released after them (newest first).
 */
function ownRun(run: RunDir, manifest: Manifest, total: number, onInterrupt: MatrixOptions['onInterrupt']): Owned {
  return own(`run ${run.dir}`, () => {
    manifest.status = 'interrupted'
    manifest.cells.done = run.done.size
    manifest.finished = new Date().toISOString()
    run.writeManifest(manifest)
    onInterrupt?.({ dir: run.dir, done: run.done.size, total })
  })
}

/**
 * With --jobs, the floors of every pending (workload, seed) are made here first, in the parent, before any
 * cell is timed: workers then read them from the floor cache instead of running zstd and xdelta3 while
 * another worker's cell is on the clock.
 */
async function makeFloors(config: RunConfig, pending: readonly CellPlan[], workDir: string | undefined, onStatus: MatrixOptions['onStatus']): Promise<void> {
  if (config.floor === 'off' || pending.length === 0) return
  const storage: Storage = config.storage === 'file' ? new FileStorage(workDir) : new MemoryStorage()
  const cache = new PreparedCache(config, storage, onStatus)
  try {
    for (const cell of pending) await cache.get(cell.workload, cell.seed)
  } finally {
    cache.clear()
    storage.dispose()
  }
}

/** One small untimed cell per strategy and block size: the first timed cell then runs optimised code. */
export async function warmUp(config: RunConfig): Promise<void> {
  const workload = findWorkload('random-overwrite')
  const prepared = prepareWorkload(workload, defaultOptions(workload), { size: 256 << 10, epochs: 2, seed: 'warm-up', content: 'mixed' })
  for (const s of config.strategies) {
    // A strategy that cannot run here (a missing tool) is skipped with its reason in the matrix itself.
    if (cellUnsupported(findStrategy(s.name), workload)) continue
    for (const blockSize of blockSizesFor(config, s)) {
      await runCell({ runId: 'warm-up', strategy: findStrategy(s.name), options: { ...s.options, blockSize }, prepared, channel: channelFor(config) })
    }
  }
}

/** One cell of the matrix, as planned: everything a process needs to run it. */
export interface CellPlan {
  workload: { name: string; options: Record<string, unknown> }
  seed: string
  strategy: { name: string; options: Record<string, unknown> }
  blockSize: number
  repeat: number
  label: string
  key: string
}

/**
 * The cells of this shard in execution order: workload, seed (materialised once), then repeats, each
 * repeat starting the strategy order one further on — interleaved, so a machine that drifts (thermal, a
 * noisy neighbour) does not always hit the same strategy first.
 */
export function planCells(config: RunConfig, shard: Shard = { index: 1, count: 1 }): CellPlan[] {
  const out: CellPlan[] = []
  const sizes = new Map(config.strategies.map((s) => [s.name, blockSizesFor(config, s)]))
  const canonical = canonicalOrder(config, sizes)
  for (const w of config.workloads) {
    for (const seed of config.seeds) {
      for (let repeat = 1; repeat <= config.repeat; repeat++) {
        for (const s of rotate(config.strategies, repeat - 1)) {
          for (const [b, blockSize] of sizes.get(s.name)!.entries()) {
            // Round-robin over the canonical order: every shard gets a near-equal share of every workload.
            if (canonical(w.name, seed, s.name, b, repeat) % shard.count !== shard.index - 1) continue
            const options = { ...s.options, blockSize }
            out.push({
              workload: w,
              seed,
              strategy: { name: s.name, options },
              blockSize,
              repeat,
              label: `${s.name} · ${w.name} · ${blockSize} B · seed ${seed}${config.repeat > 1 ? ` · repeat ${repeat}` : ''}`,
              key: cellKey({ strategy: s.name, strategy_options: JSON.stringify(options), workload: w.name, workload_options: JSON.stringify(w.options), content: config.content, seed, repeat }),
            })
          }
        }
      }
    }
  }
  return out
}

/** Keeps the one workload materialisation cells are running on, freeing it when the next is needed. */
export class PreparedCache {
  private current: { key: string; prepared: PreparedWorkload } | undefined
  constructor(
    readonly config: RunConfig,
    private readonly storage: Storage,
    private readonly onStatus?: (s: Status) => void,
  ) {}

  async get(workload: { name: string; options: Record<string, unknown> }, seed: string): Promise<PreparedWorkload> {
    const key = JSON.stringify([workload.name, workload.options, seed])
    if (this.current?.key !== key) {
      this.clear()
      const c = this.config
      // Said before the preparation starts (filling a SQLite base or computing floors can take many seconds); async and
      // yielding as it goes, so a signal during a long generation ends the run within a second.
      const label = `preparing ${workload.name} · seed ${seed}: base, ${c.epochs} epoch(s)${c.floor === 'off' ? '' : `, local-delta floors (${c.floor})`}`
      this.onStatus?.({ label, done: false })
      this.current = { key, prepared: await prepareWorkloadAsync(findWorkload(workload.name), workload.options, { size: c.size, epochs: c.epochs, seed, content: c.content, storage: this.storage }, c.floor) }
      this.onStatus?.({ label, done: true })
    }
    return this.current.prepared
  }

  clear(): void {
    this.current?.prepared.base.release()
    this.current = undefined
  }
}

export async function runPlannedCell(cell: CellPlan, cache: PreparedCache, runId: string, channel: ChannelSetup): Promise<ResultRow[]> {
  // A turn of the event loop before each cell: a signal (Ctrl-C) is handled between cells, not after the matrix.
  await new Promise((r) => setImmediate(r))
  const prepared = await cache.get(cell.workload, cell.seed)
  return runCell({ runId, strategy: findStrategy(cell.strategy.name), options: cell.strategy.options as StrategyOptions & Record<string, unknown>, prepared, repeat: cell.repeat, channel, fault: cache.config.fault, cold: cache.config.cold })
}

/**
 * The block sizes a strategy runs at: the sweep's, or, when its options make it ignore the block size (a
 * tool that finds its own matches, a size rule), just one — its own — since every size would send the same.
 */
export function blockSizesFor(config: RunConfig, s: { name: string; options: Record<string, unknown> }): number[] {
  const strategy = findStrategy(s.name)
  const options = { ...defaultOptions(strategy), ...s.options } as StrategyOptions
  return strategy.ignoresBlockSize?.(options) ? [options.blockSize] : config.blockSizes
}

/**
 * A cell's place in the canonical order (workload, seed, repeat, strategy, index b of its block sizes),
 * whatever order it runs in. Dense (strategies that run at one block size take one slot), so shards dealt
 * round-robin stay even.
 */
function canonicalOrder(config: RunConfig, sizes: ReadonlyMap<string, readonly number[]>) {
  const counts = config.strategies.map((s) => sizes.get(s.name)!.length)
  const perGroup = counts.reduce((a, n) => a + n, 0)
  // Slots before each strategy within one (workload, seed, repeat) group.
  const before = counts.map((_, st) => counts.slice(0, st).reduce((a, n) => a + n, 0))
  return (workload: string, seed: string, strategy: string, b: number, repeat: number): number => {
    const w = config.workloads.findIndex((x) => x.name === workload)
    const sd = config.seeds.indexOf(seed)
    const st = config.strategies.findIndex((x) => x.name === strategy)
    return ((w * config.seeds.length + sd) * config.repeat + (repeat - 1)) * perGroup + before[st]! + b
  }
}

function rotate<T>(xs: readonly T[], by: number): T[] {
  const k = xs.length ? by % xs.length : 0
  return [...xs.slice(k), ...xs.slice(0, k)]
}
