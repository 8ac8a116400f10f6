import type { ReadonlyVolume } from '../../core/volume.ts'
import { defineOptions, type OptionsOf } from '../../core/options.ts'
import { blockSizeOption, MAX_BLOCK_SIZE, type Frame, type Half, type ReceiverContext, type SenderContext, type Strategy, type Tracker } from '../../core/strategy.ts'
import { blockCount, blockLength, BlockStreamReader, BlockStreamWriter, unknownFrame, type BlockEntryReader, type BlockStreamFormat } from '../shared/block-stream.ts'
import { HashListReader, HashListWriter, type HashListFormat } from '../shared/hash-list.ts'
import { ContentIndex, MAX_MANIFEST_BYTES, MAX_VOLUME_BYTES, parseManifest, serializeManifest, takeManifest, type BlockManifest } from './block-manifest.ts'
import { answerUntilAck, verifiedAck } from './ack.ts'
import { VerifyReceiver, VerifySender } from './self-verify.ts'
import { bytesEqual, createStrongHasher, STRONG_HASHES, type StrongHasher, type StrongHashName } from '../shared/strong-hash.ts'
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
/** The diff: 'B' frames of entries (varint gap·4+op, then data or a block reference), then 'E' with the entry count; the ack ('A', ack.ts) carries the sync token. */
const DIFF_STREAM: BlockStreamFormat = { blocksTag: 0x42, endTag: 0x45, ops: 4 }
/** The receiver's own manifest, when the sender has none that matches. */
const MANIFEST: HashListFormat = { tag: 0x4d /* 'M' */, what: 'manifest', kind: 'manifest', namesHashLength: true, maxBytes: MAX_MANIFEST_BYTES }
const FLAG_HAS_BASE = 1
const ID_BYTES = 16
const OP_LITERAL = 0
const OP_COPY_OLD = 1 // from a block of the committed replica
const OP_COPY_NEW = 2 // from a block already written in this sync
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
    return new SnapshotReceiver(ctx, o, hasher, idHasher, verify)
  },
}

function manifestId(idHasher: StrongHasher, serialized: Uint8Array): Uint8Array {
  return idHasher.hash(serialized).subarray(0, ID_BYTES)
}

/**
 * Writes the diff of `fresh` against `base` (the receiver's content): every block that changed, as a
 * reference where (with dedup) the receiver already holds its content, else as its data.
 */
function writeDiff(diff: BlockStreamWriter, fresh: BlockManifest, base: BlockManifest, dedup: boolean): void {
  const bs = fresh.blockSize
  const len = fresh.hashLength
  const nNew = blockCount(fresh.size, bs)
  const nOld = blockCount(base.size, bs)
  const index = dedup ? new ContentIndex(nOld + nNew, len, base.hashes, nOld, fresh.hashes) : undefined
  if (index) for (let j = 0; j < nOld; j++) index.add(j)
  for (let i = 0; i < nNew; i++) {
    const blen = blockLength(i, fresh.size, bs)
    if (i < nOld && blen === blockLength(i, base.size, bs) && bytesEqual(fresh.hashes, i * len, base.hashes, i * len, len)) continue
    const code = index ? index.find(fresh.hashes, i * len) : -1
    if (code >= 0 && code < nOld && blockLength(code, base.size, bs) === blen) diff.reference(i, OP_COPY_OLD, code)
    else if (code >= nOld && blockLength(code - nOld, fresh.size, bs) === blen) diff.reference(i, OP_COPY_NEW, code - nOld)
    else {
      diff.data(i, OP_LITERAL)
      index?.add(nOld + i)
    }
  }
}

function snapshotSender(ctx: SenderContext<SnapshotTaker>, o: SnapshotDiffOptions, idHasher: StrongHasher, verify: VerifySender | undefined): Half {
  const token = ctx.syncIndex
  let fresh: BlockManifest | undefined
  let freshBytes: Uint8Array | undefined
  /** The receiver's manifest, as its frames arrive. */
  let theirs: HashListReader | undefined
  let pushes = 0
  let done = false

  const push = (base: BlockManifest | undefined, baseId: Uint8Array | undefined): Frame[] => {
    pushes++
    const h = new FrameWriter(64).u8(TAG_HEADER).u8(base ? FLAG_HAS_BASE : 0)
    if (baseId) h.bytes(baseId)
    h.varint(fresh!.size).varint(o.blockSize).bytes(manifestId(idHasher, freshBytes!)).varint(token)
    const diff = new BlockStreamWriter(DIFF_STREAM, ctx.source, o.blockSize)
    if (base) writeDiff(diff, fresh!, base, o.dedup)
    const frames: Frame[] = [{ bytes: h.finish(), kind: 'control' }, ...diff.finish()]
    // The digest goes once, with the first flight: a second push is of the same source.
    if (verify && pushes === 1) frames.push(verify.digestFrame(ctx.source))
    return frames
  }

  const firstPush = async (): Promise<Frame[]> => {
    fresh = await ctx.tracker.take(ctx.source)
    freshBytes = serializeManifest(fresh)
    theirs = new HashListReader(NAME, MANIFEST, o.blockSize, fresh.hashLength)
    const saved = ctx.state.get(KEY_MANIFEST)
    const base = saved ? parseManifest(NAME, saved) : undefined
    // A manifest of another block size or hash cannot be diffed against: as good as none.
    if (base && base.blockSize === o.blockSize && base.hashLength === fresh.hashLength) return push(base, manifestId(idHasher, saved!))
    return push(undefined, undefined)
  }

  /** The second push, once the receiver's whole manifest is in: diffed against what the receiver holds. */
  const pushAgainstTheirs = (list: HashListReader): Frame[] => {
    const base: BlockManifest = { size: list.size, blockSize: o.blockSize, hashLength: fresh!.hashLength, hashes: list.hashes }
    return push(base, manifestId(idHasher, serializeManifest(base)))
  }

  return {
    get done() {
      return done
    },
    async step(inbox): Promise<Frame[]> {
      if (!theirs) return firstPush()
      const rest: Uint8Array[] = []
      for (const f of inbox) if (!theirs.accept(f)) rest.push(f)
      // A second manifest in one sync is refused by the reader: the list is already whole.
      const out = theirs.complete && pushes === 1 ? pushAgainstTheirs(theirs) : []
      return out.concat(answerUntilAck(NAME, rest, verify, ctx.source, token, 'sync', () => {
        ctx.state.set(KEY_MANIFEST, freshBytes!)
        done = true
      }))
    },
  }
}

/**
 * The receiving half: applies a push based on the manifest that describes its committed replica; it
 * discards any other push and answers it with its own manifest (once per sync).
 */
class SnapshotReceiver implements Half {
  /** Id of the manifest that describes the committed replica: the last one applied, or the one sent. */
  private myId: Uint8Array | undefined
  private mode: 'idle' | 'apply' | 'discard' = 'idle'
  private sentManifest = false
  private needManifest = false
  private applied = false
  private acked = false
  /** The push's target size, the id of its manifest and its sync token. */
  private size = 0
  private freshId: Uint8Array | undefined
  private token = 0
  private readonly blocks: BlockStreamReader
  /** Target blocks written in this sync, in increasing order (a reference to one must name one of these). */
  private readonly written: number[] = []

  constructor(
    private readonly ctx: ReceiverContext,
    private readonly o: SnapshotDiffOptions,
    private readonly hasher: StrongHasher,
    private readonly idHasher: StrongHasher,
    private readonly verify: VerifyReceiver | undefined,
  ) {
    this.myId = ctx.state.get(KEY_BASE)
    this.blocks = new BlockStreamReader(DIFF_STREAM, o.blockSize, ctx.staged)
  }

  get done(): boolean {
    return this.acked
  }

  step(inbox: readonly Uint8Array[]): Frame[] {
    for (const f of inbox) if (!this.verify?.accept(f)) this.accept(f)
    if (this.needManifest && !this.sentManifest) {
      this.sentManifest = true
      return this.manifestFrames()
    }
    if (!this.applied || this.acked) return []
    return verifiedAck(this.verify, this.ctx.staged, this.token, () => {
      this.acked = true
      this.ctx.state.set(KEY_BASE, this.freshId!)
    })
  }

  private accept(frame: Uint8Array): void {
    const r = new FrameReader(NAME, frame)
    const tag = r.u8()
    if (tag === TAG_HEADER) this.readHeader(r)
    else if (tag === DIFF_STREAM.blocksTag) {
      if (this.mode === 'idle') r.fail('blocks outside a push')
      if (this.mode === 'apply') this.blocks.blocks(r, this.size, this.entry)
    } else if (tag === DIFF_STREAM.endTag) this.readEnd(r)
    else throw unknownFrame(NAME, frame)
  }

  /** A push applies only if it is based on the manifest this replica matches; any other is discarded. */
  private readHeader(r: FrameReader): void {
    if (this.mode !== 'idle' || this.applied) r.fail('a header while a push is open or done')
    const baseId = (r.u8() & FLAG_HAS_BASE) !== 0 ? r.bytes(ID_BYTES) : undefined
    this.size = r.varint()
    if (this.size > MAX_VOLUME_BYTES) r.fail(`target size ${this.size} is past the largest volume`)
    const bs = r.varint()
    if (bs !== this.o.blockSize) r.fail(`block size ${bs} does not match the receiver's ${this.o.blockSize}`)
    this.freshId = r.bytes(ID_BYTES).slice()
    this.token = r.varint()
    r.end()
    this.mode = baseId && this.myId && bytesEqual(baseId, 0, this.myId, 0, ID_BYTES) ? 'apply' : 'discard'
  }

  /** One entry of the diff: the block's data, or a copy of a replica block or of a block this sync wrote. */
  private readonly entry: BlockEntryReader = (r, i, len, op) => {
    const { staged, replica } = this.ctx
    const bs = this.o.blockSize
    if (op === OP_LITERAL) this.blocks.data(r, i, len, op)
    else if (op === OP_COPY_OLD) {
      const j = r.varint()
      if (j >= blockCount(replica.size, bs) || blockLength(j, replica.size, bs) !== len) r.fail(`reference to replica block ${j} of another length or past the replica's end`)
      staged.write(i * bs, replica.read(j * bs, len))
    } else if (op === OP_COPY_NEW) {
      const j = r.varint()
      if (j >= i || !this.wasWritten(j) || blockLength(j, this.size, bs) !== len) r.fail(`reference to block ${j}, which this sync has not written (or of another length)`)
      staged.write(i * bs, staged.read(j * bs, len).slice())
    } else r.fail(`unknown block entry op ${op}`)
    this.written.push(i)
  }

  private wasWritten(j: number): boolean {
    const written = this.written
    let lo = 0
    let hi = written.length
    while (lo < hi) {
      const mid = (lo + hi) >>> 1
      if (written[mid]! < j) lo = mid + 1
      else hi = mid
    }
    return written[lo] === j
  }

  /** The end of a push: an applied one is complete; a discarded one is answered with this replica's manifest. */
  private readEnd(r: FrameReader): void {
    if (this.mode === 'idle') r.fail('end outside a push')
    if (this.mode === 'apply') {
      this.blocks.end(r, this.size)
      this.applied = true
    } else {
      r.varint()
      r.end()
      if (this.sentManifest) r.fail('the sender pushed against a manifest this replica does not match, twice')
      this.needManifest = true
    }
    this.mode = 'idle'
  }

  private manifestFrames(): Frame[] {
    const m = takeManifest(this.ctx.replica, this.o.blockSize, this.hasher)
    this.myId = manifestId(this.idHasher, serializeManifest(m))
    const len = m.hashLength
    return new HashListWriter(MANIFEST, m.size, this.o.blockSize, len, (i) => m.hashes.subarray(i * len, (i + 1) * len)).frames()
  }
}
