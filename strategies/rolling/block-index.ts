/**
 * The sender's lookup from a weak sum to the blocks that have it: a bitmap prefilter in front of an
 * Int32Array open-addressing table. The rolling loop tests one bit per offset (the bitmap is small
 * enough to stay in cache); only on a set bit does it probe the table, and only on an exact weak-sum
 * hit does it compute a strong sum. Blocks sharing a weak sum form a chain in ascending block order.
 * Every slot and bit comes from the weak sum mixed by a multiply (Fibonacci hashing), because s1/s2
 * sums of small or text blocks crowd into a few low bits.
 */
export const GOLDEN = 0x9e3779b1 | 0
/**
 * The prefilter's largest size, 2^22 bits (512 KiB), as 32 − BITMAP_SHIFT: bucket = imul(weak, GOLDEN)
 * >>> bitmapShift. Below that it is sized to the block count, 2^7 bits a block (false positives near
 * 1/128), at least 2^16 bits: a bitmap larger than it needs falls out of cache between rolls, since
 * the scan hashes blocks in between (the rolling loop ran at 3.2 ns a byte on the 256 MiB scattered
 * bench, 1.6 in the primitives bench). Measured there (16,384 blocks, medians of a few noisy runs):
 * 2^7 bits a block made the scattered delta ~5% cheaper than 2^8 and the unrelated one no dearer;
 * 2^6 made the unrelated one ~12% dearer (each false positive redoes four windows and probes).
 */
export const BITMAP_SHIFT = 10
const PREFILTER_BITS_PER_BLOCK_LOG2 = 7
const MIN_PREFILTER_BITS = 16

export class BlockIndex {
  /** One bit per bucket of mixed weak sums; bucket = imul(weak, GOLDEN) >>> bitmapShift. */
  readonly bitmap: Int32Array
  readonly bitmapShift: number
  /** Open-addressing table: the weak sum in each used slot, and the first block of its chain (-1: empty). */
  readonly keys: Int32Array
  readonly heads: Int32Array
  readonly tableShift: number
  readonly tableMask: number
  /** Per block: the next block with the same weak sum, -1 at the end of the chain. */
  readonly next: Int32Array
  /** Distinct weak sums, and the longest chain (blocks sharing one weak sum). */
  readonly distinct: number
  readonly longestChain: number

  /**
   * Indexes blocks 0..count-1 by weak[i], skipping any block for which `include` says no (the short
   * last block, which can only match at the very end of the source).
   */
  constructor(weak: Int32Array, count: number, include: (block: number) => boolean = () => true) {
    const bits = Math.min(32 - BITMAP_SHIFT, Math.max(MIN_PREFILTER_BITS, Math.ceil(Math.log2(Math.max(1, count))) + PREFILTER_BITS_PER_BLOCK_LOG2))
    this.bitmapShift = 32 - bits
    this.bitmap = new Int32Array(1 << (bits - 5))
    const tableBits = Math.min(30, Math.max(4, Math.ceil(Math.log2(Math.max(1, count))) + 1))
    this.tableShift = 32 - tableBits
    this.tableMask = (1 << tableBits) - 1
    this.keys = new Int32Array(1 << tableBits)
    this.heads = new Int32Array(1 << tableBits).fill(-1)
    this.next = new Int32Array(count).fill(-1)
    const tails = new Int32Array(1 << tableBits)
    const lengths = new Int32Array(1 << tableBits)
    let distinct = 0
    let longest = 0
    for (let i = 0; i < count; i++) {
      if (!include(i)) continue
      const w = weak[i]!
      const mixed = Math.imul(w, GOLDEN)
      const bucket = mixed >>> this.bitmapShift
      this.bitmap[bucket >>> 5]! |= 1 << (bucket & 31)
      let slot = mixed >>> this.tableShift
      while (this.heads[slot]! !== -1 && this.keys[slot]! !== w) slot = (slot + 1) & this.tableMask
      if (this.heads[slot]! === -1) {
        this.keys[slot] = w
        this.heads[slot] = i
        distinct++
      } else {
        this.next[tails[slot]!] = i
      }
      tails[slot] = i
      const len = ++lengths[slot]!
      if (len > longest) longest = len
    }
    this.distinct = distinct
    this.longestChain = longest
  }

  /** True when the prefilter cannot rule the weak sum out (a table probe is worth it). */
  maybe(weak: number): boolean {
    const bucket = Math.imul(weak, GOLDEN) >>> this.bitmapShift
    return ((this.bitmap[bucket >>> 5]! >>> (bucket & 31)) & 1) !== 0
  }

  /** The first block with this weak sum, or -1; follow `next` for the rest of the chain. */
  first(weak: number): number {
    let slot = Math.imul(weak, GOLDEN) >>> this.tableShift
    for (;;) {
      const head = this.heads[slot]!
      if (head === -1) return -1
      if (this.keys[slot]! === weak) return head
      slot = (slot + 1) & this.tableMask
    }
  }

  /** Bytes held by the index (bitmap, table, chains), for the memory figures. */
  get bytes(): number {
    return this.bitmap.byteLength + this.keys.byteLength + this.heads.byteLength + this.next.byteLength
  }
}
