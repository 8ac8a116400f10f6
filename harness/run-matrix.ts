import { basename, join } from 'node:path'
import { findStrategy, findWorkload, type RunConfig } from './config.ts'
import { newManifest, type Manifest } from './manifest.ts'
import { prepareWorkload, type PreparedWorkload } from './prepare-workload.ts'
import type { ResultRow } from './record.ts'
import { cellKey, RunDir } from './results-dir.ts'
import { cellUnsupported, channelFor, runCell } from './run-cell.ts'
import { FileStorage, MemoryStorage, type Storage } from './storage.ts'

export interface MatrixOptions {
  /** Run directory. Default results/<runId>. */
  outDir?: string
  /** Name of the run. Default a timestamp and the config hash. */
  runId?: string
  /** Continue a run directory of the same config, skipping finished cells. */
  resume?: boolean
  onProgress?: (p: Progress) => void
  onSkip?: (strategy: string, workload: string, reason: string) => void
  /** Run only shard `index` of `count` (1-based): cell k of the canonical order goes to shard k mod count + 1. */
  shard?: Shard
  /** Parent directory for file-backed volumes (default: the system's temporary directory). */
  workDir?: string
  /** Told of anything suspicious that is not an error (bytes differing across repeats). */
  onWarn?: (message: string) => void
  /** Run each strategy once on a small volume first, untimed, so JIT compilation is not charged to the first cell. Default true. */
  warmup?: boolean
}

export interface Shard {
  index: number
  count: number
}

export interface Progress {
  done: number
  total: number
  /** What just finished (or was skipped as already done). */
  label: string
  resumed: boolean
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
  const cellsPerSeed = config.strategies.length * config.blockSizes.length * config.repeat
  const all = config.workloads.length * config.seeds.length * cellsPerSeed
  const shard = opts.shard ?? { index: 1, count: 1 }
  // Round-robin over the canonical order: every shard gets a near-equal share of every workload.
  const mine = (k: number) => k % shard.count === shard.index - 1
  let total = 0
  for (let k = 0; k < all; k++) if (mine(k)) total++
  const manifest = newManifest(config, total)
  manifest.shard = shard
  const dir = opts.outDir ?? join('results', opts.runId ?? defaultRunId(manifest.configHash))
  const runId = opts.runId ?? basename(dir)
  const epochsFor = (workload: string) => (findWorkload(workload).hasWriteTrace ? config.epochs : 1)
  const run = RunDir.open(dir, manifest, { resume: opts.resume ?? false, epochsPerCell: (r) => epochsFor(r.workload) })
  if (opts.warmup ?? true) await warmUp(config)
  let done = 0
  const skippedSeen = new Set<string>()
  const channel = channelFor(config)
  const storage: Storage = config.storage === 'file' ? new FileStorage(opts.workDir) : new MemoryStorage()
  // Bytes of repeat 1 per cell and epoch: every later repeat must match them exactly.
  const firstBytes = new Map<string, string>()
  const bytesOf = (rows: readonly ResultRow[]) => JSON.stringify(rows.map((r) => [r.epoch, r.bytes_down, r.bytes_up]))
  const sansRepeat = (key: string) => key.replace(/,\d+\]$/, ']')
  for (const r of run.rows) if (r.repeat === 1) firstBytes.set(sansRepeat(cellKey(r)), bytesOf(run.rows.filter((x) => cellKey(x) === cellKey(r))))
  try {
    let prepared: PreparedWorkload | undefined
    for (const w of config.workloads) {
      const workload = findWorkload(w.name)
      for (const seed of config.seeds) {
        prepared?.base.release()
        prepared = undefined
        for (let repeat = 1; repeat <= config.repeat; repeat++) {
          // Interleave: each repeat starts the strategy order one further on, so a machine that drifts
          // (thermal, a noisy neighbour) does not always hit the same strategy first.
          const order = rotate(config.strategies, repeat - 1)
          for (const s of order) {
            const strategy = findStrategy(s.name)
            for (const blockSize of config.blockSizes) {
              if (!mine(canonicalIndex(config, w.name, seed, s.name, blockSize, repeat))) continue
              const options = { ...s.options, blockSize }
              const label = `${s.name} · ${w.name} · ${blockSize} B · seed ${seed}${config.repeat > 1 ? ` · repeat ${repeat}` : ''}`
              const key = cellKey({ strategy: s.name, strategy_options: JSON.stringify(options), workload: w.name, workload_options: JSON.stringify(w.options), content: config.content, seed, repeat })
              if (run.done.has(key)) {
                opts.onProgress?.({ done: ++done, total, label, resumed: true })
                continue
              }
              prepared ??= prepareWorkload(workload, w.options, { size: config.size, epochs: config.epochs, seed, content: config.content, storage })
              const why = cellUnsupported(strategy, prepared)
              if (why) {
                if (!skippedSeen.has(`${s.name}/${w.name}`)) {
                  skippedSeen.add(`${s.name}/${w.name}`)
                  manifest.cells.skipped.push({ strategy: s.name, workload: w.name, reason: why })
                  opts.onSkip?.(s.name, w.name, why)
                }
                opts.onProgress?.({ done: ++done, total, label: `skipped ${label}`, resumed: false })
                continue
              }
              const rows = await runCell({ runId, strategy, options, prepared, repeat, channel })
              run.appendCell(rows)
              const base = sansRepeat(key)
              const bytes = bytesOf(rows)
              if (!firstBytes.has(base)) firstBytes.set(base, bytes)
              else if (firstBytes.get(base) !== bytes) {
                const msg = `${label}: bytes differ from repeat 1 — the same seed must give the same bytes; this is a bug in the strategy or workload`
                manifest.inconsistent.push(msg)
                opts.onWarn?.(msg)
              }
              manifest.cells.done = run.done.size
              opts.onProgress?.({ done: ++done, total, label, resumed: false })
            }
          }
        }
      }
    }
    manifest.status = 'complete'
  } catch (err) {
    manifest.status = 'failed'
    throw err
  } finally {
    storage.dispose()
    manifest.peakRssBytes = process.resourceUsage().maxRSS * 1024
    manifest.cells.done = run.done.size
    manifest.finished = new Date().toISOString()
    run.writeManifest(manifest)
  }
  return { dir, rows: run.rows, manifest }
}

/** One small untimed cell per strategy and block size: the first timed cell then runs optimised code. */
async function warmUp(config: RunConfig): Promise<void> {
  const workload = findWorkload('random-overwrite')
  const prepared = prepareWorkload(workload, workload.defaults, { size: 256 << 10, epochs: 2, seed: 'warm-up', content: 'mixed' })
  for (const s of config.strategies) {
    for (const blockSize of config.blockSizes) {
      await runCell({ runId: 'warm-up', strategy: findStrategy(s.name), options: { ...s.options, blockSize }, prepared, channel: channelFor(config) })
    }
  }
}

/** A cell's place in the canonical order (workload, seed, repeat, strategy, block size), whatever order it runs in. */
function canonicalIndex(config: RunConfig, workload: string, seed: string, strategy: string, blockSize: number, repeat: number): number {
  const w = config.workloads.findIndex((x) => x.name === workload)
  const sd = config.seeds.indexOf(seed)
  const st = config.strategies.findIndex((x) => x.name === strategy)
  const b = config.blockSizes.indexOf(blockSize)
  return (((w * config.seeds.length + sd) * config.repeat + (repeat - 1)) * config.strategies.length + st) * config.blockSizes.length + b
}

function rotate<T>(xs: readonly T[], by: number): T[] {
  const k = xs.length ? by % xs.length : 0
  return [...xs.slice(k), ...xs.slice(0, k)]
}
