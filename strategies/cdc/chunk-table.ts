/**
 * Chunk hashes (truncated to hashBytes) looked up by value: a Map from the hash's first bytes (up to 6,
 * which fit a double exactly) to the first chunk with them, and a chain through the others, checked on
 * every byte kept. Built over a packed array of hashes of any stride.
 */
export class ChunkTable {
  private readonly first = new Map<number, number>()
  private readonly next: Int32Array
  private readonly keyBytes: number

  /** Chunk i's hash is hashes[i·stride, i·stride + hashBytes). */
  constructor(
    private readonly hashes: Uint8Array,
    private readonly stride: number,
    count: number,
    private readonly hashBytes: number,
  ) {
    this.keyBytes = Math.min(6, hashBytes)
    this.next = new Int32Array(count).fill(-1)
    // Inserted from the end, so a chain starts at the lowest chunk index with that hash.
    for (let i = count - 1; i >= 0; i--) {
      const k = this.key(hashes, i * stride)
      const head = this.first.get(k)
      if (head !== undefined) this.next[i] = head
      this.first.set(k, i)
    }
  }

  private key(b: Uint8Array, at: number): number {
    let k = 0
    for (let j = 0; j < this.keyBytes; j++) k = k * 256 + b[at + j]!
    return k
  }

  /** The lowest chunk index whose kept hash bytes equal h[at, at + hashBytes) and that `fits` (a length check), or -1. */
  find(h: Uint8Array, at: number, fits: (i: number) => boolean = () => true): number {
    for (let i = this.first.get(this.key(h, at)) ?? -1; i >= 0; i = this.next[i]!) {
      let j = this.keyBytes
      const base = i * this.stride
      while (j < this.hashBytes && this.hashes[base + j] === h[at + j]) j++
      if (j === this.hashBytes && fits(i)) return i
    }
    return -1
  }
}
