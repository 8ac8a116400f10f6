import seedrandom from 'seedrandom'

/**
 * The project's one source of randomness. seedrandom turns any seed string into the 128-bit state of a
 * xoshiro128** generator, which is what fills bytes: seedrandom alone runs at ~0.3-0.9 GB/s, too slow
 * for building volumes of many MiB. Same seed → same stream, on every machine.
 */
export class Rng {
  private s0: number
  private s1: number
  private s2: number
  private s3: number

  constructor(seed: string | number) {
    const init = seedrandom(String(seed))
    this.s0 = init.int32() | 0
    this.s1 = init.int32() | 0
    this.s2 = init.int32() | 0
    this.s3 = init.int32() | 0
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1 // the all-zero state is a fixed point
  }

  /** A derived, independent stream (for one epoch, one stage of a workload). */
  fork(label: string): Rng {
    return new Rng(`${this.u32()}:${label}`)
  }

  /** xoshiro128**: 32 random bits as an unsigned number. */
  u32(): number {
    const s0 = this.s0
    const s1 = this.s1
    const s2 = this.s2
    const s3 = this.s3
    const m = Math.imul(s1, 5)
    const result = Math.imul((m << 7) | (m >>> 25), 9) >>> 0
    const t = s1 << 9
    const n2 = s2 ^ s0
    const n3 = s3 ^ s1
    this.s1 = s1 ^ n2
    this.s0 = s0 ^ n3
    this.s2 = n2 ^ t
    this.s3 = (n3 << 11) | (n3 >>> 21)
    return result
  }

  /** Uniform in [0, 1) with 53 bits. */
  float(): number {
    return ((this.u32() >>> 5) * 67108864 + (this.u32() >>> 6)) / 9007199254740992
  }

  /** Uniform integer in [0, n) for n up to 2^53. */
  int(n: number): number {
    return Math.floor(this.float() * n)
  }

  /** Uniform integer in [lo, hi] inclusive. */
  range(lo: number, hi: number): number {
    return lo + this.int(hi - lo + 1)
  }

  /** Log-uniform integer in [lo, hi]: as many small edits as large ones per octave. */
  logRange(lo: number, hi: number): number {
    const a = Math.log(Math.max(1, lo))
    const b = Math.log(Math.max(1, hi) + 1)
    return Math.min(hi, Math.max(lo, Math.floor(Math.exp(a + this.float() * (b - a)))))
  }

  /** Fills out with random bytes, four at a time where aligned. */
  fill(out: Uint8Array): Uint8Array {
    let i = 0
    const n = out.length
    // Head bytes until 4-byte alignment of the underlying buffer, so the middle can use a Uint32Array.
    while (i < n && (out.byteOffset + i) % 4 !== 0) out[i++] = this.u32() & 0xff
    const words = (n - i) >>> 2
    if (words > 0) {
      const st = new Int32Array([this.s0, this.s1, this.s2, this.s3])
      fillWords(new Uint32Array(out.buffer, out.byteOffset + i, words), st)
      this.s0 = st[0]!
      this.s1 = st[1]!
      this.s2 = st[2]!
      this.s3 = st[3]!
      i += words * 4
    }
    while (i < n) out[i++] = this.u32() & 0xff
    return out
  }

  bytes(n: number): Uint8Array {
    return this.fill(new Uint8Array(n))
  }
}

/** xoshiro128** over a word array, state in locals (a small top-level function so V8 optimises it). */
function fillWords(w: Uint32Array, st: Int32Array): void {
  let s0 = st[0]!
  let s1 = st[1]!
  let s2 = st[2]!
  let s3 = st[3]!
  const n = w.length
  for (let k = 0; k < n; k++) {
    const m = Math.imul(s1, 5)
    w[k] = Math.imul((m << 7) | (m >>> 25), 9)
    const t = s1 << 9
    s2 ^= s0
    s3 ^= s1
    s1 ^= s2
    s0 ^= s3
    s2 ^= t
    s3 = (s3 << 11) | (s3 >>> 21)
  }
  st[0] = s0
  st[1] = s1
  st[2] = s2
  st[3] = s3
}
