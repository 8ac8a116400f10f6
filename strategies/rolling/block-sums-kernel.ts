/**
 * The signature's block weak sums as a WebAssembly instance (source and reasons: block-sums-kernel-wat.ts):
 * the chunk of blocks is read straight into its memory (`area`), summed there, and the same view is then
 * hashed by the strong hasher.
 */
import { instantiateKernel } from '../../core/wasm-kernel.ts'
import { BLOCK_SUMS_KERNEL_BASE64 } from './block-sums-kernel-wasm.ts'
import { SUMS_DATA } from './block-sums-kernel-wat.ts'
import { charOffset } from './rolling-checksum.ts'
import { XXH128_BYTES, XXH128_RESERVED, Xxh128OnMemory } from '../shared/xxh128-kernel.ts'

interface KernelExports {
  memory: { buffer: ArrayBuffer; grow(pages: number): number }
  sumsSigned(p: number, count: number, blockSize: number, lastLen: number, off: number, out: number): void
  sumsUnsigned(p: number, count: number, blockSize: number, lastLen: number, off: number, out: number): void
}

/** Digests one call writes at most: the room before the chunk. */
const MAX_SUMS = SUMS_DATA / 4

export class BlockSumsKernel {
  private readonly ex: KernelExports
  /** xxh128 over this module's memory: the blocks are hashed where they were read and summed. */
  private readonly xxh: Xxh128OnMemory

  constructor(capacity: number) {
    this.ex = instantiateKernel<KernelExports>(BLOCK_SUMS_KERNEL_BASE64)
    // After the chunk, room for the xxh128 kernel's secret and digest (stripe-aligned).
    const xxhAt = (SUMS_DATA + capacity + 63) & ~63
    const need = xxhAt + XXH128_RESERVED
    const have = this.ex.memory.buffer.byteLength
    if (have < need) this.ex.memory.grow(Math.ceil((need - have) / 65536))
    this.xxh = new Xxh128OnMemory(this.ex.memory, xxhAt)
  }

  /**
   * The xxh128 digests of the `count` blocks at the start of the area (the last lastLen long) into out
   * from outAt, hashed in place: a strong hasher given the area would copy every block into its own
   * module's memory first (8 MiB a chunk, 256 MiB a signature of the bench's volume).
   */
  xxh128(count: number, blockSize: number, lastLen: number, out: Uint8Array, outAt: number): void {
    for (let i = 0; i < count; i++) out.set(this.xxh.hash(SUMS_DATA + i * blockSize, i === count - 1 ? lastLen : blockSize), outAt + i * XXH128_BYTES)
  }

  /** The first n bytes of the chunk area (n at most the capacity asked for): read the blocks into it. */
  area(n: number): Uint8Array {
    return new Uint8Array(this.ex.memory.buffer, SUMS_DATA, n)
  }

  /**
   * The weak sums (rsync or rollsum: RabinKarp stays in rolling-checksum.ts) of the `count` blocks at the
   * start of the area, the last lastLen long, into out from outAt: blockWeakSums's digests, bit for bit.
   */
  sums(kind: 'rsync' | 'rollsum', count: number, blockSize: number, lastLen: number, out: Int32Array, outAt: number): void {
    const off = charOffset(kind)
    const fn = kind === 'rsync' ? this.ex.sumsSigned : this.ex.sumsUnsigned
    for (let first = 0; first < count; first += MAX_SUMS) {
      const n = Math.min(MAX_SUMS, count - first)
      fn(SUMS_DATA + first * blockSize, n, blockSize, first + n === count ? lastLen : blockSize, off, 0)
      out.set(new Int32Array(this.ex.memory.buffer, 0, n), outAt + first)
    }
  }
}
