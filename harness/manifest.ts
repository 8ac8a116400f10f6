import { execFileSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import os from 'node:os'
import { fileURLToPath } from 'node:url'
import { findStrategy, type RunConfig } from './config.ts'
import { MANIFEST_FORMAT, VERSION, type EffectiveStrategy, type Manifest, type RecordedRunConfig } from '../core/run-files.ts'
import { COLUMN_NAMES } from '../core/result-row.ts'
import { versions } from './provenance.ts'

const ROOT = fileURLToPath(new URL('..', import.meta.url))

function git(args: string[]): string | null {
  try {
    return execFileSync('git', args, { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim()
  } catch {
    return null
  }
}

/** A strategy's options without the block size: every cell's comes from the sweep (blockSizes), never from here. */
export function withoutBlockSize(options: Record<string, unknown>): Record<string, unknown> {
  const { blockSize: _sweepSets, ...rest } = options
  return rest
}

/**
 * The config as the manifest records and hashes it: everything in the RunConfig (so a field added to it is
 * recorded with no change here) but the invocation, which says how it was asked for, and each strategy's
 * default blockSize, which no cell uses.
 */
export function recordedConfig(config: RunConfig): RecordedRunConfig {
  const { invocation: _notConfig, ...rest } = config
  return { ...rest, strategies: config.strategies.map((s) => ({ name: s.name, options: withoutBlockSize(s.options) })) }
}

export function hashOf(recorded: RecordedRunConfig): string {
  return createHash('sha256').update(JSON.stringify(recorded)).digest('hex')
}

export function configHash(config: RunConfig): string {
  return hashOf(recordedConfig(config))
}

/** A cell as far as provenance needs it (run-matrix's CellPlan is one). */
export interface PlannedCell {
  strategy: { name: string }
  blockSize: number
}

/**
 * Each strategy's options and the block sizes its cells ran at: from the planned cells when given (a
 * strategy that ignores the block size may run at fewer), else the sweep's block sizes, which every
 * strategy runs at.
 */
export function effectiveStrategies(config: RunConfig, planned?: readonly PlannedCell[]): EffectiveStrategy[] {
  return config.strategies.map((s) => {
    const ran = planned ? [...new Set(planned.filter((c) => c.strategy.name === s.name).map((c) => c.blockSize))].sort((a, b) => a - b) : config.blockSizes
    return {
      name: s.name,
      options: withoutBlockSize(s.options),
      blockSizes: ran,
      usesBlockSize: findStrategy(s.name).ignoresBlockSize?.({ ...s.options, blockSize: config.blockSizes[0] }) !== true,
    }
  })
}

export type Environment = Pick<Manifest, 'tool' | 'version' | 'git' | 'node' | 'v8' | 'cpu' | 'os' | 'memoryBytes'>

/** Where and with what a measurement was made: recorded with every run. */
export function environment(): Environment {
  const status = git(['status', '--porcelain', '--untracked-files=no'])
  return {
    tool: 'deltabench',
    version: VERSION,
    git: { commit: git(['rev-parse', 'HEAD']), dirty: status === null ? null : status.length > 0 },
    node: process.version,
    v8: process.versions.v8,
    cpu: { model: os.cpus()[0]?.model ?? 'unknown', cores: os.cpus().length },
    os: { platform: os.platform(), release: os.release(), arch: os.arch() },
    memoryBytes: os.totalmem(),
  }
}

/** The manifest a run starts with; `planned`, when given, makes `effective` list exactly the block sizes each strategy's cells run at. */
export function newManifest(config: RunConfig, totalCells: number, planned?: readonly PlannedCell[]): Manifest {
  const recorded = recordedConfig(config)
  return {
    ...environment(),
    manifestFormat: MANIFEST_FORMAT,
    config: recorded,
    configHash: hashOf(recorded),
    invocation: config.invocation ?? null,
    versions: versions(),
    effective: effectiveStrategies(config, planned),
    started: new Date().toISOString(),
    finished: null,
    status: 'running',
    cells: { total: totalCells, done: 0, skipped: [] },
    inconsistent: [],
    shard: { index: 1, count: 1 },
    columns: COLUMN_NAMES,
  }
}
