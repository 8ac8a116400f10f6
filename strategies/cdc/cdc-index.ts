/**
 * cdc-index, the casync/desync direction: the sender cuts the new version into content-defined chunks and
 * publishes its chunk index (length and truncated xxh128 per chunk, and the whole volume's digest); the
 * receiver cuts its replica with the same parameters (or takes its cached chunks), asks for the chunks it
 * lacks (run lengths or a bitmap, whichever is smaller), and rebuilds front to back into its stage. If the
 * rebuilt volume's digest disagrees (a truncated hash matched the wrong chunk), the receiver asks for the
 * index again with full 16-byte hashes and rebuilds; a second disagreement is an error, never a commit.
 * Flights: index down, request up, chunks down, acknowledgement up.
 */
import { FrameReader, FrameWriter } from '../../core/wire.ts'
import type { Frame, Half, ReceiverContext, SenderContext, Strategy } from '../../core/strategy.ts'
import { STEP_BUDGET, unknownFrame } from '../shared/block-stream.ts'
import { createStreamDigest } from '../shared/stream-digest.ts'
import type { StrongHasher } from '../shared/strong-hash.ts'
import { processHasher } from '../shared/process-hasher.ts'
import { CDC_DIGEST_BYTES, CDC_OPTIONS, cdcParams, hashBytesFor, type CdcOptions, type CdcParams } from './cdc-options.ts'
import { isControl, PieceAssembler, pieceFrames, TAG_ACK, TAG_REPAIR } from './cdc-frames.ts'
import { ChunkDataWriter, readChunkEntries, TAG_DATA } from './chunk-data.ts'
import { decodeIndex, encodeIndex, type ChunkIndex } from './chunk-index-wire.ts'
import { decodeRequest, encodeRequest } from './chunk-request.ts'
import { ChunkRebuild } from './chunk-rebuild.ts'
import { ChunkTable } from './chunk-table.ts'
import { unpackChunk } from './chunk-codec.ts'
import { replicaChunks, sameBytes, saveReplicaChunks } from './replica-chunks.ts'
import { chunkSizeSpread, chunkVolume, type VolumeChunks } from './volume-chunks.ts'

const NAME = 'cdc-index'
const TAG_INDEX = 0x49 // 'I'
const TAG_REQUEST = 0x52 // 'R'
const TAG_DATA_END = 0x45 // 'E'
/** Largest index or request a half accepts (1 GiB): bounds what a forged stream can make it hold. */
const MAX_PAYLOAD = 1 << 30


class IndexSender implements Half {
  done = false
  private chunks: VolumeChunks | undefined
  private digest: Uint8Array | undefined
  private readonly request = new PieceAssembler(NAME, TAG_REQUEST, MAX_PAYLOAD)
  private pass = 0
  private waiting = false
  private sending: { need: Uint8Array; next: number; writer: ChunkDataWriter } | undefined

  constructor(
    private readonly ctx: SenderContext,
    private readonly o: CdcOptions,
    private readonly p: CdcParams,
    private readonly hasher: StrongHasher,
  ) {}

  async step(inbox: readonly Uint8Array[]): Promise<Frame[]> {
    for (const f of inbox) {
      if (this.done) throw unknownFrame(NAME, f)
      if (this.waiting && isControl(f, TAG_ACK)) this.done = true
      else if (this.waiting && this.pass === 1 && isControl(f, TAG_REPAIR)) return this.index(2, CDC_DIGEST_BYTES)
      else if (!this.request.accept(f)) throw unknownFrame(NAME, f)
    }
    if (this.done) return []
    if (!this.chunks) return this.start()
    const req = this.request.complete
    if (req && !this.sending) {
      if (this.request.pass !== this.pass) throw new FrameReader(NAME, req).fail(`a request for pass ${this.request.pass} during pass ${this.pass}`)
      this.request.complete = undefined
      this.sending = { need: decodeRequest(NAME, req, this.chunks.count), next: 0, writer: new ChunkDataWriter(this.ctx.source, this.p.compression) }
    }
    return this.sending ? this.send() : []
  }

  private async start(): Promise<Frame[]> {
    const d = await createStreamDigest('xxh128')
    this.chunks = chunkVolume(this.ctx.source, this.p.make(), this.p.max, this.hasher, d)
    this.digest = d.digest()
    const spread = chunkSizeSpread(this.chunks)
    this.ctx.telemetry.set('chunk_min', spread.min)
    this.ctx.telemetry.set('chunk_median', spread.median)
    this.ctx.telemetry.set('chunk_max', spread.max)
    // The replica's chunk count is not known here: the bound assumes it has as many as the new version.
    return this.index(1, hashBytesFor(this.o, this.chunks.count, this.chunks.count))
  }

  private index(pass: number, hashBytes: number): Frame[] {
    this.pass = pass
    this.waiting = false
    return pieceFrames(TAG_INDEX, pass, encodeIndex(this.p.key, hashBytes, this.ctx.source.size, this.chunks!, true, this.digest), 'manifest')
  }

  /** The requested chunks from where the last step stopped, up to the step budget; the end frame after the last. */
  private async send(): Promise<Frame[]> {
    const s = this.sending!
    const c = this.chunks!
    for (; s.next < c.count && s.writer.pending < STEP_BUDGET; s.next++) {
      if (s.need[s.next]) await s.writer.add(c.offsets[s.next]!, c.offsets[s.next + 1]! - c.offsets[s.next]!)
    }
    const frames = s.writer.take()
    if (s.next < c.count) return frames
    this.sending = undefined
    this.waiting = true
    return [...frames, { bytes: new FrameWriter(8).u8(TAG_DATA_END).varint(this.pass).finish(), kind: 'control' }]
  }
}

class IndexReceiver implements Half {
  done = false
  private readonly index = new PieceAssembler(NAME, TAG_INDEX, MAX_PAYLOAD)
  private replica: VolumeChunks | undefined
  private idx: ChunkIndex | undefined
  /** For chunk i of the index, the replica's chunk with its hash and length, or -1 when it was requested. */
  private have = new Int32Array(0)
  private next = 0
  private rebuild: ChunkRebuild | undefined
  private pass = 0

  constructor(
    private readonly ctx: ReceiverContext,
    private readonly o: CdcOptions,
    private readonly p: CdcParams,
    private readonly hasher: StrongHasher,
  ) {}

  async step(inbox: readonly Uint8Array[]): Promise<Frame[]> {
    const out: Frame[] = []
    for (const f of inbox) {
      if (this.done) throw unknownFrame(NAME, f)
      if (this.index.accept(f)) {
        if (this.index.complete) out.push(await this.onIndex(this.index.complete, this.index.pass))
      } else if (this.idx && f[0] === TAG_DATA) await this.onData(f)
      else if (this.idx && f[0] === TAG_DATA_END) out.push(this.onEnd(f))
      else throw unknownFrame(NAME, f)
    }
    return out
  }

  private async onIndex(payload: Uint8Array, pass: number): Promise<Frame> {
    this.index.complete = undefined
    const idx = decodeIndex(NAME, payload)
    const r = new FrameReader(NAME, payload)
    if (pass !== this.pass + 1 || pass > 2) r.fail(`an index for pass ${pass} after pass ${this.pass}`)
    if (!idx.offsets || !idx.digest) return r.fail('an index without chunk lengths or digest')
    // Both halves get the same options from the harness: another cut rule here is a damaged frame.
    if (idx.key !== this.p.key) r.fail(`the sender cuts with ${JSON.stringify(idx.key)}, this receiver with ${this.p.key} (chunker/min/avg/max/normalization)`)
    const t = this.ctx.telemetry
    if (!this.replica) {
      const made = await replicaChunks(this.ctx.replica, this.p, this.hasher, this.ctx.state, this.o.cache)
      this.replica = made.chunks
      t.set('sums_cached', made.fromCache)
      t.set('effective_block_size', this.p.avg)
      t.set('strong_bytes', idx.hashBytes)
      t.set('delta_passes', 1)
    }
    const rc = this.replica
    const table = new ChunkTable(rc.hashes, CDC_DIGEST_BYTES, rc.count, idx.hashBytes)
    const need = new Uint8Array(idx.count)
    const offsets = idx.offsets
    this.have = new Int32Array(idx.count)
    for (let i = 0; i < idx.count; i++) {
      const length = offsets[i + 1]! - offsets[i]!
      // A chunk of another length is another chunk, whatever its truncated hash says.
      const j = table.find(idx.hashes, i * idx.hashBytes, (k) => rc.offsets[k + 1]! - rc.offsets[k]! === length)
      this.have[i] = j
      need[i] = j < 0 ? 1 : 0
    }
    Object.assign(this, { pass, idx, next: 0 })
    this.rebuild = new ChunkRebuild(this.ctx.replica, this.ctx.staged, rc, this.hasher, await createStreamDigest('xxh128'), pass === 1, this.o.cache)
    return pieceFrames(TAG_REQUEST, pass, encodeRequest(need, idx.count), 'control')[0]!
  }

  /** Copies the replica's chunks from the next one up to the next that was requested. */
  private copyHeld(): void {
    const count = this.idx!.count
    while (this.next < count && this.have[this.next]! >= 0) this.rebuild!.copy(this.have[this.next++]!)
  }

  private async onData(f: Uint8Array): Promise<void> {
    const idx = this.idx!
    for (const e of readChunkEntries(NAME, f)) {
      this.copyHeld()
      if (this.next >= idx.count) new FrameReader(NAME, f).fail('more chunks than were requested')
      const length = idx.offsets![this.next + 1]! - idx.offsets![this.next]!
      this.rebuild!.append(await unpackChunk(NAME, this.p.compression, e.bytes, e.packed, length))
      this.next++
    }
  }

  private onEnd(f: Uint8Array): Frame {
    const r = new FrameReader(NAME, f)
    r.u8()
    if (r.varint() !== this.pass) r.fail(`an end of another pass than ${this.pass}`)
    r.end()
    const idx = this.idx!
    this.copyHeld()
    if (this.next !== idx.count) r.fail(`the chunks ended at ${this.next} of ${idx.count}`)
    const rb = this.rebuild!
    const got = rb.finish()
    const t = this.ctx.telemetry
    t.set('block_matches', rb.copies)
    t.set('matched_data', rb.matched)
    t.set('literal_data', rb.literal)
    if (sameBytes(got, idx.digest!)) {
      this.done = true
      saveReplicaChunks(this.ctx.state, this.p, this.o.cache, got, rb.list.finish())
      return { bytes: Uint8Array.of(TAG_ACK), kind: 'control' }
    }
    if (this.pass === 2) throw new Error(`${NAME}: the rebuilt volume's digest disagrees with the source's even with full-length chunk hashes (a strategy bug, or a replica changed behind the receiver's cache)`)
    // A truncated hash let a wrong chunk through: ask for the index with full hashes and rebuild.
    t.set('delta_passes', 2)
    this.idx = undefined
    return { bytes: Uint8Array.of(TAG_REPAIR), kind: 'control' }
  }
}

export const cdcIndex: Strategy<CdcOptions, undefined> = {
  name: NAME,
  summary: 'content-defined chunks (FastCDC or casync\'s): the new version\'s chunk index down, the lacking chunks requested and sent, whole-volume digest',
  options: CDC_OPTIONS,
  // Per block size (the average chunk size): min ≤ avg ≤ max and the chunker's own rules, before the run.
  validate: (o) => void cdcParams(NAME, o),
  needsWriteTrace: false,
  async sender(ctx, o): Promise<Half> {
    return new IndexSender(ctx, o, cdcParams(NAME, o), await processHasher('xxh128'))
  },
  async receiver(ctx, o): Promise<Half> {
    return new IndexReceiver(ctx, o, cdcParams(NAME, o), await processHasher('xxh128'))
  },
}
