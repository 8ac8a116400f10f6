import type { Half, Strategy, StrategyOptions } from '../../core/strategy.ts'
import { BlockPusher, BlockReceiver, blockCount, headerFrame, unknownFrame } from '../shared/block-stream.ts'

export type WholeFileOptions = StrategyOptions

/**
 * The ceiling: the sender pushes the whole source, every sync, with no round trip. Any strategy that
 * sends more than this has a bug or a pathological workload.
 */
export const wholeFile: Strategy<WholeFileOptions, undefined> = {
  name: 'whole-file',
  summary: 'send the whole volume every sync (the ceiling)',
  defaults: { blockSize: 1 << 20 },
  options: { blockSize: { type: 'size', description: 'chunk size of the data frames (does not change what is sent)' } },
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
