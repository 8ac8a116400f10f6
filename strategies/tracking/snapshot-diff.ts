import type { ReadonlyVolume } from '../../core/volume.ts'
import { defaultsOf, defineOptions, type OptionsOf } from '../../core/options.ts'
import { blockSizeOption, MAX_BLOCK_SIZE, type Frame, type Half, type ReceiverContext, type SenderContext, type Strategy, type Tracker } from '../../core/strategy.ts'
import { blockCount, blockLength, unknownFrame } from '../shared/block-stream.ts'
import { ContentIndex, MAX_MANIFEST_BYTES, MAX_VOLUME_BYTES, parseManifest, sameEntry, serializeManifest, takeManifest, type BlockManifest } from './block-manifest.ts'
import { VerifyReceiver, VerifySender } from './self-verify.ts'
import { createStrongHasher, STRONG_HASHES, type StrongHasher, type StrongHashName } from '../shared/strong-hash.ts'
import { FrameReader, FrameWriter } from '../../core/wire.ts'
import { ConfigError } from '../../core/errors.ts'

const OPTIONS = defineOptions({
  blockSize: blockSizeOption('block size: one manifest entry per block'),
  hash: { type: 'enum', choices: STRONG_HASHES, default: 'xxh128', description: 'content hash of each block in the manifest' },
  dedup: { type: 'boolean', default: true, description: 'send a block whose content the receiver already holds as a reference' },
  selfVerify: { type: 'boolean', default: false, description: 'send a whole-volume digest after the sync; on a mismatch the receiver asks for a block-hash repair pass' },
})
export type SnapshotDiffOptions = OptionsOf<typeof OPTIONS>

const NAME = 'snapshot-diff'
const TAG_HEADER = 0x48 // 'H': base manifest id (or none), target size, block size, new manifest id, sync token
const TAG_BLOCKS = 0x42 // 'B': entries (varint gap·4+op, then data or a block reference)
const TAG_END = 0x45 // 'E': entry count
const TAG_ACK = 0x41 // 'A': sync token
const TAG_MANIFEST = 0x4d // 'M': the receiver's own manifest, when the sender has none that matches
const FLAG_HAS_BASE = 1
const ID_BYTES = 16
const OP_LITERAL = 0
const OP_COPY_OLD = 1 // from a block of the committed replica
const OP_COPY_NEW = 2 // from a block already written in this sync
const FRAME_LIMIT = 1 << 20
const ENTRIES_PER_MANIFEST_FRAME = 65536
/** Sender state: the manifest of the last acknowledged snapshot. Receiver state: its id. */
const KEY_MANIFEST = 'manifest'
const KEY_BASE = 'base'

/**
 * The snapshot side of snapshot-diff: it ignores writes (it reads content) and, just before each sync,
 * hashes every block of the source into a manifest. The harness times `snapshot` as tracker time, so
 * tracker_ms is the cost per snapshot.
 */
export class SnapshotTaker implements Tracker {
  private pending: BlockManifest | undefined
  private hasher: StrongHasher | undefined

  constructor(
    private readonly blockSize: number,
    private readonly hash: StrongHashName,
  ) {}

  onWrite(): void {}

  onResize(): void {}

  /** Nothing between syncs: a snapshot is handed to the sender, which keeps the acknowledged one. */
  serialize(): Uint8Array {
    return new Uint8Array(0)
  }

  async snapshot(source: ReadonlyVolume): Promise<void> {
    this.hasher ??= await createStrongHasher(this.hash)
    this.pending = takeManifest(source, this.blockSize, this.hasher)
  }

  /** The snapshot taken for this sync (taken now if the harness did not take one). */
  async take(source: ReadonlyVolume): Promise<BlockManifest> {
    if (!this.pending || this.pending.size !== source.size) await this.snapshot(source)
    const m = this.pending!
    this.pending = undefined
    return m
  }
}

/**
 * Snapshot diff: each sync snapshots the source into a manifest of block hashes and diffs it against the
 * manifest of the last acknowledged sync (kept by the sender, measured as sender_state_bytes); only
 * changed blocks travel, and with dedup a block whose content the receiver already holds (per that
 * manifest, or sent earlier in this sync) travels as a reference. Every push names the manifest it is
 * based on; a receiver whose replica is not described by it (first sync, a lost or stale manifest, a
 * crash before the sender saw the acknowledgement) discards the push and sends its own manifest.
 */
export const snapshotDiff: Strategy<SnapshotDiffOptions, SnapshotTaker> = {
  name: NAME,
  summary: 'per-sync manifest of block hashes; send blocks that changed since the acknowledged manifest, moved/duplicate blocks as references',
  defaults: defaultsOf(OPTIONS),
  options: OPTIONS,
  needsWriteTrace: false,
  selfVerifies: (o) => o.selfVerify,
  tracker(_ctx, o) {
    return new SnapshotTaker(o.blockSize, o.hash)
  },

  async sender(ctx, o): Promise<Half> {
    if (o.blockSize < 1 || o.blockSize > MAX_BLOCK_SIZE) throw new ConfigError(`${NAME}: block size ${o.blockSize} out of range`)
    const idHasher = await createStrongHasher('xxh128')
    const verify = o.selfVerify ? await VerifySender.create(NAME, o.blockSize) : undefined
    return snapshotSender(ctx, o, idHasher, verify)
  },

  async receiver(ctx, o): Promise<Half> {
    const hasher = await createStrongHasher(o.hash)
    const idHasher = await createStrongHasher('xxh128')
    const verify = o.selfVerify ? await VerifyReceiver.create(NAME, o.blockSize) : undefined
    return snapshotReceiver(ctx, o, hasher, idHasher, verify)
  },
}

function manifestId(idHasher: StrongHasher, serialized: Uint8Array): Uint8Array {
  return idHasher.hash(serialized).subarray(0, ID_BYTES)
}

/** Writes the diff of `fresh` against `base` (the receiver's content) as BLOCKS frames. */
function diffFrames(fresh: BlockManifest, base: BlockManifest, dedup: boolean, source: ReadonlyVolume): { frames: Frame[]; entries: number } {
  const bs = fresh.blockSize
  const len = fresh.hashLength
  const nNew = blockCount(fresh.size, bs)
  const nOld = blockCount(base.size, bs)
  const index = dedup ? new ContentIndex(nOld + nNew, len, base.hashes, nOld, fresh.hashes) : undefined
  if (index) for (let j = 0; j < nOld; j++) index.add(j)
  const frames: Frame[] = []
  let w = new FrameWriter(1024)
  let literal = 0
  let copy = 0
  let inFrame = 0
  let prev = -1
  let entries = 0
  const flush = () => {
    if (inFrame === 0) return
    const bytes = w.finish()
    frames.push({ bytes, kind: 'literal', split: { literal, copy, control: bytes.length - literal - copy } })
    w = new FrameWriter(1024)
    literal = 0
    copy = 0
    inFrame = 0
  }
  for (let i = 0; i < nNew; i++) {
    const blen = blockLength(i, fresh.size, bs)
    if (i < nOld && blen === blockLength(i, base.size, bs) && sameEntry(fresh.hashes, i * len, base.hashes, i * len, len)) continue
    if (inFrame === 0) w.u8(TAG_BLOCKS)
    const gap = i - prev - 1
    const code = index ? index.find(fresh.hashes, i * len) : -1
    const before = w.length
    if (code >= 0 && code < nOld && blockLength(code, base.size, bs) === blen) {
      w.varint(gap * 4 + OP_COPY_OLD).varint(code)
      copy += w.length - before
    } else if (code >= nOld && blockLength(code - nOld, fresh.size, bs) === blen) {
      w.varint(gap * 4 + OP_COPY_NEW).varint(code - nOld)
      copy += w.length - before
    } else {
      w.varint(gap * 4 + OP_LITERAL).bytes(source.read(i * bs, blen))
      literal += blen
      index?.add(nOld + i)
    }
    prev = i
    inFrame++
    entries++
    if (w.length >= FRAME_LIMIT) flush()
  }
  flush()
  return { frames, entries }
}

function snapshotSender(ctx: SenderContext<SnapshotTaker>, o: SnapshotDiffOptions, idHasher: StrongHasher, verify: VerifySender | undefined): Half {
  let fresh: BlockManifest | undefined
  let freshBytes: Uint8Array | undefined
  let done = false
  let pushes = 0
  // The receiver's manifest, as its frames arrive.
  let theirs: { size: number; hashes: Uint8Array; have: number } | undefined
  const token = ctx.syncIndex

  const push = (base: BlockManifest | undefined, baseId: Uint8Array | undefined): Frame[] => {
    pushes++
    const h = new FrameWriter(64).u8(TAG_HEADER).u8(base ? FLAG_HAS_BASE : 0)
    if (baseId) h.bytes(baseId)
    h.varint(fresh!.size).varint(o.blockSize).bytes(manifestId(idHasher, freshBytes!)).varint(token)
    const diff = base ? diffFrames(fresh!, base, o.dedup, ctx.source) : { frames: [], entries: 0 }
    const frames: Frame[] = [{ bytes: h.finish(), kind: 'control' }, ...diff.frames, { bytes: new FrameWriter(8).u8(TAG_END).varint(diff.entries).finish(), kind: 'control' }]
    // The digest goes once, with the first flight: a second push is of the same source.
    if (verify && pushes === 1) frames.push(verify.digestFrame(ctx.source))
    return frames
  }

  return {
    get done() {
      return done
    },
    async step(inbox): Promise<Frame[]> {
      if (!fresh) {
        fresh = await ctx.tracker.take(ctx.source)
        freshBytes = serializeManifest(fresh)
        const saved = ctx.state.get(KEY_MANIFEST)
        const base = saved ? parseManifest(NAME, saved) : undefined
        // A manifest of another block size or hash cannot be diffed against: as good as none.
        if (base && base.blockSize === o.blockSize && base.hashLength === fresh.hashLength) return push(base, manifestId(idHasher, saved!))
        return push(undefined, undefined)
      }
      const out: Frame[] = []
      for (const f of inbox) {
        const repair = verify?.accept(f, ctx.source)
        if (repair) {
          out.push(...repair)
          continue
        }
        const r = new FrameReader(NAME, f)
        const tag = r.u8()
        if (tag === TAG_ACK) {
          const acked = r.varint()
          r.end()
          if (acked !== token) r.fail(`acknowledgement for sync ${acked}, expected ${token}`)
          ctx.state.set(KEY_MANIFEST, freshBytes!)
          done = true
        } else if (tag === TAG_MANIFEST) {
          if (pushes > 1) r.fail('a second manifest in one sync')
          const size = r.varint()
          const bs = r.varint()
          const hlen = r.varint()
          if (bs !== o.blockSize || hlen !== fresh.hashLength) r.fail(`manifest of block ${bs}/hash ${hlen} bytes, expected ${o.blockSize}/${fresh.hashLength}`)
          if (!theirs) {
            // Sized from the receiver's claimed size, bounded before anything is allocated.
            if (size > MAX_VOLUME_BYTES || blockCount(size, bs) * hlen > MAX_MANIFEST_BYTES) r.fail(`manifest of a ${size}-byte volume is too large`)
            theirs = { size, hashes: new Uint8Array(blockCount(size, bs) * hlen), have: 0 }
          } else if (size !== theirs.size) r.fail('manifest frames disagree on the replica size')
          const first = r.varint()
          const count = r.varint()
          if (first * hlen !== theirs.have) r.fail(`manifest frame starts at block ${first}, expected ${theirs.have / hlen}`)
          const hashes = r.bytes(count * hlen)
          r.end()
          if (theirs.have + hashes.length > theirs.hashes.length) r.fail('more manifest entries than the replica has blocks')
          theirs.hashes.set(hashes, theirs.have)
          theirs.have += hashes.length
          if (theirs.have === theirs.hashes.length) {
            const base: BlockManifest = { size: theirs.size, blockSize: bs, hashLength: hlen, hashes: theirs.hashes }
            out.push(...push(base, manifestId(idHasher, serializeManifest(base))))
          }
        } else throw unknownFrame(NAME, f)
      }
      return out
    },
  }
}

function snapshotReceiver(ctx: ReceiverContext, o: SnapshotDiffOptions, hasher: StrongHasher, idHasher: StrongHasher, verify: VerifyReceiver | undefined): Half {
  /** Id of the manifest that describes the committed replica: the last one applied, or the one sent. */
  let myId = ctx.state.get(KEY_BASE)
  let mode: 'idle' | 'apply' | 'discard' = 'idle'
  let sentManifest = false
  let needManifest = false
  let applied = false
  let acked = false
  let size = 0
  let freshId: Uint8Array | undefined
  let token = 0
  let prev = -1
  let entries = 0
  /** Target blocks written in this sync, in increasing order (a reference to one must name one of these). */
  const written: number[] = []

  const wasWritten = (j: number): boolean => {
    let lo = 0
    let hi = written.length
    while (lo < hi) {
      const mid = (lo + hi) >>> 1
      if (written[mid]! < j) lo = mid + 1
      else hi = mid
    }
    return written[lo] === j
  }

  const applyEntries = (r: FrameReader): void => {
    const bs = o.blockSize
    const n = blockCount(size, bs)
    const rep = ctx.replica
    while (r.remaining > 0) {
      const v = r.varint()
      const op = v % 4
      const i = prev + 1 + Math.floor(v / 4)
      if (i >= n) r.fail(`block ${i} past the last block ${n - 1}`)
      const len = blockLength(i, size, bs)
      if (op === OP_LITERAL) ctx.staged.write(i * bs, r.bytes(len))
      else if (op === OP_COPY_OLD) {
        const j = r.varint()
        if (j >= blockCount(rep.size, bs) || blockLength(j, rep.size, bs) !== len) r.fail(`reference to replica block ${j} of another length or past the replica's end`)
        ctx.staged.write(i * bs, rep.read(j * bs, len))
      } else if (op === OP_COPY_NEW) {
        const j = r.varint()
        if (j >= i || !wasWritten(j) || blockLength(j, size, bs) !== len) r.fail(`reference to block ${j}, which this sync has not written (or of another length)`)
        ctx.staged.write(i * bs, ctx.staged.read(j * bs, len).slice())
      } else r.fail(`unknown block entry op ${op}`)
      written.push(i)
      prev = i
      entries++
    }
  }

  const manifestFrames = (): Frame[] => {
    const m = takeManifest(ctx.replica, o.blockSize, hasher)
    myId = manifestId(idHasher, serializeManifest(m))
    const n = blockCount(m.size, o.blockSize)
    const len = m.hashLength
    const frames: Frame[] = []
    for (let first = 0; first < n || (first === 0 && n === 0); first += ENTRIES_PER_MANIFEST_FRAME) {
      const count = Math.min(ENTRIES_PER_MANIFEST_FRAME, n - first)
      const w = new FrameWriter(24 + count * len).u8(TAG_MANIFEST).varint(m.size).varint(o.blockSize).varint(len).varint(first).varint(count)
      w.bytes(m.hashes.subarray(first * len, (first + count) * len))
      frames.push({ bytes: w.finish(), kind: 'manifest' })
      if (n === 0) break
    }
    return frames
  }

  return {
    get done() {
      return acked
    },
    step(inbox): Frame[] {
      for (const f of inbox) {
        if (verify?.accept(f, ctx.staged)) continue
        const r = new FrameReader(NAME, f)
        const tag = r.u8()
        if (tag === TAG_HEADER) {
          if (mode !== 'idle' || applied) r.fail('a header while a push is open or done')
          const hasBase = (r.u8() & FLAG_HAS_BASE) !== 0
          const baseId = hasBase ? r.bytes(ID_BYTES) : undefined
          size = r.varint()
          if (size > MAX_VOLUME_BYTES) r.fail(`target size ${size} is past the largest volume`)
          const bs = r.varint()
          if (bs !== o.blockSize) r.fail(`block size ${bs} does not match the receiver's ${o.blockSize}`)
          freshId = r.bytes(ID_BYTES).slice()
          token = r.varint()
          r.end()
          mode = baseId && myId && sameEntry(baseId, 0, myId, 0, ID_BYTES) ? 'apply' : 'discard'
        } else if (tag === TAG_BLOCKS) {
          if (mode === 'idle') r.fail('blocks outside a push')
          if (mode === 'apply') applyEntries(r)
        } else if (tag === TAG_END) {
          if (mode === 'idle') r.fail('end outside a push')
          const n = r.varint()
          r.end()
          if (mode === 'apply') {
            if (n !== entries) r.fail(`sender sent ${n} blocks, ${entries} arrived`)
            ctx.staged.truncate(size)
            applied = true
          } else {
            if (sentManifest) r.fail('the sender pushed against a manifest this replica does not match, twice')
            needManifest = true
          }
          mode = 'idle'
        } else throw unknownFrame(NAME, f)
      }
      if (needManifest && !sentManifest) {
        sentManifest = true
        return manifestFrames()
      }
      if (!applied) return []
      if (verify) {
        const v = verify.check(ctx.staged)
        if (v === 'wait') return []
        if (v !== 'ok') return v
      }
      if (acked) return []
      acked = true
      ctx.state.set(KEY_BASE, freshId!)
      return [{ bytes: new FrameWriter(8).u8(TAG_ACK).varint(token).finish(), kind: 'control' }]
    },
  }
}
