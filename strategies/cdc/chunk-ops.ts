/**
 * cdc-reverse's delta: ops that rebuild the new version front to back, each a whole chunk of it or a run
 * of them. An entry's header varint h says which: h mod 4 = 0, a stored literal of h div 4 bytes; 1, a
 * compressed literal of h div 4 bytes (its plain length follows as a varint); 2, a run of h div 4 of the
 * receiver's chunks from the one whose index follows. Packed into frames by FramePacker.
 */
import type { Frame } from '../../core/strategy.ts'
import { FrameReader } from '../../core/wire.ts'
import { varintLength } from '../../core/varint.ts'
import { FramePacker } from '../shared/frame-packer.ts'
import { packChunk, type ChunkCompression } from './chunk-codec.ts'

export const TAG_OPS = 0x4f // 'O'

export type ChunkOp = { readonly copy: true; readonly first: number; readonly count: number } | { readonly copy: false; readonly bytes: Uint8Array; readonly packed: boolean; readonly length: number }

export class ChunkOpWriter {
  private readonly packer = new FramePacker(TAG_OPS)
  ops = 0
  private runFirst = -1
  private runCount = 0

  constructor(private readonly compression: ChunkCompression) {}

  /** The receiver's chunk j next: extends the open run when it follows it. */
  copy(j: number): void {
    if (this.runCount > 0 && j === this.runFirst + this.runCount) return void this.runCount++
    this.flush()
    this.runFirst = j
    this.runCount = 1
  }

  async literal(data: Uint8Array): Promise<void> {
    this.flush()
    const { bytes, packed } = await packChunk(this.compression, data)
    const w = this.packer.entry().varint(bytes.length * 4 + (packed ? 1 : 0))
    if (packed) w.varint(data.length)
    w.bytes(bytes)
    this.packer.added(bytes.length, 0)
    this.ops++
  }

  /** Writes the open copy run, if any. */
  flush(): void {
    if (this.runCount === 0) return
    this.packer.entry().varint(this.runCount * 4 + 2).varint(this.runFirst)
    this.packer.added(0, varintLength(this.runCount * 4 + 2) + varintLength(this.runFirst))
    this.ops++
    this.runCount = 0
  }

  get pending(): number {
    return this.packer.pending
  }

  take(): Frame[] {
    return this.packer.take()
  }
}

/** The ops of one frame (tag checked by the caller); a literal's plain length is bounded by `maxChunk`. */
export function readChunkOps(who: string, f: Uint8Array, maxChunk: number): ChunkOp[] {
  const r = new FrameReader(who, f)
  r.u8()
  const out: ChunkOp[] = []
  while (r.remaining > 0) {
    const h = r.varint()
    const op = h % 4
    const n = Math.floor(h / 4)
    if (op === 2) out.push({ copy: true, count: n, first: r.varint() })
    else if (op === 0) out.push({ copy: false, bytes: r.bytes(n), packed: false, length: n })
    else if (op === 1) out.push({ copy: false, packed: true, length: r.bounded('chunk length', maxChunk), bytes: r.bytes(n) })
    else r.fail(`unknown op ${op}`)
  }
  return out
}
