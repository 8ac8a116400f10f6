/**
 * Chunk data on the wire: frames of entries `varint(stored length · 2 + compressed?)` then the bytes,
 * each a whole chunk (the peer knows its length from the index), packed up to the frame limit.
 */
import type { Frame } from '../../core/strategy.ts'
import type { ReadonlyVolume } from '../../core/volume.ts'
import { FrameReader } from '../../core/wire.ts'
import { FramePacker } from '../shared/frame-packer.ts'
import { packChunk, type ChunkCompression } from './chunk-codec.ts'

export const TAG_DATA = 0x44 // 'D'

/** One entry as it arrived: a view into the frame, to be unpacked against the chunk's known length. */
export interface ChunkEntry {
  readonly bytes: Uint8Array
  readonly packed: boolean
}

export class ChunkDataWriter {
  private readonly packer = new FramePacker(TAG_DATA)
  /** Bytes of chunks written so far, before compression. */
  plain = 0

  constructor(
    private readonly source: ReadonlyVolume,
    private readonly compression: ChunkCompression,
  ) {}

  /** Adds the chunk [offset, offset + length) of the source. */
  async add(offset: number, length: number): Promise<void> {
    const { bytes, packed } = await packChunk(this.compression, this.source.read(offset, length))
    this.packer.entry().varint(bytes.length * 2 + (packed ? 1 : 0)).bytes(bytes)
    this.packer.added(bytes.length, 0)
    this.plain += length
  }

  get pending(): number {
    return this.packer.pending
  }

  take(): Frame[] {
    return this.packer.take()
  }
}

/** The entries of a data frame (tag checked by the caller). */
export function readChunkEntries(who: string, f: Uint8Array): ChunkEntry[] {
  const r = new FrameReader(who, f)
  r.u8()
  const out: ChunkEntry[] = []
  while (r.remaining > 0) {
    const h = r.varint()
    out.push({ bytes: r.bytes(Math.floor(h / 2)), packed: h % 2 === 1 })
  }
  return out
}
