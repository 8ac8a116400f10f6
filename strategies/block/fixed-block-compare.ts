import { ConfigError } from '../../core/errors.ts'
import { defaultsOf, defineOptions, type OptionsOf } from '../../core/options.ts'
import { blockSizeOption, MAX_BLOCK_SIZE, type Frame, type Half, type Strategy } from '../../core/strategy.ts'
import { BlockPusher, BlockReceiver, blockCount, blockLength, headerFrame, STEP_BUDGET, unknownFrame } from '../shared/block-stream.ts'
import { createStrongHasher, MAX_DIGEST_BYTES, STRONG_HASHES } from '../shared/strong-hash.ts'
import { FrameReader, FrameWriter } from '../../core/wire.ts'

const OPTIONS = defineOptions({
  blockSize: blockSizeOption('block size'),
  hash: { type: 'enum', choices: STRONG_HASHES, default: 'xxh128', description: 'strong hash per block' },
  // The sender also holds it to the chosen hash's digest length.
  strongBytes: { type: 'number', integer: true, min: 4, max: MAX_DIGEST_BYTES, default: 16, description: 'bytes of each hash put on the wire (truncated digest), at most the digest length' },
})
export type FixedBlockCompareOptions = OptionsOf<typeof OPTIONS>

const NAME = 'fixed-block-compare'
const TAG_SIGNATURE = 0x53 // 'S'
/** Hashes per signature frame, so no frame grows with the volume. */
const HASHES_PER_FRAME = 65536

/**
 * Full fixed-block checksum comparison: the receiver sends a strong hash of every block of its replica,
 * the sender hashes its own blocks at the same offsets and sends back the blocks that differ (and every
 * block past the replica's end). No state between syncs, no write trace: it works on anything, and pays a
 * signature every sync. A shifted tail (insert/delete) differs at every block after the edit.
 */
export const fixedBlockCompare: Strategy<FixedBlockCompareOptions, undefined> = {
  name: NAME,
  summary: 'receiver sends per-block strong hashes; sender returns the blocks that differ',
  defaults: defaultsOf(OPTIONS),
  options: OPTIONS,
  needsWriteTrace: false,

  async sender(ctx, o): Promise<Half> {
    const hasher = await createStrongHasher(o.hash)
    if (o.strongBytes < 4 || o.strongBytes > hasher.digestLength) throw new ConfigError(`${NAME}: strongBytes must be 4-${hasher.digestLength} for ${o.hash}, got ${o.strongBytes}`)
    let replicaSize = -1
    let expected = 0
    // Hashes are kept as the frames that carried them and joined once all have arrived, so memory follows
    // bytes actually received, never a size the peer merely claims.
    const parts: Uint8Array[] = []
    let have = 0
    let done = false
    const src = ctx.source
    const push = new BlockPusher(src, o.blockSize)
    let theirs: Uint8Array | undefined
    let next = -1
    return {
      get done() {
        return done
      },
      step(inbox): Frame[] {
        for (const f of inbox) {
          const r = new FrameReader(NAME, f)
          if (r.u8() !== TAG_SIGNATURE) throw unknownFrame(NAME, f)
          const size = r.varint()
          const bs = r.varint()
          const len = r.varint()
          if (bs !== o.blockSize || len !== o.strongBytes) r.fail(`signature of block ${bs}/hash ${len} bytes, expected ${o.blockSize}/${o.strongBytes}`)
          if (replicaSize < 0) {
            replicaSize = size
            expected = blockCount(size, bs) * len
          } else if (size !== replicaSize) r.fail('signature frames disagree on the replica size')
          const first = r.varint()
          const count = r.varint()
          if (first !== have / len) r.fail(`signature frame starts at block ${first}, expected ${have / len}`)
          const hashes = r.bytes(count * len)
          r.end()
          if (have + hashes.length > expected) r.fail('more block hashes than the replica has blocks')
          parts.push(hashes)
          have += hashes.length
        }
        if (replicaSize < 0 || have < expected) return []
        theirs ??= Buffer.concat(parts)
        const hashes = theirs
        const n = blockCount(src.size, o.blockSize)
        const common = Math.min(blockCount(replicaSize, o.blockSize), n)
        const len = o.strongBytes
        // A block matches only at the same length: the last block of a resized volume never does by accident.
        const differs = (i: number) => {
          if (i >= common || blockLength(i, src.size, o.blockSize) !== blockLength(i, replicaSize, o.blockSize)) return true
          const mine = hasher.hash(src.read(i * o.blockSize, blockLength(i, src.size, o.blockSize)))
          for (let k = 0; k < len; k++) if (mine[k] !== hashes[i * len + k]) return true
          return false
        }
        const head = next < 0 ? [headerFrame(src.size, o.blockSize)] : []
        next = push.pushRange(Math.max(next, 0), n, differs)
        if (next < n) return [...head, ...push.take()]
        done = true
        return [...head, ...push.finish()]
      },
    }
  },

  async receiver(ctx, o): Promise<Half> {
    const hasher = await createStrongHasher(o.hash)
    if (o.blockSize < 1 || o.blockSize > MAX_BLOCK_SIZE) throw new ConfigError(`${NAME}: block size ${o.blockSize} out of range`)
    const rx = new BlockReceiver(NAME, o.blockSize, ctx.staged)
    // The signature streams out a step's worth of frames at a time (STEP_BUDGET), so it never sits whole in memory.
    let nextBlock = 0
    let sentAll = false
    return {
      get done() {
        return rx.done
      },
      step(inbox): Frame[] {
        for (const f of inbox) if (!rx.accept(f)) throw unknownFrame(NAME, f)
        if (sentAll) return []
        const rep = ctx.replica
        const n = blockCount(rep.size, o.blockSize)
        const frames: Frame[] = []
        let bytes = 0
        do {
          const count = Math.min(HASHES_PER_FRAME, n - nextBlock)
          const w = new FrameWriter(16 + count * o.strongBytes).u8(TAG_SIGNATURE).varint(rep.size).varint(o.blockSize).varint(o.strongBytes).varint(nextBlock).varint(count)
          for (let i = nextBlock; i < nextBlock + count; i++) {
            w.bytes(hasher.hash(rep.read(i * o.blockSize, blockLength(i, rep.size, o.blockSize))).subarray(0, o.strongBytes))
          }
          const f = w.finish()
          frames.push({ bytes: f, kind: 'signature' })
          bytes += f.length
          nextBlock += count
        } while (nextBlock < n && bytes < STEP_BUDGET)
        sentAll = nextBlock >= n
        return frames
      },
    }
  },
}
