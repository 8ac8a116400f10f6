/**
 * A content-keyed cache of deterministic tool steps, for the fuzzer (apps/fuzz.ts turns it on for its
 * cases through TOOL_CACHE_ENV; off everywhere else, so a benchmark always runs its tools). A fuzz case replays one scenario's
 * sync with one received frame tampered, so every step before the tampering (rdiff's signature of the
 * same replica, `casync make` and `zsyncmake` of the same source, an encoder whose inputs the tamper did
 * not reach) gets byte-identical inputs case after case: a 100,000-case night ran each of them 100,000
 * times for one answer. With the cache on, a step whose command and input bytes equal an earlier run's
 * gets that run's output files written back instead of a new run, and the CPU that run measured; a step
 * with any input byte changed (everything after a tampered frame) misses and runs the real tool.
 *
 * Only for steps whose output is a function of argv and the input bytes (no clock, no randomness, no
 * path written into the output but the file names the caller keeps fixed): the callers say which.
 */
import { createHash } from 'node:crypto'
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { runTool } from './tool-process.ts'

/** One step: its folder (paths in argv under it are keyed relative to it), input files, output files or folders. */
export interface CachedStep {
  dir: string
  inputs: readonly string[]
  outputs: readonly string[]
  cwd?: string
}

/** A step's outputs as they were written: folders (to make first) and files, relative to the step's folder. */
interface Entry {
  folders: string[]
  files: [string, Uint8Array][]
  stdout: string
  cpuMs: number
  bytes: number
}

/** Most bytes of output the cache holds (a fuzz scenario's outputs are tens of KB each); the oldest go first. */
const MAX_BYTES = 256 << 20
/** A step whose output is larger than this is not kept (a benchmark-sized volume, should the cache be on). */
const MAX_ENTRY = 16 << 20

/**
 * The switch: the cache is on while this variable is "1" in this process's environment. An environment
 * variable, not a function, because the fuzzer (apps/) reaches strategies only through the registry
 * (test/layers.test.ts); apps/fuzz.ts sets it around its cases.
 */
export const TOOL_CACHE_ENV = 'DELTABENCH_TOOL_CACHE'

const entries = new Map<string, Entry>()
let held = 0
let hits = 0
let misses = 0

/** Whether the cache is on now; seen off, it lets go of what it held. */
function cacheOn(): boolean {
  const on = process.env[TOOL_CACHE_ENV] === '1'
  if (!on && entries.size > 0) {
    entries.clear()
    held = 0
  }
  return on
}

/** Switches the cache on or off for this process (its environment variable); returns the previous setting. Off empties it. */
export function setToolCache(enabled: boolean): boolean {
  const was = process.env[TOOL_CACHE_ENV] === '1'
  if (enabled) process.env[TOOL_CACHE_ENV] = '1'
  else delete process.env[TOOL_CACHE_ENV]
  cacheOn()
  return was
}

/** Hits and misses since the process started (the fuzzer's profile prints them). */
export function toolCacheStats(): { hits: number; misses: number; entries: number; bytes: number } {
  return { hits, misses, entries: entries.size, bytes: held }
}

/** Runs `argv` like runTool, or, with the cache on and an earlier run of the same step on the same input bytes, writes that run's outputs. */
export async function runToolCached(who: string, argv: readonly string[], step: CachedStep): Promise<{ stdout: string; cpuMs: number }> {
  if (!cacheOn()) return runTool(who, argv, step.cwd)
  const key = stepKey(who, argv, step)
  const have = entries.get(key)
  if (have) {
    hits++
    entries.delete(key) // re-inserted: Map order is the eviction order, oldest use first
    entries.set(key, have)
    for (const f of have.folders) mkdirSync(join(step.dir, f), { recursive: true })
    for (const [f, bytes] of have.files) writeFileSync(join(step.dir, f), bytes)
    return { stdout: have.stdout, cpuMs: have.cpuMs }
  }
  misses++
  const run = await runTool(who, argv, step.cwd)
  keep(key, record(step, run))
  return run
}

/** sha256 of the tool, argv with the step's folder written as <dir>, the working folder, and each input's name and bytes. */
function stepKey(who: string, argv: readonly string[], step: CachedStep): string {
  const h = createHash('sha256')
  const rel = (s: string) => s.split(step.dir).join('<dir>')
  h.update(`${who}\0${argv.map(rel).join('\0')}\0${rel(step.cwd ?? '')}\0${step.outputs.map(rel).join('\0')}\0`)
  for (const input of step.inputs) {
    const bytes = readFileSync(input)
    h.update(`${rel(input)}\0${bytes.length}\0`)
    h.update(bytes)
  }
  return h.digest('hex')
}

function record(step: CachedStep, run: { stdout: string; cpuMs: number }): Entry {
  const outside = step.outputs.find((o) => relative(step.dir, o).startsWith('..'))
  if (outside !== undefined) throw new Error(`tool-cache: output ${outside} is not under the step's folder ${step.dir}`)
  const e: Entry = { folders: [], files: [], stdout: run.stdout, cpuMs: run.cpuMs, bytes: 0 }
  const walk = (path: string) => {
    if (statSync(path).isDirectory()) {
      e.folders.push(relative(step.dir, path))
      for (const name of readdirSync(path).sort()) walk(join(path, name))
    } else {
      const bytes = readFileSync(path)
      e.files.push([relative(step.dir, path), bytes])
      e.bytes += bytes.length
    }
  }
  for (const out of step.outputs) walk(out)
  return e
}

function keep(key: string, e: Entry): void {
  if (e.bytes > MAX_ENTRY) return
  entries.set(key, e)
  held += e.bytes
  for (const [k, old] of entries) {
    if (held <= MAX_BYTES) break
    entries.delete(k)
    held -= old.bytes
  }
}
