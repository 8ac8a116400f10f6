/**
 * The sender's search: slide a block-sized window over the source one byte at a time, look its weak sum
 * up, confirm with the strong sum, and emit literal runs and block matches (rsync's hash_search).
 *
 * Speed comes from three things. The per-byte loop is a small function per weak sum with its state in
 * locals (rollS1S2 / rollRabinKarp) that only tests one prefilter bit per offset and returns on a set bit.
 * After a match it first tries the block after the one just matched (rsync's want_i): on a volume that
 * mostly matches, each block then costs one strong hash and no weak sum at all. And the source is read
 * in chunks, so a file-backed source never sits in memory whole.
 */
import type { ReadonlyVolume } from '../../harness/volume.ts'
import { GOLDEN, type BlockIndex } from './block-index.ts'
import { blockLength } from './block-stream.ts'
import { ChunkReader } from './chunk-reader.ts'
import type { DeltaEncoder } from './rolling-delta.ts'
import { charOffset, rabinKarpPow, rabinKarpSum, RK_ADJ, RK_MULT, s1s2Sum, sumView, type WeakSumName } from './rolling-checksum.ts'
import type { Signature } from './rolling-signature.ts'
import type { StrongHasher } from './strong-hash.ts'

/** Source bytes read per chunk (plus one block of overlap for the window). */
const CHUNK = 8 << 20
/** Longest literal run held before it is emitted (rsync flushes likewise), and the rolling stride. */
const LITERAL_FLUSH = 1 << 20

/** Telemetry the scan counts (see the weak_hits … max_chain columns). */
export interface ScanCounters {
  weakHits: number
  falseAlarms: number
  matches: number
  maxChain: number
}

/**
 * Slides an s1/s2 window (rsync, librsync rollsum) from `p`, whose window has been tested, two offsets
 * at a time (`last − p` is even), until an offset's prefilter bit is set or `last`. Returns the offset
 * it stopped at; st[2] = −1 if no bit was set (st[0], st[1] then hold s1, s2 there), else j in 0..1:
 * the window at the returned offset + j + 1 hit, and its s1, s2 are st[3 + 2j], st[4 + 2j].
 * Written for what V8 makes of it, each point measured on the 256 MiB no-match case:
 *  - no path is rare and nothing is called: V8 deoptimised earlier versions again and again on a
 *    branch or call that had no type feedback yet (a tail step, the end of a stride);
 *  - the prefilter shift is the literal BITMAP_SHIFT, and a power-of-two window multiplies by a
 *    shift (`kLog`), not Math.imul;
 *  - probing the table inline cost more than leaving the loop on the ~1-in-256 set bit.
 */
export function rollS1S2Pow2(bytes: Uint8Array | Int8Array, p: number, last: number, k: number, kLog: number, kOff: number, bitmap: Int32Array, st: Int32Array): number {
  let s1 = st[0]!
  let s2 = st[1]!
  let first = -1
  while (p < last) {
    // s1 and s2 each gain one addition per offset on their loop-carried chains; everything else is
    // computed beside them (written as s2 − k·out − off + s1 the loop ran 1.9× slower).
    const o0 = bytes[p]!
    const s1a = (s1 + (bytes[p + k]! - o0)) | 0
    const s2a = (s2 + (s1a - (o0 << kLog) - kOff)) | 0
    const o1 = bytes[p + 1]!
    const s1b = (s1a + (bytes[p + 1 + k]! - o1)) | 0
    const s2b = (s2a + (s1b - (o1 << kLog) - kOff)) | 0
    const ba = Math.imul((s1a & 0xffff) | (s2a << 16), GOLDEN) >>> 10 // BITMAP_SHIFT
    const bb = Math.imul((s1b & 0xffff) | (s2b << 16), GOLDEN) >>> 10
    const bitA = (bitmap[ba >>> 5]! >>> ba) & 1
    if ((bitA | ((bitmap[bb >>> 5]! >>> bb) & 1)) !== 0) {
      // Both states out; the caller takes the first set one (no branch here that could be rare).
      st[3] = s1a
      st[4] = s2a
      st[5] = s1b
      st[6] = s2b
      first = 1 - bitA
      break
    }
    s1 = s1b
    s2 = s2b
    p += 2
  }
  st[0] = s1
  st[1] = s2
  st[2] = first
  return p
}

/** rollS1S2Pow2 for any window length (a multiply where that one has a shift). */
export function rollS1S2(bytes: Uint8Array | Int8Array, p: number, last: number, k: number, kOff: number, bitmap: Int32Array, st: Int32Array): number {
  let s1 = st[0]!
  let s2 = st[1]!
  let first = -1
  while (p < last) {
    // s1 and s2 each gain one addition per offset on their loop-carried chains; everything else is
    // computed beside them (written as s2 − k·out − off + s1 the loop ran 1.9× slower).
    const o0 = bytes[p]!
    const s1a = (s1 + (bytes[p + k]! - o0)) | 0
    const s2a = (s2 + (s1a - Math.imul(k, o0) - kOff)) | 0
    const o1 = bytes[p + 1]!
    const s1b = (s1a + (bytes[p + 1 + k]! - o1)) | 0
    const s2b = (s2a + (s1b - Math.imul(k, o1) - kOff)) | 0
    const ba = Math.imul((s1a & 0xffff) | (s2a << 16), GOLDEN) >>> 10 // BITMAP_SHIFT
    const bb = Math.imul((s1b & 0xffff) | (s2b << 16), GOLDEN) >>> 10
    const bitA = (bitmap[ba >>> 5]! >>> ba) & 1
    if ((bitA | ((bitmap[bb >>> 5]! >>> bb) & 1)) !== 0) {
      // Both states out; the caller takes the first set one (no branch here that could be rare).
      st[3] = s1a
      st[4] = s2a
      st[5] = s1b
      st[6] = s2b
      first = 1 - bitA
      break
    }
    s1 = s1b
    s2 = s2b
    p += 2
  }
  st[0] = s1
  st[1] = s2
  st[2] = first
  return p
}

/** The same for librsync's RabinKarp: the hash travels in st[0] (and st[3 + 2j]); `mk` is RK_MULT^k. */
export function rollRabinKarp(bytes: Uint8Array, p: number, last: number, k: number, mk: number, bitmap: Int32Array, st: Int32Array): number {
  let h = st[0]!
  let first = -1
  while (p < last) {
    const ha = (Math.imul(h, RK_MULT) + (bytes[p + k]! - Math.imul(mk, bytes[p]! + RK_ADJ))) | 0
    const hb = (Math.imul(ha, RK_MULT) + (bytes[p + 1 + k]! - Math.imul(mk, bytes[p + 1]! + RK_ADJ))) | 0
    const ba = Math.imul(ha, GOLDEN) >>> 10 // BITMAP_SHIFT
    const bb = Math.imul(hb, GOLDEN) >>> 10
    const bitA = (bitmap[ba >>> 5]! >>> ba) & 1
    if ((bitA | ((bitmap[bb >>> 5]! >>> bb) & 1)) !== 0) {
      st[3] = ha
      st[5] = hb
      first = 1 - bitA
      break
    }
    h = hb
    p += 2
  }
  st[0] = h
  st[2] = first
  return p
}

export class RollingScanner {
  /** Window start (absolute), start of the literal run not yet emitted, and the block hoped for next. */
  private pos = 0
  private litStart = 0
  private want = -1
  /** The window at pos has weak-sum state in `st` (false: compute it fresh). */
  private haveSum = false
  private readonly st = new Int32Array(7)
  private chunk: Uint8Array = new Uint8Array(0)
  private view: Uint8Array | Int8Array = this.chunk
  private chunkStart = 0
  private readonly B: number
  private readonly size: number
  /** Blocks of full length (the short last block, if any, can only match at the very end). */
  private readonly fullCount: number
  private readonly lastLen: number
  private readonly kOff: number
  private readonly mk: number
  /** log2 of the block size when it is a power of two, else -1. */
  private readonly kLog: number
  private readonly reader: ChunkReader
  done = false

  constructor(
    private readonly source: ReadonlyVolume,
    private readonly sig: Signature,
    private readonly index: BlockIndex,
    private readonly hasher: StrongHasher,
    private readonly kind: WeakSumName,
    private readonly maxCandidates: number,
    private readonly out: DeltaEncoder,
    readonly counters: ScanCounters,
  ) {
    this.B = sig.blockSize
    this.size = source.size
    this.lastLen = sig.count > 0 ? blockLength(sig.count - 1, sig.size, sig.blockSize) : 0
    this.fullCount = this.lastLen === this.B ? sig.count : sig.count - 1
    this.kOff = Math.imul(this.B, charOffset(kind))
    this.mk = rabinKarpPow(this.B)
    this.kLog = (this.B & (this.B - 1)) === 0 ? Math.log2(this.B) : -1
    this.reader = new ChunkReader(source)
  }

  /** Makes [from, to) readable in the chunk (to − from ≤ CHUNK + B). */
  private ensure(from: number, to: number): void {
    if (from >= this.chunkStart && to <= this.chunkStart + this.chunk.length) return
    // Start at the pending literal run if it is behind: it is then emitted from this chunk, not re-read.
    const start = this.litStart < from && from - this.litStart <= LITERAL_FLUSH ? this.litStart : from
    const len = Math.min(this.size - start, CHUNK + this.B + (from - start))
    this.chunk = this.reader.read(start, len)
    this.view = sumView(this.kind, this.chunk)
    this.chunkStart = start
  }

  private window(at: number, len: number): Uint8Array {
    this.ensure(at, at + len)
    const rel = at - this.chunkStart
    return this.chunk.subarray(rel, rel + len)
  }

  /** Emits the literal bytes [litStart, upTo). */
  private flushLiteral(upTo: number): void {
    const end = this.chunkStart + this.chunk.length
    for (let at = this.litStart; at < upTo; at += LITERAL_FLUSH) {
      const n = Math.min(LITERAL_FLUSH, upTo - at)
      // From the chunk in memory when it holds the bytes (almost always), else from the source.
      this.out.literal(at >= this.chunkStart && at + n <= end ? this.chunk.subarray(at - this.chunkStart, at - this.chunkStart + n) : this.source.read(at, n))
    }
    this.litStart = upTo
  }

  private strongMatches(full: Uint8Array, block: number): boolean {
    const n = this.sig.strongBytes
    const strong = this.sig.strong
    const at = block * n
    for (let i = 0; i < n; i++) if (full[i] !== strong[at + i]) return false
    return true
  }

  private matched(block: number, len: number, full: Uint8Array): void {
    this.flushLiteral(this.pos)
    this.out.match(block, len, full)
    this.counters.matches++
    this.pos += len
    this.litStart = this.pos
    this.want = block + 1
    this.haveSum = false
  }

  /** The weak sum of the window at pos, from the rolling state. */
  private digest(): number {
    return this.kind === 'rabin-karp' ? this.st[0]! : (this.st[0]! & 0xffff) | (this.st[1]! << 16)
  }

  /**
   * The weak-sum hit at pos: walks the candidates (at most maxCandidates), confirming each with the strong
   * sum (computed once per offset). Returns true when it matched (and emitted the match).
   */
  private tryCandidates(full: Uint8Array | undefined): boolean {
    const weak = this.digest()
    let block = this.index.first(weak)
    if (block < 0) return false
    this.counters.weakHits++
    let checked = 0
    while (block >= 0 && checked < this.maxCandidates) {
      checked++
      full ??= this.hasher.hash(this.window(this.pos, this.B))
      if (this.strongMatches(full, block)) {
        if (checked > this.counters.maxChain) this.counters.maxChain = checked
        this.matched(block, this.B, full)
        return true
      }
      block = this.index.next[block]!
    }
    if (checked > this.counters.maxChain) this.counters.maxChain = checked
    this.counters.falseAlarms++
    return false
  }

  /** Slides the window at chunk offset `rel` by one byte and tests the prefilter (st[2]). */
  private slideOne(rel: number): void {
    const st = this.st
    const B = this.B
    if (this.kind === 'rabin-karp') {
      st[0] = (Math.imul(st[0]!, RK_MULT) + this.chunk[rel + B]! - Math.imul(this.mk, this.chunk[rel]! + RK_ADJ)) | 0
    } else {
      const out = this.view[rel]!
      st[0] = (st[0]! - out + this.view[rel + B]!) | 0
      st[1] = (st[1]! - Math.imul(B, out) - this.kOff + st[0]!) | 0
    }
    this.pos++
    st[2] = this.index.maybe(this.digest()) ? 1 : 0
  }

  /** Fresh weak-sum state for the window at pos. */
  private sumWindow(): void {
    const w = this.window(this.pos, this.B)
    if (this.kind === 'rabin-karp') {
      this.st[0] = rabinKarpSum(w, 0, this.B)
    } else {
      const d = s1s2Sum(sumView(this.kind, w), 0, this.B, charOffset(this.kind))
      // Only the low 16 bits of s1 and s2 reach the digest, and the rolling arithmetic keeps them exact.
      this.st[0] = d & 0xffff
      this.st[1] = d >>> 16
    }
    this.haveSum = true
  }

  /** Runs until the source is done or the encoder holds `budget` bytes of frames. */
  run(budget: number): void {
    const B = this.B
    const lastFull = this.size - B // last window start with a whole block of source
    while (!this.done && this.out.pending < budget) {
      if (this.pos > lastFull || this.fullCount === 0) {
        this.finishTail()
        return
      }
      if (!this.haveSum) {
        // A fresh window: first the block after the last match (one strong hash, no weak sum).
        let full: Uint8Array | undefined
        if (this.want >= 0 && this.want < this.fullCount) {
          full = this.hasher.hash(this.window(this.pos, B))
          if (this.strongMatches(full, this.want)) {
            this.matched(this.want, B, full)
            continue
          }
        }
        this.want = -1
        this.sumWindow()
        if (this.index.maybe(this.digest()) && this.tryCandidates(full)) continue
      }
      // Roll from pos (tested) to the next prefilter hit, within this chunk and one literal stride.
      this.ensure(this.pos, Math.min(this.size, this.pos + B + 1))
      const chunkLast = this.chunkStart + this.chunk.length - B // last window start this chunk can slide to
      if (chunkLast <= this.pos && this.pos < lastFull) {
        this.ensure(this.pos, Math.min(this.size, this.pos + CHUNK + B)) // the next byte lies past the chunk
        continue
      }
      const last = Math.min(lastFull, chunkLast, this.litStart + LITERAL_FLUSH)
      if (last <= this.pos) {
        if (this.pos >= lastFull) this.pos = lastFull + 1 // every whole window was tested: on to the tail
        else this.flushLiteral(this.pos)
        continue
      }
      const rel = this.pos - this.chunkStart
      if (last - this.pos === 1) {
        this.slideOne(rel)
      } else {
        // An even stride for the pairwise loop; a last odd offset goes through slideOne.
        const end = rel + ((last - this.pos) & ~1)
        const bitmap = this.index.bitmap
        const st = this.st
        const p =
          this.kind === 'rabin-karp'
            ? rollRabinKarp(this.chunk, rel, end, B, this.mk, bitmap, st)
            : this.kLog >= 0
              ? rollS1S2Pow2(this.view, rel, end, B, this.kLog, this.kOff, bitmap, st)
              : rollS1S2(this.view, rel, end, B, this.kOff, bitmap, st)
        const j = st[2]!
        if (j >= 0) {
          // Stopped on the (j+1)th window of the pair: take its state as the current one.
          st[0] = st[3 + 2 * j]!
          st[1] = st[4 + 2 * j]!
          st[2] = 1
          this.pos = p + j + 1 + this.chunkStart
        } else {
          st[2] = 0
          this.pos = p + this.chunkStart
        }
      }
      if (this.st[2] === 1 && this.tryCandidates(undefined)) continue
      if (this.pos >= lastFull) this.pos = lastFull + 1
      else if (this.pos - this.litStart >= LITERAL_FLUSH) this.flushLiteral(this.pos)
    }
  }

  /**
   * Past the last whole window: only the replica's short last block can still match, and only as the
   * source's last bytes (as in rsync, where a block matches only at its own length). The rest is literal.
   */
  private finishTail(): void {
    const n = this.sig.count
    const tailAt = this.size - this.lastLen
    if (n > 0 && this.lastLen < this.B && this.lastLen > 0 && tailAt >= this.pos) {
      const w = this.window(tailAt, this.lastLen)
      const block = n - 1
      let ok = this.want === block && tailAt === this.pos
      if (!ok && weakOf(this.kind, w) === this.sig.weak[block]) {
        this.counters.weakHits++
        this.counters.maxChain = Math.max(this.counters.maxChain, 1)
        ok = true
      }
      if (ok) {
        const full = this.hasher.hash(w)
        if (this.strongMatches(full, block)) {
          this.pos = tailAt
          this.matched(block, this.lastLen, full)
        } else if (!(this.want === block && tailAt === this.pos)) {
          this.counters.falseAlarms++
        }
      }
    }
    this.flushLiteral(this.size)
    this.pos = this.size
    this.done = true
    this.reader.close()
  }
}

function weakOf(kind: WeakSumName, w: Uint8Array): number {
  return kind === 'rabin-karp' ? rabinKarpSum(w, 0, w.length) : s1s2Sum(sumView(kind, w), 0, w.length, charOffset(kind))
}
