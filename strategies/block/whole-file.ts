import { defaultsOf, defineOptions, type OptionsOf } from '../../core/options.ts'
import { blockSizeOption, type Half, type Strategy } from '../../core/strategy.ts'
import { BlockPusher, BlockReceiver, blockCount, headerFrame, unknownFrame } from '../shared/block-stream.ts'

const OPTIONS = defineOptions({
  blockSize: blockSizeOption('chunk size of the data frames (does not change what is sent)', 1 << 20),
})
export type WholeFileOptions = OptionsOf<typeof OPTIONS>

/**
 * The ceiling: the sender pushes the whole source, every sync, with no round trip. Any strategy that
 * sends more than this has a bug or a pathological workload.
 */
export const wholeFile: Strategy<WholeFileOptions, undefined> = {
  name: 'whole-file',
  summary: 'send the whole volume every sync (the ceiling)',
  defaults: defaultsOf(OPTIONS),
  options: OPTIONS,
  needsWriteTrace: false,
  sender(ctx, o): Half {
    let done = false
    const push = new BlockPusher(ctx.source, o.blockSize)
    const n = blockCount(ctx.source.size, o.blockSize)
    let next = -1
    return {
      get done() {
        return done
      },
      step() {
        const head = next < 0 ? [headerFrame(ctx.source.size, o.blockSize)] : []
        next = push.pushRange(Math.max(next, 0), n, () => true)
        if (next < n) return [...head, ...push.take()]
        done = true
        return [...head, ...push.finish()]
      },
    }
  },
  receiver(ctx, o): Half {
    const rx = new BlockReceiver('whole-file', o.blockSize, ctx.staged)
    return {
      get done() {
        return rx.done
      },
      step(inbox) {
        for (const f of inbox) if (!rx.accept(f)) throw unknownFrame('whole-file', f)
        return []
      },
    }
  },
}
