import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { ConfigError, ToolError } from '../../core/errors.ts'
import { checkOptions, defineOptions, type OptionsOf } from '../../core/options.ts'
import { blockSizeOption, type Half, type Strategy } from '../../core/strategy.ts'
import { missingTools, volumeAsFile } from './child-tool.ts'
import { runToolCached } from '../shared/tool-cache.ts'
import type { Served } from './http-file-server.ts'
import { httpClientHalf, httpServerHalf } from './http-peer.ts'

/** casync's bounds on any chunk size (CA_CHUNK_SIZE_LIMIT_MIN/MAX in its source). */
const LIMIT_MIN = 1
const LIMIT_MAX = 128 << 20
/**
 * The average sizes this strategy passes. casync refuses 8 B and takes 64 B, but below 1 KiB its index
 * (40 B a chunk) and one HTTP request per missing chunk swamp what it sends (a 100 KB volume at 64 B
 * chunks made 1,500 requests per full fetch), so a smaller sweep value runs at 1 KiB; avg·4 must stay
 * under LIMIT_MAX.
 */
const MIN_AVG = 1024
const MAX_AVG = 32 << 20

const OPTIONS = defineOptions({
  blockSize: blockSizeOption("the average chunk size (casync --chunk-size's AVG): 1 KiB to 32 MiB; a sweep value outside is moved in (effective_block_size)", 65536),
  min: { type: 'size', default: 0, min: 0, max: LIMIT_MAX, description: "smallest chunk (MIN); 0 for casync's own rule, avg/4" },
  max: { type: 'size', default: 0, min: 0, max: LIMIT_MAX, description: "largest chunk (MAX); 0 for casync's own rule, avg·4" },
  compression: { type: 'enum', choices: ['zstd', 'xz', 'gzip'], default: 'zstd', description: 'how casync compresses each chunk in its store (.cacnk files): --compression' },
  digest: { type: 'enum', choices: ['sha512-256', 'sha256'], default: 'sha512-256', description: 'chunk id digest: --digest' },
})
export type CasyncOptions = OptionsOf<typeof OPTIONS>

const NAME = 'casync'
const TOOLS = [{ cmd: 'casync', apt: 'casync' }]
/** A chunk's path in casync's store: <first 4 hex digits>/<digest>.cacnk. */
const CHUNK_PATH = /^\/store\/[0-9a-f]{4}\/([0-9a-f]{64})\.cacnk$/

/**
 * Real casync: the sender runs `casync make` on the new version into an index (vol.caibx) and a chunk
 * store, and serves both over HTTP on 127.0.0.1; the receiver runs `casync extract --seed=<replica>`
 * with the index and store as http:// URLs, so casync's own HTTP helper fetches, through the metered
 * channel (http-relay.ts), the index and exactly the compressed chunks (.cacnk) its seed lacks. Bytes are
 * what casync's client really fetched, requests and HTTP headers included; telemetry: literal_data the
 * uncompressed bytes of the chunks it fetched, matched_data the rest, block_matches the index's chunks
 * taken from the seed.
 */
export const casync: Strategy<CasyncOptions, undefined> = {
  name: NAME,
  summary: 'real casync: casync make into an index and chunk store served over HTTP, casync extract --seed=<replica> fetching what it lacks through the metered channel',
  options: OPTIONS,
  needsWriteTrace: false,
  external: true,
  unavailable: () => missingTools(NAME, TOOLS),

  sender(ctx, o): Half {
    const sizes = chunkSizes(o)
    let index: IndexChunk[] = []
    const publish = async (dir: string) => {
      // TMPDIR: casync's temporary files go in this half's folder, not /var/tmp (see the receiver).
      const vol = volumeAsFile(ctx.source, join(dir, 'vol'))
      const argv = ['env', `TMPDIR=${dir}`, 'casync', 'make', `--chunk-size=${sizes.join(':')}`, `--compression=${o.compression}`, `--digest=${o.digest}`, '--store=store', 'vol.caibx', 'vol']
      // Cached in the fuzzer (tool-cache.ts): a blob's index and chunk store depend only on its bytes and argv.
      const run = await runToolCached(NAME, argv, { dir, cwd: dir, inputs: [vol], outputs: [join(dir, 'vol.caibx'), join(dir, 'store')] })
      ctx.telemetry.chargeChildCpu(run.cpuMs)
      ctx.telemetry.set('effective_block_size', sizes[1])
      index = indexChunks(readFileSync(join(dir, 'vol.caibx')))
      return true
    }
    const report = (served: readonly Served[]) => {
      const fetched = new Set<string>()
      for (const s of served) {
        const m = CHUNK_PATH.exec(s.path)
        if (m && s.status === 200) fetched.add(m[1]!)
      }
      let literal = 0
      const counted = new Set<string>()
      for (const c of index) {
        if (!fetched.has(c.digest)) ctx.telemetry.add('block_matches', 1)
        else if (!counted.has(c.digest)) {
          counted.add(c.digest) // a chunk that repeats in the index is fetched once
          literal += c.size
        }
      }
      ctx.telemetry.add('literal_data', literal)
      ctx.telemetry.add('matched_data', ctx.source.size - literal)
    }
    return httpServerHalf(NAME, publish, report)
  },

  receiver(ctx, o): Half {
    chunkSizes(o)
    return httpClientHalf(NAME, ctx, (dir, port) => {
      volumeAsFile(ctx.replica, join(dir, 'seed'))
      const url = `http://127.0.0.1:${port}`
      // --seed-output=no: the output starts empty; --reflink=no: copies from the seed are plain writes.
      // TMPDIR: casync keeps its temporary files (*.caidx, *.carem, *.cased) in $TMPDIR, else /var/tmp, and a
      // casync killed mid-sync (a tampered transfer) leaves them there: in the half's own folder they go with it.
      return ['env', '-u', 'http_proxy', '-u', 'HTTP_PROXY', '-u', 'all_proxy', '-u', 'ALL_PROXY', `TMPDIR=${dir}`, 'casync', 'extract', `--store=${url}/store/`, '--seed=seed', '--seed-output=no', '--reflink=no', `${url}/vol.caibx`, 'out']
    })
  },
}

/** [min, avg, max] for casync --chunk-size, with casync's avg/4 and avg·4 for a 0; ConfigError when out of order. */
export function chunkSizes(o: CasyncOptions): [number, number, number] {
  checkOptions(NAME, OPTIONS, o)
  // Moved in rather than refused, so a sweep that runs 1 B or 7 B for other strategies still runs casync.
  const avg = Math.min(MAX_AVG, Math.max(MIN_AVG, o.blockSize))
  const min = o.min || Math.max(LIMIT_MIN, Math.floor(avg / 4))
  const max = o.max || Math.min(LIMIT_MAX, avg * 4)
  if (!(min <= avg && avg <= max)) {
    throw new ConfigError(`${NAME}: chunk sizes ${min}:${avg}:${max} (min:avg:max) must satisfy min ≤ avg ≤ max: set casync.min/casync.max to 0 for casync's own avg/4 and avg·4`)
  }
  return [min, avg, max]
}

interface IndexChunk {
  readonly digest: string
  readonly size: number
}

/**
 * The chunks of a casync blob index (.caibx): after the 48-byte index header and the 16-byte table
 * header, 40-byte items (the chunk's end offset, u64 LE; its 32-byte digest) until an end offset of 0.
 * (strategies/cdc/caibx.ts reads the same format, but one strategy family may not import another.)
 */
export function indexChunks(bytes: Uint8Array): IndexChunk[] {
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const out: IndexChunk[] = []
  let prev = 0
  for (let o = 64; o + 40 <= b.length; o += 40) {
    const end = Number(b.readBigUInt64LE(o))
    if (end === 0) return out
    out.push({ digest: b.subarray(o + 8, o + 40).toString('hex'), size: end - prev })
    prev = end
  }
  throw new ToolError(`${NAME}: vol.caibx has no table tail after ${out.length} chunks: not a casync blob index`)
}
