import { existsSync, statSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { ConfigError } from '../core/errors.ts'
import { checkOptions, defineOptions, type OptionsOf } from '../core/options.ts'
import { epochRng, seededBase } from './base-volume.ts'
import { parseBlockTrace, type BlockTrace, type ParseOptions } from './block-trace-parse.ts'
import { makeContent } from './content.ts'
import type { Mutation, Workload } from './workload.ts'

const NAME = 'block-trace'
/** Volumes are whole 4 KiB pages, like the devices the traces come from. */
const PAGE = 4096

const OPTIONS = defineOptions({
  path: { type: 'string', default: '', description: 'trace file (default: the synthetic sample workloads/traces/sample-msr.csv); also --trace <file>' },
  format: { type: 'enum', choices: ['auto', 'msr', 'offset-length'], default: 'auto', description: 'trace format (auto: 7 fields is MSR, 2 is offset,length)' },
  disk: { type: 'number', integer: true, min: -1, max: 1_000_000, default: -1, description: 'keep only this MSR DiskNumber (-1: every disk)' },
  cutBy: { type: 'enum', choices: ['writes', 'time'], default: 'writes', description: 'cut epochs by a number of writes or a span of trace time' },
  epochWrites: { type: 'number', integer: true, min: 0, max: 1e9, default: 0, description: 'writes per epoch when cutting by writes (0: all writes split evenly over --epochs)' },
  epochSeconds: { type: 'number', min: 0, max: 1e9, default: 0, description: 'trace seconds per epoch when cutting by time (0: the trace span split evenly over --epochs)' },
  limit: { type: 'number', integer: true, min: 0, max: 1e9, default: 0, description: 'replay at most this many writes (0: all)' },
  // 1 TiB, as --size: the volume is built in memory or in files a run's size check holds to the disk.
  maxSize: { type: 'size', min: PAGE, max: 2 ** 40, default: 1 << 30, description: 'largest volume to build (the harness holds a few copies in memory); a trace that addresses more is refused unless fold is on' },
  fold: { type: 'boolean', default: false, description: 'wrap offsets past maxSize around (offset mod maxSize) instead of refusing the trace' },
})
export type BlockTraceOptions = OptionsOf<typeof OPTIONS>

/** The shipped sample; from a build in dist/workloads/ the CSV is still beside the sources (tsc copies no data). */
export const SAMPLE_TRACE = [new URL('./traces/sample-msr.csv', import.meta.url), new URL('../../workloads/traces/sample-msr.csv', import.meta.url)]
  .map((u) => fileURLToPath(u))
  .find((p) => existsSync(p)) ?? fileURLToPath(new URL('./traces/sample-msr.csv', import.meta.url))

function tracePath(o: BlockTraceOptions): string {
  return o.path || SAMPLE_TRACE
}

function parseOptions(o: BlockTraceOptions): ParseOptions {
  return { format: o.format, disk: o.disk, limit: o.limit }
}

/** Parsed traces by file and options: validate and create read the file once between them. */
const parsed = new Map<string, BlockTrace>()

function load(o: BlockTraceOptions): BlockTrace {
  const path = tracePath(o)
  if (!existsSync(path) || !statSync(path).isFile()) throw new ConfigError(`${NAME}.path ${path}: no such file`)
  const st = statSync(path)
  const key = JSON.stringify([path, st.size, st.mtimeMs, parseOptions(o)])
  let t = parsed.get(key)
  if (!t) {
    t = parseBlockTrace(path, parseOptions(o))
    parsed.set(key, t)
  }
  return t
}

function volumeSize(t: BlockTrace, o: BlockTraceOptions): number {
  const size = Math.ceil(t.extent / PAGE) * PAGE
  return o.fold ? Math.min(size, o.maxSize) : size
}

/** The epoch (1-based) each write belongs to, 0 for writes past the last epoch. */
function epochOfWrites(t: BlockTrace, o: BlockTraceOptions, epochs: number): Uint32Array {
  const out = new Uint32Array(t.writes)
  if (o.cutBy === 'writes') {
    const per = o.epochWrites > 0 ? o.epochWrites : Math.max(1, Math.ceil(t.writes / epochs))
    for (let i = 0; i < t.writes; i++) {
      const e = Math.floor(i / per) + 1
      out[i] = e <= epochs ? e : 0
    }
    return out
  }
  let first = Infinity
  let last = -Infinity
  for (let i = 0; i < t.writes; i++) {
    first = Math.min(first, t.time[i]!)
    last = Math.max(last, t.time[i]!)
  }
  const span = o.epochSeconds > 0 ? o.epochSeconds : (last - first) / epochs
  for (let i = 0; i < t.writes; i++) {
    // With the even split the last write lands exactly on the end: it belongs to the last epoch.
    const e = span > 0 ? Math.floor((t.time[i]! - first) / span) + 1 : 1
    out[i] = o.epochSeconds > 0 ? (e <= epochs ? e : 0) : Math.min(e, epochs)
  }
  return out
}

/**
 * Replays a block I/O trace: every write becomes an overwrite of seeded content (of the run's content
 * model) at its offset, reads are ignored, the volume is sized from the largest offset the trace touches
 * and filled with seeded content, and epochs are cut by a number of writes or a span of trace time. The
 * trace is real (recorded); the bytes are not, as the published traces carry no data.
 */
export const blockTrace: Workload<BlockTraceOptions> = {
  name: NAME,
  summary: 'replays a block I/O trace (MSR Cambridge CSV or offset,length CSV): writes overwrite seeded content',
  options: OPTIONS,
  sizedByData: true,
  hasWriteTrace: true,
  validate(o) {
    checkOptions(NAME, OPTIONS, o)
    const t = load(o)
    if (o.cutBy === 'time' && t.format !== 'msr') throw new ConfigError(`${NAME}: ${tracePath(o)} has no timestamps (offset,length); cut it by writes (--opt ${NAME}.cutBy=writes)`)
    const size = Math.ceil(t.extent / PAGE) * PAGE
    if (size > o.maxSize && !o.fold) {
      throw new ConfigError(`${NAME}: ${tracePath(o)} addresses ${size} bytes, more than maxSize ${o.maxSize}; raise --opt ${NAME}.maxSize=<size> (the volume is held in memory) or wrap offsets with --opt ${NAME}.fold=true`)
    }
  },
  create(params, o) {
    blockTrace.validate!(o, params)
    const t = load(o)
    const size = volumeSize(t, o)
    const epochOf = epochOfWrites(t, o, params.epochs)
    return {
      epochs: params.epochs,
      base: () => seededBase(NAME, { ...params, size }),
      epoch(index) {
        const rng = epochRng(NAME, params.seed, index)
        const out: Mutation[] = []
        for (let i = 0; i < t.writes; i++) {
          if (epochOf[i] !== index) continue
          const len = Math.min(t.size[i]!, size)
          const bytes = makeContent(rng, params.content, len)
          const at = t.offset[i]! % size
          // A folded write that runs past the end wraps to the start, as the offsets do.
          const head = Math.min(len, size - at)
          out.push({ kind: 'overwrite', at, bytes: head === len ? bytes : bytes.subarray(0, head) })
          if (head < len) out.push({ kind: 'overwrite', at: 0, bytes: bytes.subarray(head) })
        }
        return out
      },
    }
  },
}
