import { basename, join } from 'node:path'
import { findStrategy, findWorkload, type RunConfig } from './config.ts'
import { newManifest, type Manifest } from './manifest.ts'
import { prepareWorkload, type PreparedWorkload } from './prepare-workload.ts'
import type { ResultRow } from './record.ts'
import { cellKey, RunDir } from './results-dir.ts'
import { cellUnsupported, runCell } from './run-cell.ts'

export interface MatrixOptions {
  /** Run directory. Default results/<runId>. */
  outDir?: string
  /** Name of the run. Default a timestamp and the config hash. */
  runId?: string
  /** Continue a run directory of the same config, skipping finished cells. */
  resume?: boolean
  onProgress?: (p: Progress) => void
  onSkip?: (strategy: string, workload: string, reason: string) => void
  /** Run each strategy once on a small volume first, untimed, so JIT compilation is not charged to the first cell. Default true. */
  warmup?: boolean
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
  const cellsPerSeed = config.strategies.length * config.blockSizes.length
  const total = config.workloads.length * config.seeds.length * cellsPerSeed
  const manifest = newManifest(config, total)
  const dir = opts.outDir ?? join('results', opts.runId ?? defaultRunId(manifest.configHash))
  const runId = opts.runId ?? basename(dir)
  const epochsFor = (workload: string) => (findWorkload(workload).hasWriteTrace ? config.epochs : 1)
  const run = RunDir.open(dir, manifest, { resume: opts.resume ?? false, epochsPerCell: (r) => epochsFor(r.workload) })
  if (opts.warmup ?? true) await warmUp(config)
  let done = 0
  const skippedSeen = new Set<string>()
  try {
    for (const w of config.workloads) {
      const workload = findWorkload(w.name)
      for (const seed of config.seeds) {
        let prepared: PreparedWorkload | undefined
        for (const s of config.strategies) {
          const strategy = findStrategy(s.name)
          for (const blockSize of config.blockSizes) {
            const options = { ...s.options, blockSize }
            const label = `${s.name} · ${w.name} · ${blockSize} B · seed ${seed}`
            const key = cellKey({ strategy: s.name, strategy_options: JSON.stringify(options), workload: w.name, workload_options: JSON.stringify(w.options), content: config.content, seed })
            if (run.done.has(key)) {
              opts.onProgress?.({ done: ++done, total, label, resumed: true })
              continue
            }
            prepared ??= prepareWorkload(workload, w.options, { size: config.size, epochs: config.epochs, seed, content: config.content })
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
            const rows = await runCell({ runId, strategy, options, prepared })
            run.appendCell(rows)
            manifest.cells.done = run.done.size
            opts.onProgress?.({ done: ++done, total, label, resumed: false })
          }
        }
      }
    }
    manifest.status = 'complete'
  } catch (err) {
    manifest.status = 'failed'
    throw err
  } finally {
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
    // A strategy that cannot run here (a missing tool) is skipped with its reason in the matrix itself.
    if (cellUnsupported(findStrategy(s.name), prepared)) continue
    for (const blockSize of config.blockSizes) {
      await runCell({ runId: 'warm-up', strategy: findStrategy(s.name), options: { ...s.options, blockSize }, prepared })
    }
  }
}
