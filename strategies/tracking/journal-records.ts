import { crc32 } from 'node:zlib'
import { varintLength, writeVarint } from '../../core/varint.ts'
import { FrameReader, type FrameWriter } from '../../core/wire.ts'

/**
 * Journal records, as they sit on the tracker's device and as they cross the wire (the sender ships the
 * device's bytes as they are): a write or a resize, with a log sequence number (LSN) and a CRC-32 over the
 * header and the data, so a torn or altered record is refused before it is replayed.
 *
 *   u8 type ('W' write | 'Z' resize) · varint lsn · varint offset (W) or size (Z) · varint length (W only)
 *   · u32 crc32 (little-endian) · data (W only)
 */
export const REC_WRITE = 0x57 // 'W'
export const REC_RESIZE = 0x5a // 'Z'

/** Most data bytes per record: a long write becomes several records, so no record grows with the volume. */
export const MAX_RECORD_DATA = 1 << 20
/** Largest offset or size a record may name (1 TiB, the harness's largest volume): bounds what a replay grows. */
export const MAX_JOURNAL_OFFSET = 2 ** 40

export interface JournalRecord {
  readonly type: typeof REC_WRITE | typeof REC_RESIZE
  readonly lsn: number
  /** Write offset, or the new size of a resize. */
  readonly offset: number
  /** Write data (empty for a resize); a view into the bytes it was read from. */
  readonly data: Uint8Array
  /** Bytes the record takes (header, checksum and data). */
  readonly encodedLength: number
}

const NO_DATA = new Uint8Array(0)

/** Bytes a record takes: header, CRC and data. */
export function recordLength(type: JournalRecord['type'], lsn: number, offset: number, dataLength: number): number {
  return 1 + varintLength(lsn) + varintLength(offset) + (type === REC_WRITE ? varintLength(dataLength) : 0) + 4 + dataLength
}

/** Encodes one record (header, CRC, data) into one new array: the data is copied once. */
export function encodeRecord(type: JournalRecord['type'], lsn: number, offset: number, data: Uint8Array = NO_DATA): Uint8Array {
  const out = new Uint8Array(recordLength(type, lsn, offset, data.length))
  encodeRecordInto(out, type, lsn, offset, data)
  return out
}

/** Encodes one record at the start of `out` (at least recordLength bytes); returns its length. */
export function encodeRecordInto(out: Uint8Array, type: JournalRecord['type'], lsn: number, offset: number, data: Uint8Array = NO_DATA): number {
  const headerLength = 1 + varintLength(lsn) + varintLength(offset) + (type === REC_WRITE ? varintLength(data.length) : 0)
  out[0] = type
  let at = writeVarint(out, 1, lsn)
  at = writeVarint(out, at, offset)
  if (type === REC_WRITE) writeVarint(out, at, data.length)
  const crc = crc32(data, crc32(out.subarray(0, headerLength)))
  new DataView(out.buffer, out.byteOffset).setUint32(headerLength, crc, true)
  out.set(data, headerLength + 4)
  return headerLength + 4 + data.length
}

/** Header scratch for writeRecord: type and three varints, at most 1 + 3 × 8 bytes, then the CRC. */
const header = new Uint8Array(32)

/**
 * Writes one write record whose data is `pieces` end to end (`length` bytes) into `w`: the same bytes as
 * encodeRecord of the joined data, with no joined copy and no record array (the CRC runs over the pieces in turn).
 */
export function writeRecord(w: FrameWriter, lsn: number, offset: number, pieces: readonly Uint8Array[], length: number): void {
  header[0] = REC_WRITE
  const end = writeVarint(header, writeVarint(header, writeVarint(header, 1, lsn), offset), length)
  let crc = crc32(header.subarray(0, end))
  for (const p of pieces) crc = crc32(p, crc)
  new DataView(header.buffer).setUint32(end, crc, true)
  w.bytes(header.subarray(0, end + 4))
  for (const p of pieces) w.bytes(p)
}

/**
 * Reads the next record. With `verify`, checks its CRC (the receiver does; the sender reading its own
 * device only needs the boundaries). Every length is bounded by what is left in the frame.
 */
export function readRecord(r: FrameReader, frame: Uint8Array, verify: boolean): JournalRecord {
  const start = r.offset
  const type = r.u8()
  if (type !== REC_WRITE && type !== REC_RESIZE) r.fail(`unknown journal record type 0x${type.toString(16)}`)
  const lsn = r.varint()
  const offset = r.varint()
  if (offset > MAX_JOURNAL_OFFSET) r.fail(`journal record ${lsn} names offset ${offset}, past the largest volume (${MAX_JOURNAL_OFFSET} bytes)`)
  const length = type === REC_WRITE ? r.bounded('journal record length', MAX_RECORD_DATA) : 0
  const headerEnd = r.offset
  const crcBytes = r.bytes(4)
  const data = r.bytes(length)
  if (verify) {
    const want = new DataView(crcBytes.buffer, crcBytes.byteOffset, 4).getUint32(0, true)
    const got = crc32(data, crc32(frame.subarray(start, headerEnd)))
    if (got !== want) r.fail(`journal record ${lsn} fails its checksum (stored ${want.toString(16)}, computed ${got.toString(16)})`)
  }
  return { type, lsn, offset, data, encodedLength: r.offset - start }
}

/** Every record in a run of encoded records (the device's contents, or one frame's payload). */
export function readRecords(who: string, bytes: Uint8Array, verify: boolean): JournalRecord[] {
  const r = new FrameReader(who, bytes)
  const out: JournalRecord[] = []
  while (r.remaining > 0) out.push(readRecord(r, bytes, verify))
  return out
}
