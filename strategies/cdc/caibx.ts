/**
 * Reads casync's blob index (.caibx; .caidx has the same layout): a 48-byte CaFormatIndex header
 * (size, type, feature flags, chunk size min/avg/max, all little-endian u64), a table header (size
 * UINT64_MAX, type CA_FORMAT_TABLE), then 40-byte items (the chunk's end offset, u64; its 32-byte
 * digest) until a tail whose first word is 0. The end offsets are casync's cut points.
 */
const CA_FORMAT_INDEX = 0x96824d9c7b129ff9n
const CA_FORMAT_TABLE = 0xe75b9e112f17417dn

export interface CasyncIndex {
  readonly min: number
  readonly avg: number
  readonly max: number
  /** Each chunk's end offset in the blob, ascending. */
  readonly ends: number[]
  /** Each chunk's digest (sha512-256 or sha256), hex. */
  readonly digests: string[]
}

export function readCaibx(bytes: Uint8Array): CasyncIndex {
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const fail = (what: string) => new Error(`caibx: ${what} (${b.length} bytes): not a casync index?`)
  if (b.length < 64 || b.readBigUInt64LE(0) !== 48n || b.readBigUInt64LE(8) !== CA_FORMAT_INDEX) throw fail('no index header')
  if (b.readBigUInt64LE(56) !== CA_FORMAT_TABLE) throw fail('no table header')
  const ends: number[] = []
  const digests: string[] = []
  for (let o = 64; ; o += 40) {
    if (o + 40 > b.length) throw fail('the table runs past the end')
    const end = Number(b.readBigUInt64LE(o))
    if (end === 0) break
    if (ends.length > 0 && end <= ends[ends.length - 1]!) throw fail(`chunk end ${end} is not after ${ends[ends.length - 1]}`)
    ends.push(end)
    digests.push(b.subarray(o + 8, o + 40).toString('hex'))
  }
  return { min: Number(b.readBigUInt64LE(24)), avg: Number(b.readBigUInt64LE(32)), max: Number(b.readBigUInt64LE(40)), ends, digests }
}
