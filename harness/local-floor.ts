/**
 * The practical floor of an epoch: the best local delta of its old and new versions, with both in one place
 * (zstd --patch-from and xdelta3 -e, the smaller; harness/floor-tools.ts). No remote strategy should need
 * fewer bytes than a tool that sees both versions; a row that does says why in under_floor.
 *
 * Computed while the workload is prepared (harness/prepare-workload.ts), never while a cell is timed: each
 * version is written once to a temp file and hashed on the way, and each epoch's floor is looked up in
 * memory, then in the disk cache (harness/floor-cache.ts), and only then made by running the tools.
 */
import { createHash } from 'node:crypto'
import { closeSync, openSync, statSync, writeSync } from 'node:fs'
import { join } from 'node:path'
import { CHUNK, type ReadonlyVolume } from '../core/volume.ts'
import { makeTempDir, removeTempDir } from '../core/temp-dir.ts'
import { floorRecipe, type FloorLevel, type FloorRecipe } from './floor-level.ts'
import { floorCacheDir, readFloorEntry, writeFloorEntry } from './floor-cache.ts'
import { floorCandidates, floorToolVersions, MAX_FLOOR_INPUT, missingFloorTools, runConcurrently, type CommandRunner } from './floor-tools.ts'
import type { LocalFloor } from './prepare-workload.ts'

export interface FloorOptions {
  /** Default: floorCacheDir(). */
  cacheDir?: string
  /** Default: runConcurrently. */
  run?: CommandRunner
  /** Floors already known in this process, by cache key. Default: one map for the process. */
  memory?: Map<string, LocalFloor>
}

const PROCESS_MEMORY = new Map<string, LocalFloor>()

/** A version written out for the tools: its file, size and sha256. */
interface Version {
  path: string
  size: number
  sha256: string
}

/**
 * Follows a workload through its versions (the base, then each epoch's result) and gives the floor of every
 * step. Owns a temp directory holding at most the last two versions; `close` removes it.
 */
export class LocalFloorMaker {
  private dir: string | undefined
  private prev: Version | undefined
  private turn = 0

  constructor(
    private readonly recipe: FloorRecipe,
    private readonly o: FloorOptions = {},
  ) {}

  /** Records the next version; from the second on, returns the floor of the step from the one before (null past the tools' windows). */
  next(v: ReadonlyVolume): LocalFloor | null {
    this.dir ??= makeTempDir('floor')
    // Two files in turn: the one before stays as the reference while the next is written.
    const cur = writeVersion(v, join(this.dir, `version-${this.turn++ % 2}`))
    const prev = this.prev
    this.prev = cur
    return prev ? this.floorOf(prev, cur) : null
  }

  close(): void {
    if (this.dir !== undefined) removeTempDir(this.dir)
    this.dir = undefined
    this.prev = undefined
  }

  private floorOf(old: Version, next: Version): LocalFloor | null {
    if (Math.max(old.size, next.size) > MAX_FLOOR_INPUT) return null
    const candidates = floorCandidates(this.recipe, this.dir!, old, next)
    const tools = floorToolVersions()
    const key = createHash('sha256')
      .update(JSON.stringify({ v: 1, tools, flags: candidates.map((c) => c.tool), old: [old.sha256, old.size], next: [next.sha256, next.size] }))
      .digest('hex')
    const memory = this.o.memory ?? PROCESS_MEMORY
    const known = memory.get(key)
    if (known) return known
    const cacheDir = this.o.cacheDir ?? floorCacheDir()
    const cached = readFloorEntry(cacheDir, key)
    if (cached) {
      memory.set(key, cached.floor)
      return cached.floor
    }
    const exits = (this.o.run ?? runConcurrently)(candidates.map((c) => c.encode), this.dir!)
    const made = candidates.map((c, i) => {
      const e = exits[i]!
      if (e.code !== 0) throw new Error(`local floor: \`${c.encode.join(' ')}\` failed (exit ${e.code}): ${e.stderr || 'no message'}; run with --floor off to go on without the floor`)
      return { tool: c.tool, bytes: statSync(c.delta).size }
    })
    // The smaller delta; on a tie the first (zstd), so the choice does not depend on timing.
    const floor = made.reduce((best, c) => (c.bytes < best.bytes ? c : best))
    try {
      writeFloorEntry(cacheDir, key, { floor, candidates: made, tools, old: { sha256: old.sha256, size: old.size }, new: { sha256: next.sha256, size: next.size } })
    } catch (err) {
      throw new Error(`local floor: cannot write the cache in ${cacheDir} (${err instanceof Error ? err.message : String(err)}); set DELTABENCH_FLOOR_CACHE to a writable directory, or run with --floor off`)
    }
    memory.set(key, floor)
    return floor
  }
}

/** A maker for `level`, or null when there is to be no floor: --floor off, or a tool missing (floorNotice says so). */
export function floorMaker(level: FloorLevel, o: FloorOptions = {}): LocalFloorMaker | null {
  const recipe = floorRecipe(level)
  return recipe && !missingFloorTools() ? new LocalFloorMaker(recipe, o) : null
}

/** What a run should say once, before it starts, about its floor: why there is none, or nothing. */
export function floorNotice(level: FloorLevel): string | undefined {
  if (level === 'off') return undefined
  const missing = missingFloorTools()
  return missing ? `local floor: ${missing}; the local_floor_bytes, local_floor_tool and vs_local columns stay empty (or say --floor off)` : undefined
}

/** Writes a volume to `path` chunk by chunk, hashing it on the way. */
function writeVersion(v: ReadonlyVolume, path: string): Version {
  const hash = createHash('sha256')
  const fd = openSync(path, 'w')
  try {
    for (let off = 0; off < v.size; off += CHUNK) {
      const b = v.read(off, Math.min(CHUNK, v.size - off))
      hash.update(b)
      for (let done = 0; done < b.length; ) done += writeSync(fd, b, done, b.length - done)
    }
  } finally {
    closeSync(fd)
  }
  return { path, size: v.size, sha256: hash.digest('hex') }
}
