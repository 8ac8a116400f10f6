import type { ReadonlyVolume } from '../../core/volume.ts'
import { defineOptions, type OptionsOf } from '../../core/options.ts'
import { blockSizeOption, type Frame, type Half, type ReceiverContext, type SenderContext, type Strategy, type Tracker, type TrackerContext, type TrackerDevice } from '../../core/strategy.ts'
import { unknownFrame } from '../shared/block-stream.ts'
import { coalesce } from './coalesce.ts'
import { encodeRecord, encodeRecordInto, MAX_JOURNAL_OFFSET, MAX_RECORD_DATA, readRecord, readRecords, REC_RESIZE, REC_WRITE, writeRecord, type JournalRecord } from './journal-records.ts'
import { VerifyReceiver, VerifySender } from './self-verify.ts'
import { varintLength, writeVarint } from '../../core/varint.ts'
import { FrameReader, FrameWriter } from '../../core/wire.ts'
import { FramePacker } from '../shared/frame-packer.ts'
import { answerUntilAck, verifiedAck } from './ack.ts'

const OPTIONS = defineOptions({
  blockSize: blockSizeOption('records cover whole blocks of this size around each write (unless byteExact)'),
  byteExact: { type: 'boolean', default: false, description: 'log exactly the bytes written, not the blocks around them' },
  coalesce: { type: 'boolean', default: true, description: 'ship the final state of the records since the last acknowledged sync (last write wins); false replays every record as written' },
  selfVerify: { type: 'boolean', default: false, description: 'send a whole-volume digest after the replay; on a mismatch the receiver asks for a block-hash repair pass' },
})
export type JournalReplayOptions = OptionsOf<typeof OPTIONS>

const NAME = 'journal-replay'
const TAG_HEADER = 0x48 // 'H': first LSN, last LSN, record count, flags
const TAG_RECORDS = 0x4a // 'J': records, exactly as on the journal device (or coalesced)
const TAG_END = 0x45 // 'E': record count again, so a cut stream is caught before commit
const FLAG_COALESCED = 1
/** Receiver state: the LSN of the last record its committed replica holds. */
const KEY_APPLIED = 'lsn'

/**
 * The write path of a block-layer journal: every write becomes records (LSN, offset, length, CRC, data)
 * appended to the tracker's device, where every byte is metered (tracker_device_bytes is the write
 * amplification). Unless byteExact, a record covers the whole blocks around the write, read back from the
 * device as a block journal's read-modify-write would. Resizes are records too.
 */
export class JournalTracker implements Tracker {
  /** LSN the next record gets; LSNs start at 1 and only grow. */
  nextLsn = 1
  private size: number
  /** Room for the largest record: its data and a header of at most 1 + 3 varints + CRC. */
  private readonly scratch = new Uint8Array(MAX_RECORD_DATA + 64)

  constructor(
    readonly device: TrackerDevice,
    private readonly source: ReadonlyVolume,
    private readonly blockSize: number,
    private readonly byteExact: boolean,
  ) {
    this.size = source.size
  }

  onWrite(w: { offset: number; data: Uint8Array }): void {
    let from = w.offset
    let to = w.offset + w.data.length
    let data = w.data
    if (!this.byteExact) {
      from -= from % this.blockSize
      // The block around the end, clipped to the device (never short of the write itself).
      to = Math.max(to, Math.min(Math.ceil(to / this.blockSize) * this.blockSize, this.source.size))
      if (from !== w.offset || to !== w.offset + w.data.length) data = this.source.read(from, to - from)
    }
    for (let at = 0; at < data.length; at += MAX_RECORD_DATA) {
      const piece = data.subarray(at, Math.min(data.length, at + MAX_RECORD_DATA))
      // Encoded in a scratch buffer the device copies from: a shifted tail is hundreds of MiB of records a sync.
      const n = encodeRecordInto(this.scratch, REC_WRITE, this.nextLsn++, from + at, piece)
      this.device.append(this.scratch.subarray(0, n))
    }
  }

  onResize(size: number): void {
    this.size = size
    this.device.append(encodeRecord(REC_RESIZE, this.nextLsn++, size))
  }

  /** Next LSN and size: the in-memory index; the records themselves are on the device. */
  serialize(): Uint8Array {
    const out = new Uint8Array(varintLength(this.nextLsn) + varintLength(this.size))
    writeVarint(out, writeVarint(out, 0, this.nextLsn), this.size)
    return out
  }

  /** Every record on the device, oldest first. */
  records(): JournalRecord[] {
    return readRecords(NAME, this.device.contents(), false)
  }

  /** Drops the records up to `lsn` once the receiver has acknowledged them; later ones stay. */
  truncate(lsn: number): void {
    // Everything acknowledged (writes and syncs alternate here): nothing to read back to find what stays.
    if (lsn >= this.nextLsn - 1) return this.device.clear()
    const bytes = this.device.contents()
    const r = new FrameReader(NAME, bytes)
    let keepFrom = bytes.length
    while (r.remaining > 0) {
      const at = r.offset
      if (readRecord(r, bytes, false).lsn > lsn) {
        keepFrom = at
        break
      }
    }
    const rest = bytes.slice(keepFrom)
    this.device.clear()
    // Records written during the sync (never, in this harness: writes and syncs alternate) are kept.
    if (rest.length > 0) this.device.append(rest)
  }
}

/**
 * Journal replay: the sender ships the records written since the last acknowledged sync (or, with
 * coalesce, their final state); the receiver checks every record's CRC and replays them in order into its
 * staged replica, skipping records its replica already holds (an LSN at or below the last one it
 * committed: a resend after a crash is not applied twice); the journal is truncated only on the
 * acknowledgement. Needs a write trace.
 */
export const journalReplay: Strategy<JournalReplayOptions, JournalTracker> = {
  name: NAME,
  summary: 'a write journal (LSN, offset, data, CRC per record); ship records since the last ack, replay in order',
  options: OPTIONS,
  needsWriteTrace: true,
  selfVerifies: (o) => o.selfVerify,
  tracker(ctx: TrackerContext, o) {
    return new JournalTracker(ctx.device, ctx.source, o.blockSize, o.byteExact)
  },
  sender(ctx, o) {
    return o.selfVerify ? VerifySender.create(NAME, o.blockSize).then((v) => journalSender(ctx, o, v)) : journalSender(ctx, o, undefined)
  },
  receiver(ctx, o) {
    return o.selfVerify ? VerifyReceiver.create(NAME, o.blockSize).then((v) => journalReceiver(ctx, v)) : journalReceiver(ctx, undefined)
  },
}

function journalSender(ctx: SenderContext<JournalTracker>, o: JournalReplayOptions, verify: VerifySender | undefined): Half {
  let upTo = -1
  let done = false
  return {
    get done() {
      return done
    },
    step(inbox): Frame[] {
      if (upTo < 0) {
        const journal = ctx.tracker
        const device = journal.device.contents()
        const records = readRecords(NAME, device, false)
        upTo = journal.nextLsn - 1
        const first = records[0]?.lsn ?? upTo + 1
        const pack = new FramePacker(TAG_RECORDS)
        // An encoded record as an entry, its data counted as literal.
        const add = (encoded: Uint8Array, dataBytes: number) => {
          pack.entry().bytes(encoded)
          pack.added(dataBytes, 0)
        }
        let count = 0
        if (o.coalesce) {
          // Every coalesced record carries the batch's last LSN: the batch is replayed whole or not at all.
          const c = coalesce(records, MAX_RECORD_DATA)
          if (c.minSize !== undefined && c.finalSize !== undefined) {
            add(encodeRecord(REC_RESIZE, upTo, c.minSize), 0)
            add(encodeRecord(REC_RESIZE, upTo, c.finalSize), 0)
            count += 2
          }
          // Encoded straight into the frame: a fresh array per record cost more than the copy (hot-spot: 243 a sync).
          for (const e of c.extents) {
            writeRecord(pack.entry(), upTo, e.offset, e.pieces, e.length)
            pack.added(e.length, 0)
          }
          count += c.extents.length
        } else {
          // The device's bytes as they are: no re-encoding, the receiver checks the CRCs written at write time.
          let at = 0
          for (const rec of records) {
            add(device.subarray(at, at + rec.encodedLength), rec.data.length)
            at += rec.encodedLength
          }
          count = records.length
        }
        const header = new FrameWriter(24).u8(TAG_HEADER).varint(first).varint(upTo).varint(count).u8(o.coalesce ? FLAG_COALESCED : 0).finish()
        const frames: Frame[] = [{ bytes: header, kind: 'control' }, ...pack.take(), { bytes: new FrameWriter(8).u8(TAG_END).varint(count).finish(), kind: 'control' }]
        if (verify) frames.push(verify.digestFrame(ctx.source))
        return frames
      }
      return answerUntilAck(NAME, inbox, verify, ctx.source, upTo, 'LSN', (acked) => {
        ctx.tracker.truncate(acked)
        done = true
      })
    },
  }
}

function journalReceiver(ctx: ReceiverContext, verify: VerifyReceiver | undefined): Half {
  const stored = ctx.state.get(KEY_APPLIED)
  const applied = stored ? new FrameReader(NAME, stored).varint() : 0
  let first = -1
  let upTo = -1
  let expected = -1
  let received = 0
  let lastLsn = 0
  let ended = false
  let acked = false

  const replay = (rec: JournalRecord, r: FrameReader): void => {
    if (rec.lsn < lastLsn) r.fail(`journal record LSN ${rec.lsn} after ${lastLsn}: records out of order`)
    if (rec.lsn < first || rec.lsn > upTo) r.fail(`journal record LSN ${rec.lsn} outside the batch [${first}, ${upTo}]`)
    lastLsn = rec.lsn
    received++
    // Already in the committed replica (a resend after the sender missed an acknowledgement): skip.
    if (rec.lsn <= applied) return
    if (rec.type === REC_RESIZE) ctx.staged.truncate(rec.offset)
    else {
      if (rec.offset + rec.data.length > MAX_JOURNAL_OFFSET) r.fail(`journal record ${rec.lsn} writes past ${MAX_JOURNAL_OFFSET} bytes`)
      ctx.staged.write(rec.offset, rec.data)
    }
  }

  return {
    get done() {
      return acked
    },
    step(inbox): Frame[] {
      for (const f of inbox) {
        if (verify?.accept(f)) continue
        const r = new FrameReader(NAME, f)
        const tag = r.u8()
        if (tag === TAG_HEADER) {
          if (upTo >= 0) r.fail('second header')
          first = r.varint()
          upTo = r.varint()
          expected = r.varint()
          r.u8()
          r.end()
          if (expected > 0 && first > applied + 1) r.fail(`journal gap: this replica holds records up to LSN ${applied}, the batch starts at ${first}; records were truncated before it applied them (a full resync is needed)`)
        } else if (tag === TAG_RECORDS) {
          if (upTo < 0 || ended) r.fail('records outside a header/end pair')
          while (r.remaining > 0) replay(readRecord(r, f, true), r)
        } else if (tag === TAG_END) {
          if (upTo < 0) r.fail('end before the header')
          const n = r.varint()
          r.end()
          if (n !== expected || received !== expected) r.fail(`batch of ${expected} records: end says ${n}, ${received} arrived`)
          ended = true
        } else throw unknownFrame(NAME, f)
      }
      if (!ended) return []
      return verifiedAck(verify, ctx.staged, upTo, () => {
        acked = true
        ctx.state.set(KEY_APPLIED, new FrameWriter(8).varint(upTo).finish())
      })
    },
  }
}
