import { chmodSync, utimesSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { ConfigError, WireFormatError, ToolError } from '../../core/errors.ts'
import { defineOptions, type OptionsOf } from '../../core/options.ts'
import { blockSizeOption, type Frame, type Half, type Strategy } from '../../core/strategy.ts'
import { unknownFrame } from '../shared/block-stream.ts'
import { fileIntoStage, missingTools, toolHalf, volumeAsFile } from './child-tool.ts'
import { LiveTool } from './live-tool.ts'
import { FRAME_PAYLOAD_LIMIT } from '../../core/wire.ts'
import { RSYNC_MAX_BLOCK } from '../shared/block-size-rules.ts'
import { checkCompressOptions, compressFlags, isCompressServerOption, RSYNC_COMPRESS_OPTIONS } from './rsync-compress.ts'

const OPTIONS = defineOptions({
  // The 128 KiB limit applies only with blockRule fixed, so checkOptions below holds it.
  blockSize: blockSizeOption('block size (-B) when blockRule is fixed; at most 128 KiB'),
  blockRule: { type: 'enum', choices: ['fixed', 'rsync'], default: 'fixed', description: "fixed (-B blockSize) or rsync (no -B: rsync's own rule)" },
  ...RSYNC_COMPRESS_OPTIONS,
})
export type RsyncOptions = OptionsOf<typeof OPTIONS>

/** Modification time given to rsync's files (2020-01-01): rsync puts it on the wire. */
const FIXED_MTIME = 1_577_836_800

const NAME = 'rsync'
const TOOLS = [{ cmd: 'rsync', apt: 'rsync' }]
const TAG_COMMAND = 0x43 // 'C': the server command line, as ssh would carry it
const TAG_STREAM = 0x44 // 'D': bytes of rsync's own protocol stream
const TAG_HANGUP = 0x58 // 'X': the server exited (ssh's channel close)
/** Longest server command line a receiver accepts. */
const MAX_COMMAND = 4096

/**
 * rsync's remote shell: hands the server command line (fd 5, ending in an empty line) and both directions
 * of the protocol stream (fds 3 and 4) to the sender half, and hangs up when the peer does, as ssh would.
 */
const RELAY = `#!/bin/sh
printf '%s\\n' "$@" >&5
printf '\\n' >&5
exec 6<&0
cat <&6 >&4 &
cat <&3
kill $! 2>/dev/null
`

/** Server options the receiver will run (anything else in the command line is refused). */
const LONG_OPTIONS = new Set(['--stats', '--no-whole-file', '--ignore-times'])

/**
 * Real rsync, client and server, with its protocol stream relayed through the metered channel: the
 * sender half runs `rsync -I --no-whole-file --stats -B <bs> [--compress --compress-choice=C
 * --compress-level=L] -e <relay> source deltabench:vol` on its
 * source; the relay passes the server command line and every byte rsync writes to the channel; the
 * receiver half runs that `rsync --server` command on a copy of its replica and stages the result.
 * So bytes are rsync's real wire bytes as the channel counts them (a little more than rsync's own
 * "Total bytes sent/received", which it takes before the last messages); literal and matched data are
 * rsync's own --stats. Downstream frames count as literal, upstream as signature (the generator's sums).
 */
export const rsync: Strategy<RsyncOptions, undefined> = {
  name: NAME,
  summary: 'real rsync (client and --server) with its protocol stream relayed through the metered channel',
  options: OPTIONS,
  needsWriteTrace: false,
  // A rule that picks the block size from the volume makes the sweep's block size irrelevant.
  ignoresBlockSize: (o) => o.blockRule !== 'fixed',
  external: true,
  unavailable: () => missingTools(NAME, TOOLS),
  validate: (o) => checkCompressOptions(NAME, o),

  sender(ctx, o): Half {
    checkOptions(o)
    let tool: LiveTool | undefined
    let command: Promise<string[]> | undefined
    let commandSent = false
    let stdout = ''
    return toolHalf(
      'rsync-send',
      async (inbox, step) => {
        if (!tool) {
          const dir = step.dir
          const relay = join(dir, 'relay.sh')
          writeFileSync(relay, RELAY)
          chmodSync(relay, 0o755)
          const source = volumeAsFile(ctx.source, join(dir, 'vol'))
          // rsync sends the file's mtime: a fixed one keeps the bytes the same on every run.
          utimesSync(source, FIXED_MTIME, FIXED_MTIME)
          const bs = o.blockRule === 'fixed' ? ['-B', String(o.blockSize)] : []
          const t = new LiveTool(['rsync', '-I', '--no-whole-file', '--stats', '--blocking-io', ...bs, ...compressFlags(o), '-e', relay, source, 'deltabench:vol'], ['ignore', 'pipe', 'pipe', 'pipe', 'pipe', 'pipe'], 3, 4, dir)
          tool = t
          t.child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()))
          command = new Promise<string[]>((resolve, reject) => {
            let text = ''
            ;(t.child.stdio as unknown as NodeJS.ReadableStream[])[5]!.on('data', (d: Buffer) => {
              text += d.toString()
              if (text.endsWith('\n\n')) resolve(text.slice(0, -2).split('\n'))
            })
            t.exit.then((e) => reject(new ToolError(`${NAME}: rsync exited before starting its remote shell: ${e.stderr || `exit ${e.code}`}`)), reject)
          })
        }
        let hungUp = false
        for (const f of inbox) {
          if (f[0] === TAG_STREAM) tool.send(f.subarray(1))
          else if (f.length === 1 && f[0] === TAG_HANGUP) hungUp = true
          else throw unknownFrame(NAME, f)
        }
        if (hungUp) {
          // The server is gone: let the client finish; anything it still writes has nowhere to go.
          tool.endInput()
          const e = await tool.exit
          if (e.code !== 0) throw new ToolError(`${NAME}: rsync client failed (${e.signal ?? `exit ${e.code}`}): ${e.stderr || 'no message'}`)
          ctx.telemetry.chargeChildCpu(e.cpuMs)
          ctx.telemetry.add('literal_data', statsNumber(stdout, 'Literal data'))
          ctx.telemetry.add('matched_data', statsNumber(stdout, 'Matched data'))
          step.finish()
          return []
        }
        const frames: Frame[] = []
        if (!commandSent) {
          const argv = await command!
          commandSent = true
          const text = Buffer.from(argv.join('\0'))
          const bytes = new Uint8Array(1 + text.length)
          bytes[0] = TAG_COMMAND
          bytes.set(text, 1)
          frames.push({ bytes, kind: 'control' })
        }
        await tool.settle(inbox.length > 0)
        frames.push(...streamFrames(tool.take(), 'literal'))
        if (tool.exited) {
          const e = tool.exited
          throw new ToolError(`${NAME}: rsync client exited before the server (${e.signal ?? `exit ${e.code}`}): ${e.stderr || 'no message'}`)
        }
        return frames
      },
      () => tool?.kill(),
    )
  },

  receiver(ctx, o): Half {
    checkOptions(o)
    let tool: LiveTool | undefined
    let replica: string | undefined
    return toolHalf(
      'rsync-recv',
      async (inbox, step) => {
        for (const f of inbox) {
          if (f[0] === TAG_COMMAND) {
            if (tool) throw new WireFormatError(NAME, 'a second server command line')
            replica = volumeAsFile(copyOf(ctx.replica), join(step.dir, 'vol'))
            utimesSync(replica, FIXED_MTIME - 1, FIXED_MTIME - 1)
            tool = new LiveTool(serverCommand(f, replica), ['pipe', 'pipe', 'pipe'], 0, 1, step.dir)
          } else if (f[0] === TAG_STREAM) {
            if (!tool) throw new WireFormatError(NAME, 'stream bytes before the server command line')
            tool.send(f.subarray(1))
          } else {
            throw unknownFrame(NAME, f)
          }
        }
        if (!tool) return []
        await tool.settle(inbox.length > 0)
        const frames = streamFrames(tool.take(), 'signature')
        const e = tool.exited
        if (!e) return frames
        if (e.code !== 0) throw new ToolError(`${NAME}: rsync server failed (${e.signal ?? `exit ${e.code}`}): ${e.stderr || 'no message'}`)
        ctx.telemetry.chargeChildCpu(e.cpuMs)
        fileIntoStage(replica!, ctx.staged, ctx.replica)
        step.finish()
        return [...frames, { bytes: Uint8Array.of(TAG_HANGUP), kind: 'control' }]
      },
      () => tool?.kill(),
    )
  },
}

function checkOptions(o: RsyncOptions): void {
  if (o.blockRule === 'fixed' && (!Number.isSafeInteger(o.blockSize) || o.blockSize < 1 || o.blockSize > RSYNC_MAX_BLOCK)) {
    throw new ConfigError(`${NAME}: block size ${o.blockSize} is outside rsync's 1 B-128 KiB (use blockRule rsync, or a smaller block)`)
  }
  checkCompressOptions(NAME, o) // again for library callers that skip the run's validation
}

/** A view that makes volumeAsFile always write a copy: rsync rewrites its destination file. */
function copyOf(v: { size: number; read(o: number, n: number): Uint8Array }): { size: number; read(o: number, n: number): Uint8Array } {
  return { size: v.size, read: (off, n) => v.read(off, n) }
}

/**
 * The server command from the client's remote-shell arguments (host, "rsync", "--server", options,
 * ".", destination), checked option by option, with the destination replaced by this receiver's file.
 */
function serverCommand(frame: Uint8Array, replica: string): string[] {
  if (frame.length > MAX_COMMAND) throw new WireFormatError(NAME, `a server command line of ${frame.length} bytes (most ${MAX_COMMAND})`)
  const argv = Buffer.from(frame.subarray(1)).toString().split('\0')
  const [, prog, server, ...rest] = argv
  const dot = rest.indexOf('.')
  if (prog !== 'rsync' || server !== '--server' || dot < 0 || dot !== rest.length - 2) throw new WireFormatError(NAME, `not an rsync server command: ${argv.slice(1).join(' ')}`)
  const options = rest.slice(0, dot)
  for (const a of options) {
    if (!/^-[A-Za-z0-9.]+$/.test(a) && !LONG_OPTIONS.has(a) && !isCompressServerOption(a)) throw new WireFormatError(NAME, `refusing server option ${JSON.stringify(a)}`)
  }
  return ['rsync', '--server', ...options, '.', replica]
}

/** rsync's stream bytes in frames of at most 1 MiB. */
function streamFrames(chunks: Uint8Array[], kind: 'literal' | 'signature'): Frame[] {
  const frames: Frame[] = []
  let total = 0
  for (const c of chunks) total += c.length
  let ci = 0
  let co = 0
  while (total > 0) {
    const n = Math.min(FRAME_PAYLOAD_LIMIT, total)
    const bytes = new Uint8Array(1 + n)
    bytes[0] = TAG_STREAM
    for (let at = 1; at <= n; ) {
      const c = chunks[ci]!
      const take = Math.min(c.length - co, n + 1 - at)
      bytes.set(c.subarray(co, co + take), at)
      at += take
      co += take
      if (co === c.length) {
        ci++
        co = 0
      }
    }
    frames.push({ bytes, kind, split: { [kind]: n, control: 1 } })
    total -= n
  }
  return frames
}

/** A number from rsync's --stats output ("Literal data: 1,234 bytes"), 0 if absent. */
function statsNumber(stdout: string, label: string): number {
  const m = new RegExp(`${label}: ([\\d,]+)`).exec(stdout)
  return m ? Number(m[1]!.replace(/,/g, '')) : 0
}
