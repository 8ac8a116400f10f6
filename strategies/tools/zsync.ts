import { utimesSync } from 'node:fs'
import { join } from 'node:path'
import { checkOptions, defineOptions, type OptionsOf } from '../../core/options.ts'
import { blockSizeOption, type Half, type Strategy } from '../../core/strategy.ts'
import { missingTools, volumeAsFile } from './child-tool.ts'
import { runToolCached } from '../shared/tool-cache.ts'
import type { Served } from './http-file-server.ts'
import { httpClientHalf, httpServerHalf } from './http-peer.ts'

/** zsyncmake takes a power of two; below 256 B its control file outweighs any saving, above 1 MiB a change costs a megabyte. */
const MIN_BLOCK = 256
const MAX_BLOCK = 1 << 20

const OPTIONS = defineOptions({
  blockSize: blockSizeOption('zsyncmake -b: the largest power of two at most the block size, within 256 B-1 MiB (a sweep value outside is moved in; the size used is in effective_block_size)'),
})
export type ZsyncOptions = OptionsOf<typeof OPTIONS>

const NAME = 'zsync'
const TOOLS = [
  { cmd: 'zsync', apt: 'zsync' },
  { cmd: 'zsyncmake', apt: 'zsync' },
]
/** The file's modification time (2020-01-01): zsyncmake writes it into the control file. */
const FIXED_MTIME = 1_577_836_800
/** zsync honours these; a proxy would take the requests off the relay. */
const NO_PROXY = ['env', '-u', 'http_proxy', '-u', 'HTTP_PROXY', '-u', 'https_proxy', '-u', 'all_proxy', '-u', 'ALL_PROXY']

/**
 * Real zsync: the sender runs `zsyncmake -b <block size>` on the new version and serves it and its
 * .zsync control file over HTTP on 127.0.0.1; the receiver runs the `zsync` client with its replica as
 * the seed (-i). The client's TCP connections are relayed through the metered channel
 * (http-relay.ts), so the bytes are what zsync really fetches, HTTP requests and headers included:
 * the control file (zsync's per-block checksums, rsync's signature turned around) and the byte ranges
 * of the blocks the seed lacks. Requests count as control, responses as literal.
 */
export const zsync: Strategy<ZsyncOptions, undefined> = {
  name: NAME,
  summary: 'real zsync: zsyncmake on the new version served over HTTP, the zsync client fetching through the metered channel with the replica as seed',
  options: OPTIONS,
  needsWriteTrace: false,
  external: true,
  unavailable: () => missingTools(NAME, TOOLS),

  sender(ctx, o): Half {
    const bs = zsyncBlockSize(o)
    const publish = async (dir: string) => {
      if (ctx.source.size === 0) return false // zsync's client refuses the control file of an empty file
      const vol = volumeAsFile(ctx.source, join(dir, 'vol'))
      utimesSync(vol, FIXED_MTIME, FIXED_MTIME)
      // -Z: a volume that starts like a gzip member would otherwise be described (and rebuilt) decompressed.
      // Cached in the fuzzer (tool-cache.ts): the control file depends only on these bytes, the fixed mtime and argv.
      const argv = ['zsyncmake', '-Z', '-b', String(bs), '-u', 'vol', '-f', 'vol', '-o', 'vol.zsync', 'vol']
      const run = await runToolCached(NAME, argv, { dir, cwd: dir, inputs: [vol], outputs: [join(dir, 'vol.zsync')] })
      ctx.telemetry.chargeChildCpu(run.cpuMs)
      ctx.telemetry.set('effective_block_size', bs)
      return true
    }
    // The new version's bytes zsync fetched (the rest of the responses is the control file and HTTP).
    const report = (served: readonly Served[]) => ctx.telemetry.add('literal_data', served.filter((s) => s.path === '/vol').reduce((n, s) => n + s.bytes, 0))
    return httpServerHalf(NAME, publish, report)
  },

  receiver(ctx, o): Half {
    zsyncBlockSize(o)
    return httpClientHalf(NAME, ctx, (dir, port) => {
      volumeAsFile(ctx.replica, join(dir, 'seed'))
      return [...NO_PROXY, 'zsync', '-q', '-i', 'seed', '-o', 'out', `http://127.0.0.1:${port}/vol.zsync`]
    })
  },
}

/**
 * zsyncmake's -b for a sweep's block size: the largest power of two at most it, within 256 B-1 MiB.
 * Moved in rather than refused, so a matrix that sweeps 1 B or 7 B for other strategies still runs
 * zsync (at 256 B); the row's effective_block_size says which size it used.
 */
export function zsyncBlockSize(o: ZsyncOptions): number {
  checkOptions(NAME, OPTIONS, o)
  const pow = 2 ** Math.floor(Math.log2(o.blockSize))
  return Math.min(MAX_BLOCK, Math.max(MIN_BLOCK, pow))
}

