/**
 * The run directory as readers see it: the file names, the manifest's shape and readers for rows and
 * manifest. The engine writes these files (harness/results-dir.ts); analysis, notebooks and merge read
 * them through this module alone, so reading finished rows never needs the engine.
 */
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { ConfigError } from './errors.ts'
import type { ResultRow } from './result-row.ts'
import { parseRows } from './rows-reader.ts'

export const ROWS_FILE = 'rows.jsonl'
export const CSV_FILE = 'rows.csv'
export const MANIFEST_FILE = 'manifest.json'

/**
 * The manifest's own format. 2 records the invocation, versions and effective cell options, and hashes the
 * config without a per-strategy blockSize; manifests without the field are format 1.
 */
export const MANIFEST_FORMAT = 2

export const VERSION: string = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version

/** A run's resolved configuration as the manifest records it (the engine's RunConfig narrows the names). */
export interface RecordedRunConfig {
  strategies: { name: string; options: Record<string, unknown> }[]
  workloads: { name: string; options: Record<string, unknown> }[]
  blockSizes: number[]
  /** Base volume size in bytes. */
  size: number
  epochs: number
  seeds: string[]
  /** Content model name (workloads/content.ts). */
  content: string
  /** Times every cell runs (for CPU statistics; bytes must repeat exactly). */
  repeat: number
  /** Compression stage on the channel: none, gzip:L, brotli:L, zstd:L, adaptive. */
  compression: string
  /** Network profile for est_sync_ms and for adaptive compression. */
  profile: string
  costModel: 'serial' | 'pipelined'
  /** Where volumes live: memory, or files in a work directory (bounded heap for big volumes). */
  storage: 'memory' | 'file'
  /** The local-delta floor's level (off, fast, max): which local deltas local_floor_bytes comes from. */
  floor: string
  /** A tracker fault injected in every cell (absent without one, so a plain run's config hash is unchanged). */
  fault?: { kind: string; rate: number }
  /** Measure each cell's first sync from a fresh start (--cold); absent: the steady state, after an uncounted priming sync. */
  cold?: true
}

/** How a run was asked for: not part of the config or its hash. */
export interface Invocation {
  /** The command line after `deltabench` (the CLI's argv, as given); a library caller names its own. */
  argv: string[]
  /** Working directory, against which relative paths in argv and options resolve. */
  cwd: string
  /** The manifest this run re-ran (`deltabench run --from`). */
  rerunOf?: string
}

/** Versions of what touches a run's bytes beyond Node and V8; "missing" when absent, "unknown (why)" when a probe failed. */
export interface Versions {
  /** npm packages the strategies, workloads and harness import (harness/provenance.ts BYTE_PACKAGES). */
  packages: Record<string, string>
  /** SQLite inside better-sqlite3. */
  sqlite: string
  /** Real tools (rdiff, rsync, xdelta3, zstd; casync, zsync): the first line of their version output. */
  tools: Record<string, string>
}

/** What one strategy's cells ran with: its options (blockSize aside) and the block sizes it ran at. */
export interface EffectiveStrategy {
  name: string
  options: Record<string, unknown>
  blockSizes: number[]
  /** False when its bytes do not depend on the block size (Strategy.ignoresBlockSize). */
  usesBlockSize: boolean
}

/** How a run was made: enough to reproduce it and to refuse mixing it with another. */
export interface Manifest {
  tool: 'deltabench'
  /** MANIFEST_FORMAT when written; absent in format 1. */
  manifestFormat?: number
  version: string
  git: { commit: string | null; dirty: boolean | null }
  node: string
  v8: string
  cpu: { model: string; cores: number }
  os: { platform: string; release: string; arch: string }
  memoryBytes: number
  /** The resolved config; a strategy's options leave out blockSize, which the sweep sets (blockSizes, effective). */
  config: RecordedRunConfig
  /** sha256 of the config: a resumed run must match it. */
  configHash: string
  /** The command line (absent in format 1; null when a library caller gave none). */
  invocation?: Invocation | null
  /** Library and tool versions (absent in format 1). */
  versions?: Versions
  /** Each strategy's options and the block sizes its cells ran; every cell's workload options are config.workloads (absent in format 1). */
  effective?: EffectiveStrategy[]
  started: string
  finished: string | null
  /** interrupted: SIGINT or SIGTERM ended the run (its finished cells are kept; `run --resume` continues it). */
  status: 'running' | 'complete' | 'failed' | 'interrupted'
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

/** Where a reader's notices go (a torn line dropped): stderr, unless the caller collects them. */
export type ReaderNotice = (message: string) => void
const toStderr: ReaderNotice = (m) => void process.stderr.write(`deltabench: ${m}\n`)

/**
 * Reads the rows of a run directory (for reports, notebooks, comparisons, merge): one reader for every app.
 * A torn last line is dropped with a notice; rows of another schema, or a manifest of a newer format or of
 * another tool, are refused (ConfigError) with the reason (core/rows-reader.ts).
 */
export function readRows(dir: string, notice: ReaderNotice = toStderr): ResultRow[] {
  const path = join(dir, ROWS_FILE)
  if (!existsSync(path)) throw new ConfigError(`${dir} has no ${ROWS_FILE}; is it a deltabench run directory?`)
  const m = readManifest(dir, 'read rows')
  if (m && m.tool !== 'deltabench') throw new ConfigError(`${join(dir, MANIFEST_FILE)} was written by ${String(m.tool)}, not deltabench; give a deltabench run directory`)
  if (m && (m.manifestFormat ?? 1) > MANIFEST_FORMAT) throw new ConfigError(`${dir} was written by deltabench ${m.version} in manifest format ${m.manifestFormat}, newer than this deltabench ${VERSION} reads (format ${MANIFEST_FORMAT}); read it with that version or newer`)
  return parseRows(readFileSync(path, 'utf8'), path, notice)
}

/** Reads a run directory's manifest: null when it has none, a ConfigError naming `who` when it is not JSON. */
export function readManifest(dir: string, who: string): Manifest | null {
  const path = join(dir, MANIFEST_FILE)
  if (!existsSync(path)) return null
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as Manifest
  } catch {
    throw new ConfigError(`${who}: ${path} is not valid JSON; write the run again or remove the file`)
  }
}
