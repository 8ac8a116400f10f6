import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { ProtocolError, ToolError, WireFormatError } from '../../core/errors.ts'
import { checkOptions, defineOptions, type OptionsOf } from '../../core/options.ts'
import type { Frame, Half, ReceiverContext, SenderContext, Strategy, Telemetry } from '../../core/strategy.ts'
import type { ReadonlyVolume } from '../../core/volume.ts'
import { makeTempDir, removeTempDir } from '../../core/temp-dir.ts'
import { FrameReader } from '../../core/wire.ts'
import { blockSizeFor } from '../shared/block-size-rules.ts'
import { missingTools } from '../shared/tool-process.ts'
import { CODEC_TOOLS, CONTEXT_CODECS, decodeIn, encodeIn, runCodec, type CodecJob } from './context-codec.ts'
import { channelBytes, codedFrames, contextFrame, readContext, rebuildDelta, splitDelta, TAG_CODED, TAG_CONTEXT, TAG_OPS } from './context-frames.ts'
import { matchedRanges, writePieces, writeReference, type Geometry } from './context-reference.ts'
import { TAG_END, TAG_TARGET } from './rolling-delta.ts'
import { checkStrongBytes } from '../shared/strong-hash.ts'
import { TAG_SIG_HEADER } from './rolling-signature.ts'
import { RSYNC_ROLLING_OPTIONS, rsyncRolling } from './rsync-rolling.ts'

const NAME = 'rsync-context'
const OPTIONS = defineOptions({
  ...RSYNC_ROLLING_OPTIONS,
  codec: { type: 'enum', choices: CONTEXT_CODECS, default: 'zstd', description: 'codes the literal runs against the matched context: zstd (R as --patch-from reference, --long) or xdelta3 (VCDIFF, R as source)' },
  zstdLevel: { type: 'number', integer: true, min: 1, max: 19, default: 19, description: "zstd's level (-1 to -19) when codec is zstd" },
  xdelta3Level: { type: 'number', integer: true, min: 0, max: 9, default: 9, description: "xdelta3's level (-0 to -9) when codec is xdelta3" },
})
export type RsyncContextOptions = OptionsOf<typeof OPTIONS>

/**
 * rsync-rolling's matching, then its literal runs coded against the matched context R (the matched blocks'
 * content in the new version's order, which both sides can build: context-reference.ts) by zstd or xdelta3
 * as a child process, its CPU charged to the side that runs it. The halves are rsync-rolling's own, wrapped:
 * the sender's delta stream is rewritten (context-frames.ts) and the receiver's restored before
 * rsync-rolling's receiver applies it, so the digest, the redo pass and the sums cache are the family's.
 * When the coded form would cost as many bytes as the plain one or more, the plain stream goes as it is.
 */
export const rsyncContext: Strategy<RsyncContextOptions, undefined> = {
  name: NAME,
  summary: 'rsync-rolling, with its literal runs coded against the matched blocks (zstd --patch-from or xdelta3 -s, child process); plain when that is not smaller',
  options: OPTIONS,
  needsWriteTrace: false,
  // A child process per sync: a baseline-like cost, so it stays out of the default matrix.
  external: true,
  unavailable: () => missingTools(NAME, Object.values(CODEC_TOOLS)),
  ignoresBlockSize: (o) => o.blockRule !== 'fixed',
  validate: (o) => checkStrongBytes(NAME, o),

  async sender(ctx, o): Promise<Half> {
    checkOptions(NAME, OPTIONS, o)
    const inner = await rsyncRolling.sender(ctx, o)
    let geometry: Geometry | undefined
    return {
      get done() {
        return inner.done
      },
      async step(inbox): Promise<Frame[]> {
        for (const f of inbox) if (f[0] === TAG_SIG_HEADER) geometry = signatureGeometry(f)
        const out = await inner.step(inbox)
        if (!out.some((f) => f.bytes[0] === TAG_TARGET)) return out
        // A pass has started: take its whole delta stream (the scan yields every few MiB), then code it.
        const batch = [...out]
        while (batch[batch.length - 1]!.bytes[0] !== TAG_END) {
          const more = await inner.step([])
          if (more.length === 0) throw new ProtocolError(NAME, 'the delta stream stopped before its END frame')
          batch.push(...more)
        }
        if (!geometry) throw new ProtocolError(NAME, 'a delta before any signature header')
        return contextBatch(ctx, o, geometry, batch)
      },
    }
  },

  receiver: (ctx, o) => contextReceiver(ctx, o),
}

/**
 * The receiver half: rsync-rolling's, fed the plain frames a ContextRestorer gives back. `reference` is
 * where R is read from: the replica, or (in a test) a volume that differs from it, to show a wrong R is caught.
 */
export async function contextReceiver(ctx: ReceiverContext, o: RsyncContextOptions, reference: ReadonlyVolume = ctx.replica): Promise<Half> {
  checkOptions(NAME, OPTIONS, o)
  // Checked here, since a decoder that fails is otherwise taken for a wrong R (see ContextRestorer.decode).
  const missing = missingTools(NAME, [CODEC_TOOLS[o.codec]])
  if (missing) throw new ToolError(missing)
  const inner = await rsyncRolling.receiver(ctx, o)
  const restore = new ContextRestorer(reference, ctx.telemetry, o)
  return {
    get done() {
      return inner.done
    },
    async step(inbox): Promise<Frame[]> {
      const plain: Uint8Array[] = []
      for (const f of inbox) plain.push(...(await restore.accept(f)))
      return inner.step(plain)
    },
  }
}

/** The replica's size and block size from a signature header (rsync-rolling's own reader checks the rest). */
function signatureGeometry(frame: Uint8Array): Geometry {
  const r = new FrameReader(NAME, frame)
  r.u8()
  r.varint() // pass
  const size = r.varint()
  const blockSize = r.varint()
  if (blockSize < 1) r.fail('block size 0')
  return { size, blockSize }
}

function jobFor(o: RsyncContextOptions, refSize: number, literalSize: number): CodecJob {
  return { codec: o.codec, level: o.codec === 'zstd' ? o.zstdLevel : o.xdelta3Level, refSize, literalSize }
}

/**
 * The sender's delta stream (TARGET, DELTA…, END) in its context-coded form, or as it is when that is not
 * smaller (no literals, or literals the codec cannot shrink below their plain cost).
 */
async function contextBatch(ctx: SenderContext, o: RsyncContextOptions, g: Geometry, batch: Frame[]): Promise<Frame[]> {
  const split = splitDelta(NAME, batch.slice(1, -1).map((f) => f.bytes))
  if (split.literalSize === 0) return batch
  const dir = makeTempDir(`${NAME}-send`)
  try {
    const m = matchedRanges(NAME, split.ops.map((f) => f.bytes), g)
    const ref = m.refSize > 0 ? join(dir, 'ref') : undefined
    if (ref) writeReference(ref, m.ranges, (r, off, len) => ctx.source.read(r.at + off, len))
    writePieces(join(dir, 'lit'), split.literals)
    const job = jobFor(o, m.refSize, split.literalSize)
    ctx.telemetry.chargeChildCpu(await runCodec(NAME, encodeIn(dir, job, ref)))
    const coded = readFileSync(join(dir, 'coded'))
    const frames = [batch[0]!, contextFrame(job, coded.length), ...split.ops, ...codedFrames(coded), batch[batch.length - 1]!]
    return channelBytes(frames) < channelBytes(batch) ? frames : batch
  } finally {
    removeTempDir(dir)
  }
}

/** A context-coded stream on its way in: CONTEXT, OPS and CODED frames held until END. */
interface Pending {
  job: Omit<CodecJob, 'refSize'>
  codedSize: number
  ops: Uint8Array[]
  coded: Uint8Array[]
}

/** The receiver's side: turns a context-coded stream back into rsync-rolling's plain DELTA frames. */
class ContextRestorer {
  private targetSize = 0
  private pending: Pending | undefined

  constructor(
    private readonly reference: ReadonlyVolume,
    private readonly telemetry: Telemetry,
    private readonly o: RsyncContextOptions,
  ) {}

  /** The plain frames `frame` stands for: itself, nothing (held), or at END the restored DELTA frames and END. */
  async accept(frame: Uint8Array): Promise<Uint8Array[]> {
    const tag = frame[0]
    if (tag === TAG_TARGET) {
      const r = new FrameReader(NAME, frame)
      r.u8()
      r.varint()
      this.targetSize = r.varint()
      this.pending = undefined
      return [frame]
    }
    if (tag === TAG_CONTEXT) {
      if (this.pending) throw new WireFormatError(NAME, 'a second context header in one pass')
      this.pending = { ...readContext(NAME, frame, this.targetSize), ops: [], coded: [] }
      return []
    }
    const p = this.pending
    if (!p) return [frame]
    if (tag === TAG_OPS) p.ops.push(frame)
    else if (tag === TAG_CODED) p.coded.push(frame.subarray(1))
    else if (tag === TAG_END) {
      this.pending = undefined
      return [...(await this.restore(p)), frame]
    } else throw new WireFormatError(NAME, `frame tag ${tag} inside a context-coded stream`)
    return []
  }

  /** Builds R from the replica, decodes the literals against it and puts them back into the ops. */
  private async restore(p: Pending): Promise<Uint8Array[]> {
    const rep = this.reference
    const m = matchedRanges(NAME, p.ops, { size: rep.size, blockSize: blockSizeFor(this.o.blockRule, rep.size, this.o.blockSize) })
    if (m.literalSize !== p.job.literalSize) throw new WireFormatError(NAME, `the ops hold ${m.literalSize} literal bytes, the header says ${p.job.literalSize}`)
    const got = p.coded.reduce((n, c) => n + c.length, 0)
    if (got !== p.codedSize) throw new WireFormatError(NAME, `${got} coded bytes arrived, the header says ${p.codedSize}`)
    const dir = makeTempDir(`${NAME}-recv`)
    try {
      const ref = m.refSize > 0 ? join(dir, 'ref') : undefined
      if (ref) writeReference(ref, m.ranges, (r, off, len) => rep.read(r.from + off, len))
      writePieces(join(dir, 'coded'), p.coded)
      const literals = await this.decode({ ...p.job, refSize: m.refSize }, ref, dir)
      return rebuildDelta(NAME, p.ops, literals)
    } finally {
      removeTempDir(dir)
    }
  }

  /**
   * The decoded literals, exactly literalSize bytes. A decoder that fails or gives another length had an R
   * unlike the sender's (a false match): zeros then stand in, and the whole-volume digest starts the redo pass.
   */
  private async decode(job: CodecJob, ref: string | undefined, dir: string): Promise<Uint8Array> {
    const out = new Uint8Array(job.literalSize)
    try {
      this.telemetry.chargeChildCpu(await runCodec(NAME, decodeIn(dir, job, ref)))
      const lit = readFileSync(join(dir, 'lit'))
      if (lit.length === out.length) out.set(lit)
    } catch (err) {
      if (!(err instanceof ToolError)) throw err
    }
    return out
  }
}
