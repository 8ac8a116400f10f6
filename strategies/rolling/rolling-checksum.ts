/**
 * Rolling (weak) checksums: the sums a sender can slide one byte at a time.
 *
 * - `rsync`: rsync's s1/s2 sum (checksum.c get_checksum1, match.c), bytes read as SIGNED chars and no
 *   character offset, so the digests are bit-exact with rsync's. digest = (s1 & 0xffff) | (s2 << 16).
 * - `rollsum`: the same sum as librsync's rollsum.h: unsigned bytes plus 31 (ROLLSUM_CHAR_OFFSET).
 * - `rabin-karp`: librsync's default RabinKarp polynomial hash mod 2^32 (rabinkarp.h): seed 1,
 *   multiplier 0x08104225; rolling out subtracts MULT^n × (out + (MULT-1)·seed).
 *
 * Digests are int32 (`| 0`) everywhere in code so they stay small integers in V8 and fit Int32Arrays;
 * `>>> 0` gives the unsigned value the C code prints.
 */
export const WEAK_SUMS = ['rsync', 'rollsum', 'rabin-karp'] as const
export type WeakSumName = (typeof WEAK_SUMS)[number]

export const RK_MULT = 0x08104225
/** RK_MULT⁻¹ mod 2^32: multiplying by it divides by RK_MULT (used to roll a byte out of a shrinking window). */
export const RK_INVM = 0x98f009ad | 0
/** (RK_MULT - 1) × seed: what rolling a byte out must also remove so the seed's weight stays right. */
export const RK_ADJ = 0x08104224
export const RK_SEED = 1
export const ROLLSUM_CHAR_OFFSET = 31

/** True when the sum reads bytes as signed chars (rsync's schar). */
export function readsSigned(kind: WeakSumName): boolean {
  return kind === 'rsync'
}

/** The constant added to every byte before summing (rsync 0, librsync's rollsum 31). */
export function charOffset(kind: WeakSumName): number {
  return kind === 'rollsum' ? ROLLSUM_CHAR_OFFSET : 0
}

/**
 * s1/s2 sum of bytes[start, start+len) as int32. `bytes` is an Int8Array view for signed chars
 * (rsync) or a Uint8Array (librsync's rollsum), so the hot loop never converts per byte.
 * Unrolled by four as rsync does: s2 gains 4·s1 + 4·b0 + 3·b1 + 2·b2 + b3 per four bytes.
 */
export function s1s2Sum(bytes: Uint8Array | Int8Array, start: number, len: number, offset: number): number {
  let s1 = 0
  let s2 = 0
  let i = start
  const end = start + len
  const end4 = end - 3
  const off10 = 10 * offset
  const off4 = 4 * offset
  for (; i < end4; i += 4) {
    const b0 = bytes[i]!
    const b1 = bytes[i + 1]!
    const b2 = bytes[i + 2]!
    const b3 = bytes[i + 3]!
    s2 = (s2 + 4 * (s1 + b0) + 3 * b1 + 2 * b2 + b3 + off10) | 0
    s1 = (s1 + b0 + b1 + b2 + b3 + off4) | 0
  }
  for (; i < end; i++) {
    s1 = (s1 + bytes[i]! + offset) | 0
    s2 = (s2 + s1) | 0
  }
  return (s1 & 0xffff) | (s2 << 16)
}

/** n(n+1)/2 mod 2^32 without leaving int32 arithmetic (n up to 2^31). */
function triangle(n: number): number {
  return n % 2 === 0 ? Math.imul(n / 2, n + 1) : Math.imul(n, (n + 1) / 2)
}

/**
 * Weak sums of `count` consecutive blocks of `blockSize` bytes (the last may be shorter: `lastLen`)
 * starting at bytes[start], into out[outAt…]. The s1/s2 sums are computed in closed form,
 * s1 = Σv + n·off and s2 = n·Σv − Σi·v + off·n(n+1)/2, four bytes per 32-bit load when the block is
 * word-aligned: that breaks the s1→s2 dependency of the byte-at-a-time loop (~1.3× faster here).
 */
export function blockWeakSums(kind: WeakSumName, bytes: Uint8Array, start: number, count: number, blockSize: number, lastLen: number, out: Int32Array, outAt: number): void {
  if (kind === 'rabin-karp') {
    for (let b = 0; b < count; b++) out[outAt + b] = rabinKarpSum(bytes, start + b * blockSize, b === count - 1 ? lastLen : blockSize)
    return
  }
  const signed = readsSigned(kind)
  const off = charOffset(kind)
  const total = (count - 1) * blockSize + lastLen
  const words = LITTLE_ENDIAN && (bytes.byteOffset + start) % 4 === 0 && blockSize % 4 === 0 ? new Int32Array(bytes.buffer, bytes.byteOffset + start, total >>> 2) : undefined
  const view = sumView(kind, bytes)
  for (let b = 0; b < count; b++) {
    const n = b === count - 1 ? lastLen : blockSize
    let s1: number
    let s2: number
    if (words && n === blockSize) {
      s1 = signed ? wordSumsSigned(words, (b * blockSize) >>> 2, n >>> 2, st2) : wordSumsUnsigned(words, (b * blockSize) >>> 2, n >>> 2, st2)
      s2 = (Math.imul(n, s1) - st2[0]!) | 0
    } else {
      const d = s1s2Sum(view, start + b * blockSize, n, 0)
      s1 = d & 0xffff
      s2 = d >>> 16
    }
    s1 = (s1 + Math.imul(n, off)) | 0
    s2 = (s2 + Math.imul(off, triangle(n))) | 0
    out[outAt + b] = (s1 & 0xffff) | (s2 << 16)
  }
}

/** Word loads read bytes in memory order only on a little-endian machine. */
const LITTLE_ENDIAN = new Uint8Array(Uint32Array.of(1).buffer)[0] === 1
const st2 = new Int32Array(1)

/** Σv and (in st[0]) Σi·v over `n` words of signed bytes, i counting bytes from the block start. */
function wordSumsSigned(w: Int32Array, from: number, n: number, st: Int32Array): number {
  let a = 0
  let c = 0
  let p = 0
  const end = from + n
  for (let i = from; i < end; i++, p += 4) {
    const x = w[i]!
    const b0 = (x << 24) >> 24
    const b1 = (x << 16) >> 24
    const b2 = (x << 8) >> 24
    const b3 = x >> 24
    const sum = b0 + b1 + b2 + b3
    a = (a + sum) | 0
    c = (c + Math.imul(p, sum) + b1 + 2 * b2 + 3 * b3) | 0
  }
  st[0] = c
  return a
}

/** The same over unsigned bytes. */
function wordSumsUnsigned(w: Int32Array, from: number, n: number, st: Int32Array): number {
  let a = 0
  let c = 0
  let p = 0
  const end = from + n
  for (let i = from; i < end; i++, p += 4) {
    const x = w[i]!
    const b0 = x & 0xff
    const b1 = (x >>> 8) & 0xff
    const b2 = (x >>> 16) & 0xff
    const b3 = x >>> 24
    const sum = b0 + b1 + b2 + b3
    a = (a + sum) | 0
    c = (c + Math.imul(p, sum) + b1 + 2 * b2 + 3 * b3) | 0
  }
  st[0] = c
  return a
}

/** RabinKarp hash of bytes[start, start+len) as int32 (librsync's rabinkarp_update from a fresh sum). */
export function rabinKarpSum(bytes: Uint8Array, start: number, len: number): number {
  let h = RK_SEED
  const end = start + len
  for (let i = start; i < end; i++) h = (Math.imul(h, RK_MULT) + bytes[i]!) | 0
  return h
}

/** RK_MULT^n mod 2^32 (int32): the weight of the byte that leaves an n-byte window. */
export function rabinKarpPow(n: number): number {
  let r = 1
  let b = RK_MULT
  for (let e = n; e > 0; e = Math.floor(e / 2)) {
    if (e & 1) r = Math.imul(r, b)
    b = Math.imul(b, b)
  }
  return r
}

/** The view of bytes a sum reads: signed chars for rsync, plain bytes otherwise (no copy). */
export function sumView(kind: WeakSumName, bytes: Uint8Array): Uint8Array | Int8Array {
  return readsSigned(kind) ? new Int8Array(bytes.buffer, bytes.byteOffset, bytes.length) : bytes
}

/** Weak sum of one block (a Uint8Array; signed reading is applied here when the sum needs it). */
export function weakSum(kind: WeakSumName, bytes: Uint8Array, start = 0, len = bytes.length - start): number {
  if (kind === 'rabin-karp') return rabinKarpSum(bytes, start, len)
  return s1s2Sum(sumView(kind, bytes), start, len, charOffset(kind))
}

/**
 * A rolling sum with librsync's operations (roll in, roll out, rotate). The readable reference the
 * golden vectors and the rolling-equals-recomputing tests check; the sender's hot loop inlines the same
 * arithmetic with its state in locals.
 */
export class RollingSum {
  count = 0
  private s1 = 0
  private s2 = 0
  private h = RK_SEED
  /** RK_MULT^count. */
  private mult = 1
  private readonly signed: boolean
  private readonly offset: number

  constructor(readonly kind: WeakSumName) {
    this.signed = readsSigned(kind)
    this.offset = charOffset(kind)
  }

  private value(byte: number): number {
    return (this.signed ? (byte << 24) >> 24 : byte & 0xff) + this.offset
  }

  rollIn(byte: number): void {
    if (this.kind === 'rabin-karp') {
      this.h = (Math.imul(this.h, RK_MULT) + (byte & 0xff)) | 0
      this.mult = Math.imul(this.mult, RK_MULT)
    } else {
      this.s1 = (this.s1 + this.value(byte)) | 0
      this.s2 = (this.s2 + this.s1) | 0
    }
    this.count++
  }

  rollOut(byte: number): void {
    if (this.kind === 'rabin-karp') {
      this.mult = Math.imul(this.mult, RK_INVM)
      this.h = (this.h - Math.imul(this.mult, (byte & 0xff) + RK_ADJ)) | 0
    } else {
      const v = this.value(byte)
      this.s1 = (this.s1 - v) | 0
      this.s2 = (this.s2 - Math.imul(this.count, v)) | 0
    }
    this.count--
  }

  /** Slides the window by one byte: `out` leaves at the front, `in` joins at the back. */
  rotate(out: number, inByte: number): void {
    if (this.kind === 'rabin-karp') {
      this.h = (Math.imul(this.h, RK_MULT) + (inByte & 0xff) - Math.imul(this.mult, (out & 0xff) + RK_ADJ)) | 0
    } else {
      const o = this.value(out)
      this.s1 = (this.s1 - o + this.value(inByte)) | 0
      this.s2 = (this.s2 - Math.imul(this.count, o) + this.s1) | 0
    }
  }

  /** The digest as int32 (`>>> 0` for the unsigned value). */
  digest(): number {
    return this.kind === 'rabin-karp' ? this.h : (this.s1 & 0xffff) | (this.s2 << 16)
  }
}
