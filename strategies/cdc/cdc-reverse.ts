/**
 * cdc-reverse, the rsync direction with content-defined chunks: the receiver sends its replica's chunk
 * hashes (truncated; no lengths: the sender only names chunks), the sender cuts the new version with the
 * same parameters and answers chunk by chunk with copy runs of the receiver's chunks it has and literal
 * bytes (optionally compressed) for the rest, then the whole volume's digest. If the rebuilt volume's
 * digest disagrees, the receiver sends its hashes again at full length (pass 2) and rebuilds; a second
 * disagreement is an error, never a commit. Flights: hashes up, delta down, acknowledgement up.
 */
import { FrameReader, FrameWriter } from '../../core/wire.ts'
import type { Frame, Half, ReceiverContext, SenderContext, Strategy } from '../../core/strategy.ts'
import { STEP_BUDGET, unknownFrame } from '../shared/block-stream.ts'
import { createStreamDigest } from '../shared/stream-digest.ts'
import type { StrongHasher } from '../shared/strong-hash.ts'
import { processHasher } from '../shared/process-hasher.ts'
import { CDC_DIGEST_BYTES, CDC_OPTIONS, cdcParams, hashBytesFor, type CdcOptions, type CdcParams } from './cdc-options.ts'
import { isControl, PieceAssembler, pieceFrames, TAG_ACK } from './cdc-frames.ts'
import { decodeIndex, encodeIndex } from './chunk-index-wire.ts'
import { ChunkOpWriter, readChunkOps, TAG_OPS } from './chunk-ops.ts'
import { ChunkRebuild } from './chunk-rebuild.ts'
import { ChunkTable } from './chunk-table.ts'
import { unpackChunk } from './chunk-codec.ts'
import { replicaChunks, sameBytes, saveReplicaChunks } from './replica-chunks.ts'
import { chunkSizeSpread, chunkVolume, type VolumeChunks } from './volume-chunks.ts'

const NAME = 'cdc-reverse'
const TAG_SIG = 0x48 // 'H'
const TAG_END = 0x5a // 'Z'
/** Largest signature a sender accepts (1 GiB of hashes). */
const MAX_SIGNATURE = 1 << 30

class ReverseSender implements Half {
  done = false
  private readonly sig = new PieceAssembler(NAME, TAG_SIG, MAX_SIGNATURE)
  private chunks: VolumeChunks | undefined
  private digest: Uint8Array | undefined
  private pass = 0
  private waiting = false
  private scan: { table: ChunkTable; hashBytes: number; count: number; next: number; ops: ChunkOpWriter } | undefined

  constructor(
    private readonly ctx: SenderContext,
    private readonly p: CdcParams,
    private readonly hasher: StrongHasher,
  ) {}

  async step(inbox: readonly Uint8Array[]): Promise<Frame[]> {
    for (const f of inbox) {
      if (this.done) throw unknownFrame(NAME, f)
      if (this.waiting && isControl(f, TAG_ACK)) this.done = true
      else if (!this.sig.accept(f)) throw unknownFrame(NAME, f)
    }
    if (this.done) return []
    if (this.sig.complete) await this.startPass(this.sig.complete, this.sig.pass)
    return this.scan ? this.send() : []
  }

  private async startPass(payload: Uint8Array, pass: number): Promise<void> {
    this.sig.complete = undefined
    const sig = decodeIndex(NAME, payload)
    const r = new FrameReader(NAME, payload)
    if (pass !== this.pass + 1 || pass > 2 || (pass === 2 && !this.waiting)) r.fail(`hashes for pass ${pass} after pass ${this.pass}`)
    // Both halves get the same options from the harness: another cut rule here is a damaged frame.
    if (sig.key !== this.p.key) r.fail(`the receiver cuts with ${JSON.stringify(sig.key)}, this sender with ${this.p.key} (chunker/min/avg/max/normalization)`)
    if (!this.chunks) {
      const d = await createStreamDigest('xxh128')
      this.chunks = chunkVolume(this.ctx.source, this.p.make(), this.p.max, this.hasher, d)
      this.digest = d.digest()
      const spread = chunkSizeSpread(this.chunks)
      this.ctx.telemetry.set('chunk_min', spread.min)
      this.ctx.telemetry.set('chunk_median', spread.median)
      this.ctx.telemetry.set('chunk_max', spread.max)
    }
    this.pass = pass
    this.waiting = false
    const table = new ChunkTable(sig.hashes, sig.hashBytes, sig.count, sig.hashBytes)
    this.scan = { table, hashBytes: sig.hashBytes, count: sig.count, next: 0, ops: new ChunkOpWriter(this.p.compression) }
  }

  /** Ops for the new version's chunks from where the last step stopped, up to the step budget; the end after the last. */
  private async send(): Promise<Frame[]> {
    const s = this.scan!
    const c = this.chunks!
    for (; s.next < c.count && s.ops.pending < STEP_BUDGET; s.next++) {
      const j = s.table.find(c.hashes, s.next * CDC_DIGEST_BYTES)
      if (j >= 0) s.ops.copy(j)
      else await s.ops.literal(this.ctx.source.read(c.offsets[s.next]!, c.offsets[s.next + 1]! - c.offsets[s.next]!))
    }
    if (s.next < c.count) return s.ops.take()
    s.ops.flush()
    const frames = s.ops.take()
    this.scan = undefined
    this.waiting = true
    const end = new FrameWriter(32).u8(TAG_END).varint(this.pass).varint(s.ops.ops).bytes(this.digest!).finish()
    return [...frames, { bytes: end, kind: 'control' }]
  }
}

class ReverseReceiver implements Half {
  done = false
  private replica: VolumeChunks | undefined
  private rebuild: ChunkRebuild | undefined
  private pass = 0
  private ops = 0

  constructor(
    private readonly ctx: ReceiverContext,
    private readonly o: CdcOptions,
    private readonly p: CdcParams,
    private readonly hasher: StrongHasher,
  ) {}

  async step(inbox: readonly Uint8Array[]): Promise<Frame[]> {
    if (!this.replica) {
      const made = await replicaChunks(this.ctx.replica, this.p, this.hasher, this.ctx.state, this.o.cache)
      this.replica = made.chunks
      const hashBytes = hashBytesFor(this.o, made.chunks.count, made.chunks.count)
      const t = this.ctx.telemetry
      t.set('sums_cached', made.fromCache)
      t.set('effective_block_size', this.p.avg)
      t.set('strong_bytes', hashBytes)
      t.set('delta_passes', 1)
      return this.startPass(1, hashBytes)
    }
    const out: Frame[] = []
    for (const f of inbox) {
      if (this.done) throw unknownFrame(NAME, f)
      if (f[0] === TAG_OPS) await this.apply(f)
      else if (f[0] === TAG_END) out.push(...(await this.end(f)))
      else throw unknownFrame(NAME, f)
    }
    return out
  }

  /** The replica's hashes for pass n (truncated in pass 1, full in pass 2), with a fresh rebuild. */
  private async startPass(n: number, hashBytes: number): Promise<Frame[]> {
    this.pass = n
    this.ops = 0
    this.rebuild = new ChunkRebuild(this.ctx.replica, this.ctx.staged, this.replica!, this.hasher, await createStreamDigest('xxh128'), n === 1, this.o.cache)
    return pieceFrames(TAG_SIG, n, encodeIndex(this.p.key, hashBytes, this.ctx.replica.size, this.replica!, false), 'signature')
  }

  private async apply(f: Uint8Array): Promise<void> {
    const rb = this.rebuild!
    const count = this.replica!.count
    for (const op of readChunkOps(NAME, f, this.p.max)) {
      this.ops++
      if (!op.copy) rb.append(await unpackChunk(NAME, this.p.compression, op.bytes, op.packed, op.length))
      else if (op.count < 1 || op.first + op.count > count) new FrameReader(NAME, f).fail(`a copy of chunks ${op.first}+${op.count} of ${count}`)
      else for (let j = op.first; j < op.first + op.count; j++) rb.copy(j)
    }
  }

  private async end(f: Uint8Array): Promise<Frame[]> {
    const r = new FrameReader(NAME, f)
    r.u8()
    if (r.varint() !== this.pass) r.fail(`an end of another pass than ${this.pass}`)
    if (r.varint() !== this.ops) r.fail(`the end counts other ops than the ${this.ops} that arrived`)
    const digest = r.bytes(CDC_DIGEST_BYTES)
    r.end()
    const rb = this.rebuild!
    const got = rb.finish()
    const t = this.ctx.telemetry
    t.set('block_matches', rb.copies)
    t.set('matched_data', rb.matched)
    t.set('literal_data', rb.literal)
    if (sameBytes(got, digest)) {
      this.done = true
      saveReplicaChunks(this.ctx.state, this.p, this.o.cache, got, rb.list.finish())
      return [{ bytes: Uint8Array.of(TAG_ACK), kind: 'control' }]
    }
    if (this.pass === 2) throw new Error(`${NAME}: the rebuilt volume's digest disagrees with the source's even with full-length chunk hashes (a strategy bug, or a replica changed behind the receiver's cache)`)
    // A truncated hash let a wrong chunk through: send the hashes at full length and rebuild.
    t.set('delta_passes', 2)
    return this.startPass(2, CDC_DIGEST_BYTES)
  }
}

export const cdcReverse: Strategy<CdcOptions, undefined> = {
  name: NAME,
  summary: 'content-defined chunks, rsync\'s direction: the replica\'s chunk hashes up, copy runs and literal chunks down, whole-volume digest',
  options: CDC_OPTIONS,
  // Per block size (the average chunk size): min ≤ avg ≤ max and the chunker's own rules, before the run.
  validate: (o) => void cdcParams(NAME, o),
  needsWriteTrace: false,
  async sender(ctx, o): Promise<Half> {
    return new ReverseSender(ctx, cdcParams(NAME, o), await processHasher('xxh128'))
  },
  async receiver(ctx, o): Promise<Half> {
    return new ReverseReceiver(ctx, o, cdcParams(NAME, o), await processHasher('xxh128'))
  },
}
