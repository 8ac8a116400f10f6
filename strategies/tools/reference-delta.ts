/**
 * The "both files in one place" baselines (xdelta3, zstd --patch-from): a tool that diffs the new
 * volume against the old one. The sender never sees the replica, so it keeps its own copy of what it
 * last sent (the old version) in its saved state — measured as sender_state_bytes, the real price of
 * this approach — and the receiver says, by digest, which version it holds:
 *
 *   receiver → VERSION (digest of its replica: cached from its last commit, or computed)
 *   sender   → MODE (delta against the kept copy if the digests agree, else the whole volume as it is)
 *              + the tool's output file (or the volume)
 *   receiver: runs the tool's decoder against its replica (delta mode) and stages the result.
 *
 * A cold first sync therefore sends the whole volume (nothing is kept yet; having the tool compress it
 * instead took xdelta3 0.75-2.3 s per 16 MiB here, for a transfer that is no delta anyway); the harness's
 * priming sync does that uncounted, so every measured sync is the tool's true delta. The tools run as child processes on temp files; their CPU is charged.
 */
import { join } from 'node:path'
import type { ReadonlyVolume } from '../../core/volume.ts'
import type { Frame, Half, ReceiverContext, SenderContext, Strategy, StrategyOptions } from '../../core/strategy.ts'
import { unknownFrame } from '../shared/block-stream.ts'
import { fileIntoStage, makeTempDir, missingTools, removeTempDir, toolHalf, volumeAsFile } from './child-tool.ts'
import { FileReceiver, fileFrames } from './file-frames.ts'
import { runToolCached } from '../shared/tool-cache.ts'
import { createStreamDigest } from '../shared/stream-digest.ts'
import { FrameReader, FrameWriter } from '../../core/wire.ts'
import { FileVolume } from '../../core/volume.ts'
import { checkOptions, type OptionSchema } from '../../core/options.ts'

const TAG_VERSION = 0x56 // 'V'
const TAG_MODE = 0x4d // 'M'
const MODE_FULL = 0
const MODE_DELTA = 1
const MAX_FILE = 2 ** 40
const DIGEST_BYTES = 16

/** How to run one tool: the argv to encode and decode, with or without a reference file. */
export interface ReferenceTool<O> {
  name: string
  summary: string
  tools: readonly { cmd: string; apt: string }[]
  options: Strategy<O & StrategyOptions, undefined>['options']
  /** Checks option combinations its schema cannot (see Strategy.validate). */
  validate?(o: O): void
  encode(o: O, ref: string, input: string, output: string): string[]
  decode(o: O, ref: string, input: string, output: string): string[]
}

async function digestOf(vol: ReadonlyVolume): Promise<Uint8Array> {
  const d = await createStreamDigest('xxh128')
  for (let off = 0; off < vol.size; off += 8 << 20) d.update(vol.read(off, Math.min(8 << 20, vol.size - off)))
  return d.digest()
}

function same(a: Uint8Array | undefined, b: Uint8Array): boolean {
  return a !== undefined && a.length === b.length && a.every((x, i) => x === b[i])
}

export function referenceDeltaStrategy<O extends StrategyOptions>(t: ReferenceTool<O>): Strategy<O, undefined> {
  const NAME = t.name
  return {
    name: NAME,
    summary: t.summary,
    options: t.options as Strategy<O, undefined>['options'],
    needsWriteTrace: false,
    ignoresBlockSize: () => true,
    external: true,
    unavailable: () => missingTools(NAME, t.tools),
    ...(t.validate ? { validate: t.validate } : {}),

    sender(ctx, o): Half {
      checkOptions(NAME, t.options as OptionSchema, o)
      return referenceSender(t, ctx, o)
    },

    receiver(ctx, o): Half {
      checkOptions(NAME, t.options as OptionSchema, o)
      return referenceReceiver(t, ctx, o)
    },
  }
}

/** The sender: waits for the receiver's VERSION, then answers it once. */
function referenceSender<O>(t: ReferenceTool<O>, ctx: SenderContext, o: O): Half {
  let done = false
  return {
    get done() {
      return done
    },
    async step(inbox): Promise<Frame[]> {
      if (inbox.length === 0) return []
      if (inbox.length !== 1) throw unknownFrame(t.name, inbox[1]!)
      const r = new FrameReader(t.name, inbox[0]!)
      if (r.u8() !== TAG_VERSION) throw unknownFrame(t.name, inbox[0]!)
      const theirs = r.bytes(DIGEST_BYTES)
      r.end()
      const frames = await answerVersion(t, ctx, o, theirs)
      done = true
      return frames
    },
  }
}

/**
 * MODE and the file: the tool's delta against the kept copy when the receiver holds that version (by
 * digest), else the volume as it is. The source becomes the kept copy (dropped with the sync if it fails).
 */
async function answerVersion<O>(t: ReferenceTool<O>, ctx: SenderContext, o: O, theirs: Uint8Array): Promise<Frame[]> {
  const dir = makeTempDir(`${t.name}-send`)
  try {
    const kept = ctx.state.get('ref')
    // A delta needs both versions non-empty (zstd --patch-from aborts on an empty side, and a delta
    // against nothing is just compression).
    const delta = kept !== undefined && kept.length > 0 && ctx.source.size > 0 && same(ctx.state.get('refDigest'), theirs)
    const source = volumeAsFile(ctx.source, join(dir, 'source'))
    let out = source
    if (delta) {
      out = join(dir, 'out')
      const ref = volumeAsFile(new MemoryView(kept), join(dir, 'ref'))
      const run = await runToolCached(t.name, t.encode(o, ref, source, out), { dir, inputs: [ref, source], outputs: [out] })
      ctx.telemetry.chargeChildCpu(run.cpuMs)
    }
    const frames: Frame[] = [{ bytes: Uint8Array.of(TAG_MODE, delta ? MODE_DELTA : MODE_FULL), kind: 'control' }, ...fileFrames(out, 'literal')]
    ctx.state.set('ref', ctx.source.read(0, ctx.source.size))
    ctx.state.set('refDigest', await digestOf(ctx.source))
    return frames
  } finally {
    removeTempDir(dir)
  }
}

/** The receiver: sends its VERSION, takes MODE and the file, and stages the result. */
function referenceReceiver<O>(t: ReferenceTool<O>, ctx: ReceiverContext, o: O): Half {
  let asked = false
  let mode = -1
  let file: FileReceiver | undefined
  return toolHalf(`${t.name}-recv`, async (inbox, step) => {
    if (!asked) {
      asked = true
      // The digest of what this receiver committed last time, or of its replica as it stands.
      const version = ctx.state.get('digest') ?? (await digestOf(ctx.replica))
      return [{ bytes: new FrameWriter(1 + DIGEST_BYTES).u8(TAG_VERSION).bytes(version).finish(), kind: 'control' }]
    }
    for (const f of inbox) {
      if (mode < 0) {
        mode = readMode(t.name, f)
        file = new FileReceiver(t.name, join(step.dir, 'in'), MAX_FILE)
      } else if (!file!.accept(f)) throw unknownFrame(t.name, f)
    }
    if (!file?.complete) return []
    await stageResult(t, ctx, o, mode === MODE_DELTA, file.path, step.dir)
    step.finish()
    return []
  })
}

function readMode(who: string, frame: Uint8Array): number {
  const r = new FrameReader(who, frame)
  if (r.u8() !== TAG_MODE) throw unknownFrame(who, frame)
  const mode = r.u8()
  r.end()
  if (mode !== MODE_FULL && mode !== MODE_DELTA) r.fail(`unknown mode ${mode}`)
  return mode
}

/** Decodes a delta against the replica (or takes the file as the volume), stages it and keeps its digest. */
async function stageResult<O>(t: ReferenceTool<O>, ctx: ReceiverContext, o: O, delta: boolean, path: string, dir: string): Promise<void> {
  let out = path
  if (delta) {
    out = join(dir, 'out')
    const replica = volumeAsFile(ctx.replica, join(dir, 'replica'))
    const run = await runToolCached(t.name, t.decode(o, replica, path, out), { dir, inputs: [replica, path], outputs: [out] })
    ctx.telemetry.chargeChildCpu(run.cpuMs)
  }
  fileIntoStage(out, ctx.staged, ctx.replica)
  const result = new FileVolume(out)
  try {
    ctx.state.set('digest', await digestOf(result))
  } finally {
    result.close()
  }
}

/** A kept copy of the old version seen as a volume (for writing it to a temp file). */
class MemoryView implements ReadonlyVolume {
  constructor(private readonly bytes: Uint8Array) {}
  get size(): number {
    return this.bytes.length
  }
  read(offset: number, length: number): Uint8Array {
    return this.bytes.subarray(offset, offset + length)
  }
}
