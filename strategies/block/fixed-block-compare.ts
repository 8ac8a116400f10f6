import { digestReceiver, digestSender, VERIFY_OPTION } from '../shared/end-digest.ts'
import { checkOptions, defineOptions, type OptionsOf } from '../../core/options.ts'
import { blockSizeOption, type Frame, type Half, type Strategy } from '../../core/strategy.ts'
import { BlockPushSender, BlockReceiver } from '../shared/block-push.ts'
import { STEP_BUDGET, unknownFrame } from '../shared/block-stream.ts'
import { BlockHashes } from '../shared/block-hashes.ts'
import { HashListReader, HashListWriter, type HashListFormat } from '../shared/hash-list.ts'
import { checkStrongBytes, MAX_DIGEST_BYTES, STRONG_HASHES } from '../shared/strong-hash.ts'
import { processHasherFor } from '../shared/process-hasher.ts'

const OPTIONS = defineOptions({
  blockSize: blockSizeOption('block size'),
  hash: { type: 'enum', choices: STRONG_HASHES, default: 'xxh128', description: 'strong hash per block' },
  // The sender also holds it to the chosen hash's digest length.
  strongBytes: { type: 'number', integer: true, min: 4, max: MAX_DIGEST_BYTES, default: 16, description: 'bytes of each hash put on the wire (truncated digest), at most the digest length' },
  verify: VERIFY_OPTION,
})
export type FixedBlockCompareOptions = OptionsOf<typeof OPTIONS>

const NAME = 'fixed-block-compare'
const SIGNATURE: HashListFormat = { tag: 0x53 /* 'S' */, what: 'signature', kind: 'signature', namesHashLength: true }

/**
 * Full fixed-block checksum comparison: the receiver sends a strong hash of every block of its replica,
 * the sender hashes its own blocks at the same offsets and sends back the blocks that differ (and every
 * block past the replica's end). No state between syncs, no write trace: it works on anything, and pays a
 * signature every sync. A shifted tail (insert/delete) differs at every block after the edit.
 */
export const fixedBlockCompare: Strategy<FixedBlockCompareOptions, undefined> = {
  name: NAME,
  summary: 'receiver sends per-block strong hashes; sender returns the blocks that differ',
  options: OPTIONS,
  needsWriteTrace: false,
  validate: (o) => checkStrongBytes(NAME, o),

  async sender(ctx, o): Promise<Half> {
    checkOptions(NAME, OPTIONS, o)
    const hasher = await processHasherFor(NAME, o)
    const theirs = new HashListReader(NAME, SIGNATURE, o.blockSize, o.strongBytes)
    const push = new BlockPushSender(ctx.source, o.blockSize)
    const differs = (i: number) => theirs.differs(i, ctx.source, hasher)
    const half: Half = {
      get done() {
        return push.done
      },
      step(inbox): Frame[] {
        for (const f of inbox) if (!theirs.accept(f)) throw unknownFrame(NAME, f)
        if (!theirs.complete) return []
        return push.step((from, to, blocks) => blocks.dataRange(from, to, differs))
      },
    }
    return o.verify === 'digest' ? digestSender(half, ctx.source) : half
  },

  async receiver(ctx, o): Promise<Half> {
    checkOptions(NAME, OPTIONS, o)
    const hasher = await processHasherFor(NAME, o)
    const rx = new BlockReceiver(NAME, o.blockSize, ctx.staged)
    const rep = ctx.replica
    const mine = new HashListWriter(SIGNATURE, rep.size, o.blockSize, o.strongBytes, new BlockHashes(rep, o.blockSize, hasher))
    const half: Half = {
      get done() {
        return rx.done
      },
      step(inbox): Frame[] {
        for (const f of inbox) if (!rx.accept(f)) throw unknownFrame(NAME, f)
        // The signature streams out a step's worth of frames at a time, so it never sits whole in memory.
        return mine.frames(STEP_BUDGET)
      },
    }
    return o.verify === 'digest' ? digestReceiver(NAME, half, ctx.staged) : half
  },
}
