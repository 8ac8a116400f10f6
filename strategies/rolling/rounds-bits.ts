/**
 * Sums of `rsync-rounds` packed as a bit stream: a strong sum takes exactly the bits its bound asks for
 * (35 bits, not the 40 of five whole bytes), most significant bit first, the stream padded to a byte once.
 */

/** Appends fields of 1 to 32 bits, or the first n bits of a digest. */
export class BitWriter {
  private readonly out: Uint8Array
  private bit = 0

  constructor(totalBits: number) {
    this.out = new Uint8Array(Math.ceil(totalBits / 8))
  }

  /** The low `n` bits of `v` (n ≤ 32). */
  uint(v: number, n: number): this {
    for (let i = n - 1; i >= 0; i--) this.one((v >>> i) & 1)
    return this
  }

  /** The first `n` bits of `digest`. */
  prefix(digest: Uint8Array, n: number): this {
    let i = 0
    // Whole bytes straight in when the cursor is byte-aligned (every sum of a round after a 16-bit weak is not).
    if ((this.bit & 7) === 0) for (; i + 8 <= n; i += 8) (this.out[this.bit >> 3] = digest[i >> 3]!), (this.bit += 8)
    for (; i < n; i++) this.one((digest[i >> 3]! >> (7 - (i & 7))) & 1)
    return this
  }

  private one(b: number): void {
    if (b) this.out[this.bit >> 3]! |= 0x80 >> (this.bit & 7)
    this.bit++
  }

  finish(): Uint8Array {
    return this.out
  }
}

/** Bit `at` of `bytes` (most significant first). */
export function bitAt(bytes: Uint8Array, at: number): number {
  return (bytes[at >> 3]! >> (7 - (at & 7))) & 1
}

/** The `n`-bit (n ≤ 32) field at bit `at`. */
export function uintAt(bytes: Uint8Array, at: number, n: number): number {
  let v = 0
  for (let i = 0; i < n; i++) v = (v * 2) + bitAt(bytes, at + i)
  return v
}

/** Whether the `n` bits of `bytes` from bit `at` are the first `n` bits of `digest`. */
export function prefixEquals(bytes: Uint8Array, at: number, digest: Uint8Array, n: number): boolean {
  for (let i = 0; i < n; i++) if (bitAt(bytes, at + i) !== ((digest[i >> 3]! >> (7 - (i & 7))) & 1)) return false
  return true
}
