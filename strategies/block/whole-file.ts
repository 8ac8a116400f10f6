import { defineOptions, type OptionsOf } from '../../core/options.ts'
import { blockSizeOption, type Half, type Strategy } from '../../core/strategy.ts'
import { BlockPushSender, BlockReceiver } from '../shared/block-push.ts'
import { unknownFrame } from '../shared/block-stream.ts'
import { digestReceiver, digestSender, VERIFY_OPTION } from '../shared/end-digest.ts'
import type { ReadonlyVolume, Volume } from '../../core/volume.ts'

const OPTIONS = defineOptions({
  blockSize: blockSizeOption('chunk size of the data frames (moves only framing, so a sweep runs it once, at this size)', 1 << 20),
  verify: VERIFY_OPTION,
})
export type WholeFileOptions = OptionsOf<typeof OPTIONS>

/**
 * The ceiling: the sender pushes the whole source, every sync, with no round trip. Any strategy that
 * sends more than this has a bug or a pathological workload.
 */
export const wholeFile: Strategy<WholeFileOptions, undefined> = {
  name: 'whole-file',
  summary: 'send the whole volume every sync (the ceiling)',
  options: OPTIONS,
  needsWriteTrace: false,
  // The frames' chunk size moves only framing: it runs once, at its own 1 MiB.
  ignoresBlockSize: () => true,
  sender(ctx, o): Half {
    const half = pushAll(ctx.source, o.blockSize)
    return o.verify === 'digest' ? digestSender(half, ctx.source) : half
  },
  receiver(ctx, o): Half {
    const half = receiveAll(ctx.staged, o.blockSize)
    return o.verify === 'digest' ? digestReceiver('whole-file', half, ctx.staged) : half
  },
}

/** The sender pushes every block of the source. */
function pushAll(source: ReadonlyVolume, blockSize: number): Half {
  const push = new BlockPushSender(source, blockSize)
  return {
    get done() {
      return push.done
    },
    step() {
      return push.step((from, to, blocks) => blocks.dataRange(from, to, () => true))
    },
  }
}

/** The receiver writes every block it is sent into its stage. */
function receiveAll(staged: Volume, blockSize: number): Half {
  const rx = new BlockReceiver('whole-file', blockSize, staged)
  return {
    get done() {
      return rx.done
    },
    step(inbox) {
      for (const f of inbox) if (!rx.accept(f)) throw unknownFrame('whole-file', f)
      return []
    },
  }
}
