import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { ConfigError } from '../../core/errors.ts'
import { checkOptions, defineOptions, type OptionsOf } from '../../core/options.ts'
import { blockSizeOption, type Frame, type Half, type Strategy } from '../../core/strategy.ts'
import { STEP_BUDGET, unknownFrame } from '../shared/block-stream.ts'
import { fileIntoStage, missingTools, toolHalf, volumeAsFile, type ToolStep } from './child-tool.ts'
import { runToolCached } from '../shared/tool-cache.ts'
import { FileFrameStream, FileReceiver, fileFrames } from './file-frames.ts'
import { layoutKinds, readDeltaLayout } from './rdiff-delta-format.ts'

const OPTIONS = defineOptions({
  blockSize: blockSizeOption('block size (-b) when blockRule is fixed'),
  blockRule: { type: 'enum', choices: ['fixed', 'librsync'], default: 'fixed', description: "fixed (-b blockSize) or librsync (-b 0: rdiff's own rule from the file size)" },
  strongBytes: { type: 'number', integer: true, min: -1, max: 32, default: 0, description: "strong-sum bytes (-S): 0 rdiff's default (full digest), -1 its recommended minimum; at most 16 for md4" },
  hash: { type: 'enum', choices: ['blake2', 'md4'], default: 'blake2', description: 'strong hash (-H)' },
  rollsum: { type: 'enum', choices: ['rabinkarp', 'rollsum'], default: 'rabinkarp', description: 'rolling sum (-R)' },
})
export type RdiffOptions = OptionsOf<typeof OPTIONS>

const NAME = 'rdiff'
const TOOLS = [{ cmd: 'rdiff', apt: 'rdiff' }]
/** Largest signature or delta file a half accepts (1 TiB). */
const MAX_FILE = 2 ** 40

/**
 * librsync's rdiff run as a child process on temp files: the receiver runs `rdiff signature` on its
 * replica and sends the signature file; the sender runs `rdiff delta` against its source and sends the
 * delta file; the receiver runs `rdiff patch` and stages the result. Bytes on the wire are the two files
 * (plus frame headers); CPU is the children's, as the kernel measured it, plus this process's own.
 */
export const rdiff: Strategy<RdiffOptions, undefined> = {
  name: NAME,
  summary: "librsync's rdiff (signature, delta, patch) as a child process: the rsync-family reference",
  options: OPTIONS,
  needsWriteTrace: false,
  // A rule that picks the block size from the volume makes the sweep's block size irrelevant.
  ignoresBlockSize: (o) => o.blockRule !== 'fixed',
  validate(o) {
    const digest = o.hash === 'md4' ? 16 : 32
    if (o.strongBytes > digest) throw new ConfigError(`${NAME}: strongBytes ${o.strongBytes} is longer than ${o.hash}'s ${digest}-byte digest; use at most ${digest} (e.g. --opt ${NAME}.strongBytes=${digest}), or hash blake2`)
  },
  external: true,
  unavailable: () => missingTools(NAME, TOOLS),

  sender(ctx, o): Half {
    checkOptions(NAME, OPTIONS, o)
    let sig: FileReceiver | undefined
    /** The delta on its way, handed over STEP_BUDGET bytes a step so a big one is never held whole. */
    let delta: FileFrameStream | undefined
    const more = (stream: FileFrameStream, step: ToolStep): Frame[] => {
      const frames = stream.next(STEP_BUDGET)
      if (stream.done) step.finish()
      return frames
    }
    return toolHalf('rdiff-send', async (inbox, step) => {
      if (delta) {
        if (inbox.length > 0) throw unknownFrame(NAME, inbox[0]!) // the receiver speaks again only when it has it all
        return more(delta, step)
      }
      if (inbox.length === 0) return []
      const sigFile = (sig ??= new FileReceiver(NAME, join(step.dir, 'sig'), MAX_FILE))
      for (const f of inbox) if (!sigFile.accept(f)) throw unknownFrame(NAME, f)
      if (!sigFile.complete) return []
      const source = volumeAsFile(ctx.source, join(step.dir, 'source'))
      const deltaPath = join(step.dir, 'delta')
      const run = await runToolCached(NAME, ['rdiff', '-f', 'delta', sigFile.path, source, deltaPath], { dir: step.dir, inputs: [sigFile.path, source], outputs: [deltaPath] })
      ctx.telemetry.chargeChildCpu(run.cpuMs)
      const layout = readDeltaLayout(deltaPath)
      ctx.telemetry.add('literal_data', layout.literalData)
      ctx.telemetry.add('matched_data', layout.matchedData)
      delta = new FileFrameStream(deltaPath, 'literal', layoutKinds(layout))
      return more(delta, step)
    })
  },

  receiver(ctx, o): Half {
    checkOptions(NAME, OPTIONS, o)
    let replica: string | undefined
    let delta: FileReceiver | undefined
    return toolHalf('rdiff-recv', async (inbox, step) => {
      if (!replica) {
        replica = volumeAsFile(ctx.replica, join(step.dir, 'replica'))
        const sigPath = join(step.dir, 'sig')
        const b = o.blockRule === 'librsync' ? 0 : o.blockSize
        const argv = ['rdiff', '-f', '-b', String(b), '-S', String(o.strongBytes), '-H', o.hash, '-R', o.rollsum, 'signature', replica, sigPath]
        const run = await runToolCached(NAME, argv, { dir: step.dir, inputs: [replica], outputs: [sigPath] })
        ctx.telemetry.chargeChildCpu(run.cpuMs)
        // The signature header (magic, block length, strong length; big-endian) names what rdiff chose.
        const head = readFileSync(sigPath).subarray(0, 12)
        const dv = new DataView(head.buffer, head.byteOffset, head.length)
        ctx.telemetry.set('effective_block_size', dv.getUint32(4))
        ctx.telemetry.set('strong_bytes', dv.getUint32(8))
        delta = new FileReceiver(NAME, join(step.dir, 'delta'), MAX_FILE)
        return fileFrames(sigPath, 'signature')
      }
      for (const f of inbox) if (!delta!.accept(f)) throw unknownFrame(NAME, f)
      if (!delta!.complete) return []
      const out = join(step.dir, 'out')
      const run = await runToolCached(NAME, ['rdiff', '-f', 'patch', replica, delta!.path, out], { dir: step.dir, inputs: [replica, delta!.path], outputs: [out] })
      ctx.telemetry.chargeChildCpu(run.cpuMs)
      fileIntoStage(out, ctx.staged, ctx.replica)
      step.finish()
      return []
    })
  },
}

