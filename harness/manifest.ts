import { execFileSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import os from 'node:os'
import { fileURLToPath } from 'node:url'
import type { RunConfig } from './config.ts'
import { COLUMN_NAMES } from '../core/result-row.ts'

const ROOT = fileURLToPath(new URL('..', import.meta.url))

export const VERSION: string = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version

/** How a run was made: enough to reproduce it and to refuse mixing it with another. */
export interface Manifest {
  tool: 'deltabench'
  version: string
  git: { commit: string | null; dirty: boolean | null }
  node: string
  v8: string
  cpu: { model: string; cores: number }
  os: { platform: string; release: string; arch: string }
  memoryBytes: number
  config: RunConfig
  /** sha256 of the config: a resumed run must match it. */
  configHash: string
  started: string
  finished: string | null
  status: 'running' | 'complete' | 'failed'
  cells: { total: number; done: number; skipped: { strategy: string; workload: string; reason: string }[] }
  /** Cells run at once (child processes); 1 keeps timing serial. */
  jobs?: number
  /** Peak resident memory of the process that ran the cells (VmHWM: see harness/peak-rss.ts), bytes. */
  peakRssBytes?: number
  /** Which share of the matrix this directory holds (1 of 1 for an unsharded run); merged runs list all. */
  shard: { index: number; count: number }
  /** Cells whose bytes differed across repeats (should be empty: same seed, same bytes). */
  inconsistent: string[]
  columns: string[]
}

function git(args: string[]): string | null {
  try {
    return execFileSync('git', args, { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim()
  } catch {
    return null
  }
}

export function configHash(config: RunConfig): string {
  return createHash('sha256').update(JSON.stringify(config)).digest('hex')
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

export function newManifest(config: RunConfig, totalCells: number): Manifest {
  return {
    ...environment(),
    config,
    configHash: configHash(config),
    started: new Date().toISOString(),
    finished: null,
    status: 'running',
    cells: { total: totalCells, done: 0, skipped: [] },
    inconsistent: [],
    shard: { index: 1, count: 1 },
    columns: COLUMN_NAMES,
  }
}
