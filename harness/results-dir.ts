import { appendFileSync, closeSync, existsSync, fsyncSync, openSync, readFileSync, renameSync, writeFileSync, writeSync } from 'node:fs'
import { join } from 'node:path'
import { safeCsv } from '../core/csv-safe.ts'
import { ConfigError } from '../core/errors.ts'
import type { Manifest } from '../core/run-files.ts'
import { COLUMN_NAMES, type ResultRow } from '../core/result-row.ts'
import { parseJsonLines } from '../core/rows-reader.ts'
import { claimRunFolder, type ClaimedFolder } from './run-folder.ts'

/** Identifies a cell (every epoch of one strategy+options on one workload+options+seed). */
export function cellKey(r: Pick<ResultRow, 'strategy' | 'strategy_options' | 'workload' | 'workload_options' | 'content' | 'seed' | 'repeat'>): string {
  return JSON.stringify([r.strategy, r.strategy_options, r.workload, r.workload_options, r.content, r.seed, r.repeat])
}

/** rows.csv text: the columns in order, text cells spreadsheet-safe (core/csv-safe.ts). */
export function csv(rows: readonly ResultRow[], header: boolean): string {
  return safeCsv(rows, COLUMN_NAMES, header)
}

function writeAtomic(path: string, text: string): void {
  const tmp = `${path}.tmp`
  writeFileSync(tmp, text)
  renameSync(tmp, path)
}

function appendDurable(path: string, text: string): void {
  const fd = openSync(path, 'a')
  try {
    writeSync(fd, text)
    fsyncSync(fd)
  } finally {
    closeSync(fd)
  }
}

/**
 * A run directory: rows.jsonl (the record of truth, appended and fsynced as each cell finishes),
 * rows.csv (the same rows for spreadsheets) and manifest.json. A crash loses at most the cell in
 * progress; `resume` keeps every complete cell and drops any partial one.
 */
export class RunDir {
  readonly dir: string
  readonly done = new Set<string>()
  private rowsSoFar: ResultRow[] = []
  /** The folder's lock, held from open to close (harness/run-folder.ts). */
  private claim: ClaimedFolder | undefined

  private constructor(dir: string) {
    this.dir = dir
  }

  /** Releases the folder's lock: the run is over (done, failed or stopped). */
  close(): void {
    this.claim?.lock.release()
  }

  get jsonl(): string {
    return join(this.dir, 'rows.jsonl')
  }
  get csvPath(): string {
    return join(this.dir, 'rows.csv')
  }
  get manifestPath(): string {
    return join(this.dir, 'manifest.json')
  }

  get rows(): readonly ResultRow[] {
    return this.rowsSoFar
  }

  /**
   * Opens a new run directory (a new or empty folder), or with resume an existing run of the same config
   * (epochsPerCell says how many rows make a complete cell), and holds its lock until close. A folder with
   * files we did not write, a locked one, or a run that cannot be resumed is refused with nothing written.
   */
  static open(dir: string, manifest: Manifest, opts: { resume: boolean; epochsPerCell: (row: ResultRow) => number; onNote?: (message: string) => void }): RunDir {
    const run = new RunDir(dir)
    const claim = claimRunFolder(dir, opts.resume, opts.onNote)
    try {
      run.start(manifest, opts)
    } catch (err) {
      // A resume refused (another config or version): the folder is left as it was, unlocked.
      claim.abandon()
      throw err
    }
    run.claim = claim
    return run
  }

  private start(manifest: Manifest, opts: { resume: boolean; epochsPerCell: (row: ResultRow) => number }): void {
    if (opts.resume) return this.resumeRun(manifest, opts.epochsPerCell)
    // The manifest first: it is what marks the folder as ours, should the process die before the rows.
    this.writeManifest(manifest)
    writeFileSync(this.jsonl, '')
    writeFileSync(this.csvPath, csv([], true))
  }

  /** Continues the run in the folder: same version, shard and config, its complete cells kept. */
  private resumeRun(manifest: Manifest, epochsPerCell: (row: ResultRow) => number): void {
    const dir = this.dir
    let old: Manifest
    try {
      old = JSON.parse(readFileSync(this.manifestPath, 'utf8')) as Manifest
    } catch {
      throw new ConfigError(`${this.manifestPath} is not valid JSON; cannot resume that run`)
    }
    if (old.tool !== 'deltabench' || old.version !== manifest.version) {
      throw new ConfigError(`${dir} was written by ${old.tool} ${old.version}, this is deltabench ${manifest.version}; resume with the same version or start a new --out`)
    }
    if (old.shard && (old.shard.index !== manifest.shard.index || old.shard.count !== manifest.shard.count)) {
      throw new ConfigError(`${dir} holds shard ${old.shard.index}/${old.shard.count}, not ${manifest.shard.index}/${manifest.shard.count}; resume it with --shard ${old.shard.index}/${old.shard.count}`)
    }
    if ((old.manifestFormat ?? 1) !== (manifest.manifestFormat ?? 1)) {
      throw new ConfigError(`${dir} was written in manifest format ${old.manifestFormat ?? 1}, this deltabench writes format ${manifest.manifestFormat ?? 1} and hashes the config another way, so it cannot resume that run; start a new --out, or re-run it whole with: deltabench run --from ${this.manifestPath}`)
    }
    if (old.configHash !== manifest.configHash) {
      throw new ConfigError(`${dir} was made with a different config; resume with the same flags (its manifest.json has them) or choose another --out`)
    }
    // Keep whole lines of whole cells; a line cut by a crash, or a cell short of epochs, is dropped.
    const text = existsSync(this.jsonl) ? readFileSync(this.jsonl, 'utf8') : ''
    const byCell = new Map<string, ResultRow[]>()
    for (const o of parseJsonLines(text).rows) {
      const row = o as unknown as ResultRow
      const k = cellKey(row)
      byCell.set(k, [...(byCell.get(k) ?? []), row])
    }
    for (const [k, rows] of byCell) {
      const want = epochsPerCell(rows[0]!)
      if (rows.length >= want) {
        this.done.add(k)
        this.rowsSoFar.push(...rows.slice(0, want))
      }
    }
    writeAtomic(this.jsonl, this.rowsSoFar.map((r) => JSON.stringify(r) + '\n').join(''))
    writeAtomic(this.csvPath, csv(this.rowsSoFar, true))
    this.writeManifest({ ...manifest, started: old.started })
  }

  /** Appends one finished cell: all its rows in one write, fsynced, then the CSV (appended, not fsynced). */
  appendCell(rows: ResultRow[]): void {
    if (rows.length === 0) return
    appendDurable(this.jsonl, rows.map((r) => JSON.stringify(r) + '\n').join(''))
    // Not fsynced: rows.csv is remade from rows.jsonl on --resume, so only the record of truth must be durable.
    appendFileSync(this.csvPath, csv(rows, false))
    this.rowsSoFar.push(...rows)
    this.done.add(cellKey(rows[0]!))
  }

  writeManifest(m: Manifest): void {
    writeAtomic(this.manifestPath, JSON.stringify(m, null, 2) + '\n')
  }
}
