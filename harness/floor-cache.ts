/**
 * The local floor's disk cache: one small JSON file per (old version, new version, tool versions, flags),
 * named by the sha256 of those, so a later run (or another worker process) reuses a floor instead of
 * running the tools again. Written beside and renamed into place, so a reader never sees a torn entry.
 */
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { homedir } from 'node:os'
import { join } from 'node:path'
import type { LocalFloor } from './prepare-workload.ts'

/** The cache directory: DELTABENCH_FLOOR_CACHE, else $XDG_CACHE_HOME or ~/.cache, + deltabench/local-floor. */
export function floorCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.DELTABENCH_FLOOR_CACHE) return env.DELTABENCH_FLOOR_CACHE
  return join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'deltabench', 'local-floor')
}

/** What one entry holds: the floor, every candidate's size (to see how close the tools came), and what it was made from. */
export interface FloorEntry {
  floor: LocalFloor
  candidates: LocalFloor[]
  tools: string
  old: { sha256: string; size: number }
  new: { sha256: string; size: number }
}

const entryPath = (dir: string, key: string) => join(dir, `${key}.json`)

// Temp names unique per process (pid) and per write within it (counter).
let writes = 0

/** The entry under `key`, or undefined when there is none or it does not parse (it is then made again). */
export function readFloorEntry(dir: string, key: string): FloorEntry | undefined {
  let text: string
  try {
    text = readFileSync(entryPath(dir, key), 'utf8')
  } catch {
    return undefined
  }
  try {
    const e = JSON.parse(text) as FloorEntry
    const f = e.floor
    return f && Number.isSafeInteger(f.bytes) && f.bytes >= 0 && typeof f.tool === 'string' ? e : undefined
  } catch {
    return undefined
  }
}

/** Stores an entry: written to a name of this process's own, then renamed over the final name (atomic on one file system). */
export function writeFloorEntry(dir: string, key: string, entry: FloorEntry): void {
  mkdirSync(dir, { recursive: true })
  const path = entryPath(dir, key)
  const tmp = `${path}.${process.pid}.${++writes}.part`
  try {
    writeFileSync(tmp, `${JSON.stringify(entry)}\n`)
    renameSync(tmp, path)
  } catch (err) {
    rmSync(tmp, { force: true })
    throw err
  }
}
