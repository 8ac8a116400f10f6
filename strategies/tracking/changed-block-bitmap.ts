import { defineOptions, type OptionsOf } from '../../core/options.ts'
import { blockSizeOption, type Frame, type Half, type ReceiverContext, type SenderContext, type Strategy, type Tracker, type TrackerContext } from '../../core/strategy.ts'
import { BlockPushSender, BlockReceiver, type BlockScan } from '../shared/block-push.ts'
import { blockCount, unknownFrame } from '../shared/block-stream.ts'
import { answerUntilAck, verifiedAck } from './ack.ts'
import { varintLength, writeVarint } from '../../core/varint.ts'
import { VerifyReceiver, VerifySender } from './self-verify.ts'

const OPTIONS = defineOptions({
  blockSize: blockSizeOption('tracking granularity: one bit per block'),
  selfVerify: { type: 'boolean', default: false, description: 'send a whole-volume digest after the push; on a mismatch the receiver asks for a block-hash repair pass' },
})
export type ChangedBlockBitmapOptions = OptionsOf<typeof OPTIONS>

const NAME = 'changed-block-bitmap'

/**
 * The write-path half of CBT: one bit per block, set on every write (and for blocks a growth exposes).
 * The sender copies the bits it is about to send and clears exactly those only after the receiver has
 * acknowledged the sync, so a failed sync sends them again next time.
 */
export class ChangeBitmap implements Tracker {
  bits: Uint8Array
  private size: number

  constructor(
    private readonly blockSize: number,
    size: number,
  ) {
    this.size = size
    this.bits = new Uint8Array(Math.ceil(blockCount(size, blockSize) / 8))
  }

  private ensure(blocks: number): void {
    const need = Math.ceil(blocks / 8)
    if (need <= this.bits.length) return
    const grown = new Uint8Array(Math.max(need, this.bits.length * 2))
    grown.set(this.bits)
    this.bits = grown
  }

  private mark(from: number, to: number): void {
    if (to <= from) return
    const first = Math.floor(from / this.blockSize)
    const last = Math.floor((to - 1) / this.blockSize)
    this.ensure(last + 1)
    const bits = this.bits
    for (let b = first; b <= last; b++) bits[b >>> 3]! |= 1 << (b & 7)
  }

  onWrite(w: { offset: number; data: Uint8Array }): void {
    this.mark(w.offset, w.offset + w.data.length)
  }

  onResize(size: number): void {
    // Growth exposes bytes the replica may hold stale data for (a hole reads zeros): mark them.
    if (size > this.size) this.mark(this.size, size)
    this.size = size
  }

  serialize(): Uint8Array {
    const used = Math.ceil(blockCount(this.size, this.blockSize) / 8)
    const out = new Uint8Array(varintLength(this.size) + used)
    const at = writeVarint(out, 0, this.size)
    out.set(this.bits.subarray(0, used), at)
    return out
  }
}

/**
 * Changed block tracking, as hypervisors do for incremental backup: the tracker's bitmap says which
 * blocks were written since the last acknowledged sync; the sender pushes exactly those blocks with no
 * signature and no round trip before the data. Needs a write trace. An insert rewrites the shifted tail,
 * so every block after it is dirty.
 */
export const changedBlockBitmap: Strategy<ChangedBlockBitmapOptions, ChangeBitmap> = {
  name: NAME,
  summary: 'CBT: a bitmap of written blocks; push dirty blocks, clear bits on acknowledgement',
  options: OPTIONS,
  needsWriteTrace: true,
  selfVerifies: (o) => o.selfVerify,
  tracker(ctx: TrackerContext, o) {
    return new ChangeBitmap(o.blockSize, ctx.geometry.size)
  },

  sender(ctx, o) {
    // Synchronous unless self-verifying (its hasher starts asynchronously), so wrappers can call it directly.
    return o.selfVerify ? VerifySender.create(NAME, o.blockSize).then((v) => bitmapSender(ctx, o, v)) : bitmapSender(ctx, o, undefined)
  },

  receiver(ctx, o) {
    return o.selfVerify ? VerifyReceiver.create(NAME, o.blockSize).then((v) => bitmapReceiver(ctx, o, v)) : bitmapReceiver(ctx, o, undefined)
  },
}

/** Pushes the blocks whose bit is set in `bits`, skipping clean bytes (8 blocks) at a time; bits are tested singly only where a byte is dirty. */
function dirtyBlocks(bits: Uint8Array): BlockScan {
  return (from, to, blocks) => {
    let next = from
    while (next < to && !blocks.full) {
      const v = bits[next >>> 3]!
      if (v === 0) next = (next | 7) + 1
      else {
        if (v & (1 << (next & 7))) blocks.data(next)
        next++
      }
    }
    return Math.min(next, to)
  }
}

function bitmapSender(ctx: SenderContext<ChangeBitmap>, o: ChangedBlockBitmapOptions, verify: VerifySender | undefined): Half {
  let sent: Uint8Array | undefined
  let done = false
  const token = ctx.syncIndex
  const n = blockCount(ctx.source.size, o.blockSize)
  const push = new BlockPushSender(ctx.source, o.blockSize, (w) => w.varint(token))
  return {
    get done() {
      return done
    },
    step(inbox): Frame[] {
      if (!push.done) {
        // What this sync sends: the bits as they stand now; only these are cleared on the ack.
        sent ??= ctx.tracker.bits.slice(0, Math.ceil(n / 8))
        // A step's worth at a time, so a big push streams over several steps.
        const frames = push.step(dirtyBlocks(sent))
        if (push.done && verify) frames.push(verify.digestFrame(ctx.source))
        return frames
      }
      const snapshot = sent!
      return answerUntilAck(NAME, inbox, verify, ctx.source, token, 'sync', () => {
        // Clear only what was sent: bits set after the snapshot (none in this harness) stay dirty.
        const bits = ctx.tracker.bits
        for (let i = 0; i < snapshot.length; i++) bits[i]! &= ~snapshot[i]!
        // Bits past the new end belong to blocks that no longer exist.
        bits.fill(0, snapshot.length)
        done = true
      })
    },
  }
}

function bitmapReceiver(ctx: ReceiverContext, o: ChangedBlockBitmapOptions, verify: VerifyReceiver | undefined): Half {
  let token = -1
  const rx = new BlockReceiver(NAME, o.blockSize, ctx.staged, (r) => (token = r.varint()))
  let acked = false
  return {
    get done() {
      return acked
    },
    step(inbox): Frame[] {
      for (const f of inbox) if (!verify?.accept(f) && !rx.accept(f)) throw unknownFrame(NAME, f)
      if (!rx.done) return []
      return verifiedAck(verify, ctx.staged, token, () => (acked = true))
    },
  }
}
