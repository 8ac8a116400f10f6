import { execFileSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import os from 'node:os'
import { fileURLToPath } from 'node:url'
import type { RunConfig } from './config.ts'
import { VERSION, type Manifest } from '../core/run-files.ts'
import { COLUMN_NAMES } from '../core/result-row.ts'

const ROOT = fileURLToPath(new URL('..', import.meta.url))

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
