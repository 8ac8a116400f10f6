import { ConfigError } from '../core/errors.ts'
import { coerceOption, type OptionSchema, defaultsOf } from '../core/options.ts'
import type { Invocation, RecordedRunConfig } from '../core/run-files.ts'
import { parseSize } from '../core/units.ts'
import { STRATEGIES } from '../strategies/index.ts'
import { WORKLOADS } from '../workloads/index.ts'
import { MAX_BLOCK_SIZE, type AnyStrategy } from '../core/strategy.ts'
import type { AnyWorkload } from '../workloads/workload.ts'
import { parseContent, type ContentModel } from '../workloads/content.ts'
import { compressionName, parseCompression } from './channel-codec.ts'
import { parseCostModel, parseProfile, type CostModel } from '../core/network-profile.ts'
import { resolveFault, type FaultSpec } from './faults.ts'
import { DEFAULT_FLOOR, parseFloorLevel, type FloorLevel } from './floor-level.ts'

/** A resolved run: everything needed to reproduce it, and what the manifest records (with the engine's types). */
export interface RunConfig extends RecordedRunConfig {
  content: ContentModel
  costModel: CostModel
  fault?: FaultSpec
  /** How the run was asked for (the CLI passes its argv): recorded in the manifest, outside the config and its hash. */
  invocation?: Invocation
  floor: FloorLevel
}

/** Options a user sets per strategy or workload, by name: `{ 'fixed-block-compare': { strongBytes: 8 } }`. */
export type OptionOverrides = Record<string, Record<string, string | number | boolean>>

export interface RunRequest {
  strategies?: string[]
  workloads?: string[]
  blockSizes?: (number | string)[]
  size?: number | string
  /** Whole numbers; as typed on a command line they are checked here, like every other field. */
  epochs?: number | string
  seeds?: (string | number)[]
  content?: string
  repeat?: number | string
  compression?: string
  profile?: string
  costModel?: string
  /** memory, file, or auto (file from 512 MiB up). */
  storage?: string
  overrides?: OptionOverrides
  /** A fault kind from harness/faults.ts, and its rate (default: the fault's own). */
  fault?: string
  faultRate?: number | string
  /** Measure the first sync from a fresh start instead of the steady state (default false). */
  cold?: boolean
  /** The local-delta floor's level: off, fast or max (harness/floor-level.ts). */
  floor?: string
}

/** `npm run bench`: small enough for well under a minute, wide enough to show every trade-off. */
export const DEFAULT_REQUEST: Required<Omit<RunRequest, 'overrides' | 'strategies' | 'fault' | 'faultRate' | 'cold'>> = {
  workloads: ['random-overwrite', 'insert-delete', 'append', 'hot-spot'],
  blockSizes: [512, 4096, 65536],
  size: '16MiB',
  epochs: 3,
  seeds: ['1', '2'],
  content: 'mixed',
  repeat: 1,
  compression: 'none',
  profile: 'wan',
  costModel: 'serial',
  storage: 'auto',
  floor: DEFAULT_FLOOR,
}

export function findStrategy(name: string): AnyStrategy {
  const s = STRATEGIES.find((x) => x.name === name)
  if (!s) throw new ConfigError(`unknown strategy "${name}"; known: ${STRATEGIES.map((x) => x.name).join(', ')} (deltabench list shows them)`)
  return s
}

export function findWorkload(name: string): AnyWorkload {
  const w = WORKLOADS.find((x) => x.name === name)
  if (!w) throw new ConfigError(`unknown workload "${name}"; known: ${WORKLOADS.map((x) => x.name).join(', ')} (deltabench list shows them)`)
  return w
}

function resolveOptions(owner: { name: string; options: OptionSchema }, overrides: OptionOverrides, isStrategy = false): Record<string, unknown> {
  const out: Record<string, unknown> = { ...defaultsOf(owner.options) }
  for (const [k, v] of Object.entries(overrides[owner.name] ?? {})) {
    // Every cell's block size comes from the sweep; an --opt blockSize would be silently overridden.
    if (isStrategy && k === 'blockSize') throw new ConfigError(`--opt ${owner.name}.blockSize: the block size is the sweep's, set for every strategy by --block-sizes (e.g. --block-sizes ${v})`)
    out[k] = coerceOption(owner.name, owner.options, k, v)
  }
  return out
}

function positiveInt(what: string, v: unknown, max = Number.MAX_SAFE_INTEGER): number {
  const n = typeof v === 'number' ? v : Number(v)
  if (!Number.isSafeInteger(n) || n < 1 || n > max) throw new ConfigError(`${what} must be a whole number from 1 to ${max}, got "${v}"`)
  return n
}

/**
 * Refuses a list naming one thing twice once parsed (4096 and 4KiB are one block size): each would run its
 * cells twice and write duplicate rows. `spelling` is how the user wrote each item.
 */
function refuseDuplicates<T>(flag: string, values: readonly T[], spelling: (i: number) => string): void {
  const first = new Map<T, number>()
  values.forEach((v, i) => {
    const j = first.get(v)
    if (j === undefined) return void first.set(v, i)
    const how = spelling(j) === spelling(i) ? `"${spelling(i)}" twice` : `"${spelling(j)}" and "${spelling(i)}", which are both ${String(v)}`
    throw new ConfigError(`${flag} lists ${how}; each would run the same cells again: list each once`)
  })
}

/** Turns what a user asked for into a checked, fully resolved RunConfig. */
export function resolveRun(req: RunRequest): RunConfig {
  const merged = { ...DEFAULT_REQUEST, ...Object.fromEntries(Object.entries(req).filter(([, v]) => v !== undefined)) }
  const overrides = req.overrides ?? {}
  // The default leaves out the real-tool baselines (a child process per sync): name them to run them.
  const strategies = (req.strategies ?? STRATEGIES.filter((s) => !s.external).map((s) => s.name)).map(findStrategy)
  const workloads = (merged.workloads as string[]).map(findWorkload)
  if (strategies.length === 0) throw new ConfigError('no strategies given')
  if (workloads.length === 0) throw new ConfigError('no workloads given')
  refuseDuplicates('--strategies', strategies.map((s) => s.name), (i) => strategies[i]!.name)
  refuseDuplicates('--workloads', workloads.map((w) => w.name), (i) => workloads[i]!.name)
  for (const name of Object.keys(overrides)) {
    if (!strategies.some((s) => s.name === name) && !workloads.some((w) => w.name === name)) {
      throw new ConfigError(`--opt ${name}.…: "${name}" is not a strategy or workload in this run`)
    }
  }
  const blockSizes = (merged.blockSizes as (number | string)[]).map((b) => {
    const n = typeof b === 'number' ? b : parseSize(b, 'block size')
    if (!Number.isSafeInteger(n) || n < 1 || n > MAX_BLOCK_SIZE) throw new ConfigError(`block size ${b} must be from 1 B to 1 GiB`)
    return n
  })
  if (blockSizes.length === 0) throw new ConfigError('no block sizes given')
  refuseDuplicates('--block-sizes', blockSizes, (i) => String((merged.blockSizes as (number | string)[])[i]))
  const size = typeof merged.size === 'number' ? merged.size : parseSize(String(merged.size), '--size')
  if (size < 0 || size > 2 ** 40) throw new ConfigError(`--size ${merged.size} must be from 0 to 1 TiB`)
  const synthetic = workloads.every((w) => w.hasWriteTrace)
  const tooBig = blockSizes.filter((b) => b > size)
  if (synthetic && size > 0 && tooBig.length > 0) {
    throw new ConfigError(`block size ${tooBig.join(', ')} is larger than the volume (--size ${merged.size} = ${size} bytes); choose block sizes up to the volume size, or a larger --size`)
  }
  const seeds = (merged.seeds as (string | number)[]).map(String)
  if (seeds.length === 0 || seeds.some((s) => s.trim() === '')) throw new ConfigError('--seeds needs at least one non-empty seed, e.g. --seeds 1,2,3')
  refuseDuplicates('--seeds', seeds, (i) => seeds[i]!)
  const content = parseContent(String(merged.content))
  parseProfile(String(merged.profile))
  const fault = resolveFault(req.fault, req.faultRate)
  const epochs = positiveInt('--epochs', merged.epochs, 100_000)
  return {
    strategies: strategies.map((s) => {
      const options = resolveOptions(s, overrides, true)
      s.validate?.(options)
      return { name: s.name, options }
    }),
    workloads: workloads.map((w) => {
      const options = resolveOptions(w, overrides)
      w.validate?.(options, { epochs, size })
      return { name: w.name, options }
    }),
    blockSizes,
    size,
    epochs,
    seeds,
    content,
    repeat: positiveInt('--repeat', merged.repeat, 1000),
    compression: compressionName(parseCompression(String(merged.compression))),
    profile: String(merged.profile),
    costModel: parseCostModel(String(merged.costModel)),
    storage: resolveStorage(String(merged.storage), size),
    floor: parseFloorLevel(String(merged.floor)),
    ...(fault ? { fault } : {}),
    ...(req.cold ? { cold: true as const } : {}),
  }
}

/** Volumes from this size up go to files under `auto`: two copies in memory would crowd the heap. */
export const AUTO_FILE_STORAGE_BYTES = 512 << 20

function resolveStorage(text: string, size: number): 'memory' | 'file' {
  if (text === 'memory' || text === 'file') return text
  if (text === 'auto') return size >= AUTO_FILE_STORAGE_BYTES ? 'file' : 'memory'
  throw new ConfigError(`--storage ${text}: choose memory, file or auto`)
}
