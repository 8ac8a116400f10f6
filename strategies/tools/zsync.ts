import { utimesSync } from 'node:fs'
import { join } from 'node:path'
import { ConfigError } from '../../core/errors.ts'
import { checkOptions, defineOptions, type OptionsOf } from '../../core/options.ts'
import { blockSizeOption, type Half, type Strategy } from '../../core/strategy.ts'
import { missingTools, runTool, volumeAsFile } from './child-tool.ts'
import type { Served } from './http-file-server.ts'
import { httpClientHalf, httpServerHalf } from './http-peer.ts'

/** zsyncmake takes a power of two; below 256 B its control file outweighs any saving. */
const MIN_BLOCK = 256
const MAX_BLOCK = 1 << 20

const OPTIONS = defineOptions({
  blockSize: blockSizeOption('zsyncmake -b: a power of two from 256 B to 1 MiB'),
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
    checkZsync(o)
    const publish = async (dir: string) => {
      const vol = volumeAsFile(ctx.source, join(dir, 'vol'))
      utimesSync(vol, FIXED_MTIME, FIXED_MTIME)
      // -Z: a volume that starts like a gzip member would otherwise be described (and rebuilt) decompressed.
      const run = await runTool(NAME, ['zsyncmake', '-Z', '-b', String(o.blockSize), '-u', 'vol', '-f', 'vol', '-o', 'vol.zsync', 'vol'], dir)
      ctx.telemetry.chargeChildCpu(run.cpuMs)
      ctx.telemetry.set('effective_block_size', o.blockSize)
    }
    // The new version's bytes zsync fetched (the rest of the responses is the control file and HTTP).
    const report = (served: readonly Served[]) => ctx.telemetry.add('literal_data', served.filter((s) => s.path === '/vol').reduce((n, s) => n + s.bytes, 0))
    return httpServerHalf(NAME, publish, report)
  },

  receiver(ctx, o): Half {
    checkZsync(o)
    return httpClientHalf(NAME, ctx, (dir, port) => {
      volumeAsFile(ctx.replica, join(dir, 'seed'))
      return [...NO_PROXY, 'zsync', '-q', '-i', 'seed', '-o', 'out', `http://127.0.0.1:${port}/vol.zsync`]
    })
  },
}

function checkZsync(o: ZsyncOptions): void {
  checkOptions(NAME, OPTIONS, o)
  const b = o.blockSize
  if (b < MIN_BLOCK || b > MAX_BLOCK || (b & (b - 1)) !== 0) {
    throw new ConfigError(`${NAME}: block size ${b} is not a power of two from ${MIN_BLOCK} B to ${MAX_BLOCK / 1024} KiB (zsyncmake -b): use e.g. --block-sizes 1KiB,4KiB,16KiB,64KiB`)
  }
}

