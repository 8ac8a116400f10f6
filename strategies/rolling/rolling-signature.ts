/**
 * The receiver's block sums (weak sum + full strong digest per block of its replica), the cache that
 * keeps them across syncs, and the signature frames that carry them (strong digests truncated) to the
 * sender. Block i covers [i·B, min((i+1)·B, size)); the last block may be short.
 */
import type { ReadonlyVolume } from '../../core/volume.ts'
import { MAX_BLOCK_SIZE, type Frame, type StateStore } from '../../core/strategy.ts'
import { blockCount, blockLength } from '../shared/block-stream.ts'
import { HASHES_PER_FRAME } from '../shared/hash-list.ts'
import { BlockSumsKernel } from './block-sums-kernel.ts'
import { ChunkReader } from './chunk-reader.ts'
import { blockWeakSums, WEAK_SUMS, type WeakSumName } from './rolling-checksum.ts'
import { STRONG_HASHES, type StrongHasher, type StrongHashName } from '../shared/strong-hash.ts'
import { FrameReader, FrameWriter } from '../../core/wire.ts'
import { varintLength, writeVarint } from '../../core/varint.ts'

/** The receiver's sums of its replica: full-length strong digests, kept for the digest check and the cache. */
export interface BlockSums {
  size: number
  blockSize: number
  count: number
  weak: Int32Array
  /** count × digestLength bytes. */
  full: Uint8Array
  digestLength: number
}

/** What the sender receives: weak sums and strong digests truncated to strongBytes. */
export interface Signature {
  pass: number
  size: number
  blockSize: number
  count: number
  strongBytes: number
  weakSum: WeakSumName
  hash: StrongHashName
  weak: Int32Array
  strong: Uint8Array
}

/**
 * Largest volume a chunked read takes at once: bounds memory on a file-backed replica. 1 MiB, not 8:
 * the chunk is then still in cache when the weak sums and the hashes go over it, which took the
 * signature of the bench's 256 MiB from ~160-230 to ~100-120 ms of CPU (computeSums alone, 8 and 1 MiB
 * alternating in one session; 512 KiB was no faster).
 */
const READ_CHUNK = 1 << 20

/**
 * Computes the sums of every block of `replica`, taking clean blocks from `cached` (same geometry and
 * algorithms) and hashing only the others. Returns the sums and how many came from the cache.
 */
export function computeSums(replica: ReadonlyVolume, blockSize: number, kind: WeakSumName, hasher: StrongHasher, cached?: CachedSums): { sums: BlockSums; fromCache: number } {
  const size = replica.size
  const count = blockCount(size, blockSize)
  const d = hasher.digestLength
  const weak = new Int32Array(count)
  const full = new Uint8Array(count * d)
  const usable = cached && cached.sums.size === size && cached.sums.blockSize === blockSize && cached.sums.digestLength === d ? cached : undefined
  let fromCache = 0
  const perChunk = Math.max(1, Math.floor(READ_CHUNK / blockSize))
  const reader = new ChunkReader(replica)
  let kernel: BlockSumsKernel | undefined
  for (let first = 0; first < count; first += perChunk) {
    const last = Math.min(count, first + perChunk)
    let needed = false
    for (let i = first; i < last && !needed; i++) needed = !usable || usable.dirty(i)
    let chunk: Uint8Array | undefined
    const start = first * blockSize
    const chunkLen = Math.min(size, last * blockSize) - start
    if (!usable) {
      // No cache: the chunk goes from the volume straight into the sums kernel, is summed there, and
      // the same bytes are hashed there (xxh128; another hash: every block of the chunk in one hasher call).
      kernel ??= kind === 'rabin-karp' ? undefined : new BlockSumsKernel(Math.min(size, perChunk * blockSize))
      chunk = kernel ? kernel.area(chunkLen) : reader.read(start, chunkLen)
      if (kernel) reader.readInto(start, chunkLen, chunk)
      const lastLen = blockLength(last - 1, size, blockSize)
      if (kernel && kind !== 'rabin-karp') kernel.sums(kind, last - first, blockSize, lastLen, weak, first)
      else blockWeakSums(kind, chunk, 0, last - first, blockSize, lastLen, weak, first)
      if (kernel && hasher.name === 'xxh128') kernel.xxh128(last - first, blockSize, lastLen, full, first * d)
      else hasher.hashBlocks(chunk, blockSize, full, first * d)
      continue
    }
    if (needed) chunk = reader.read(start, chunkLen)
    for (let i = first; i < last; i++) {
      if (usable && !usable.dirty(i)) {
        weak[i] = usable.sums.weak[i]!
        full.set(usable.sums.full.subarray(i * d, (i + 1) * d), i * d)
        fromCache++
        continue
      }
      const at = (i - first) * blockSize
      const len = blockLength(i, size, blockSize)
      if (usable) blockWeakSums(kind, chunk!, at, 1, blockSize, len, weak, i)
      full.set(hasher.hash(chunk!.subarray(at, at + len)), i * d)
    }
  }
  reader.close()
  return { sums: { size, blockSize, count, weak, full, digestLength: d }, fromCache }
}

// ---- cache ---------------------------------------------------------------------------------------

/** Sums of the committed replica, with the blocks written since they were computed marked dirty. */
export interface CachedSums {
  sums: BlockSums
  dirty(block: number): boolean
}

const CACHE_VERSION = 1

/**
 * The sums of the replica as this sync leaves it: a block keeps its old sums when nothing was written
 * into it and its length is unchanged; every other block is dirty and is hashed at the next sync.
 */
export function carrySums(old: BlockSums, newSize: number, written: Uint8Array, kind: WeakSumName, hash: StrongHashName): Uint8Array {
  const B = old.blockSize
  const count = blockCount(newSize, B)
  const d = old.digestLength
  const dirty = new Uint8Array(Math.ceil(count / 8))
  const weak = new Int32Array(count)
  const full = new Uint8Array(count * d)
  for (let j = 0; j < count; j++) {
    const clean = j < old.count && (written[j >>> 3]! & (1 << (j & 7))) === 0 && blockLength(j, newSize, B) === blockLength(j, old.size, B)
    if (clean) {
      weak[j] = old.weak[j]!
      full.set(old.full.subarray(j * d, (j + 1) * d), j * d)
    } else {
      dirty[j >>> 3]! |= 1 << (j & 7)
    }
  }
  const w = new FrameWriter(64 + count * (4 + d) + dirty.length)
  w.u8(CACHE_VERSION).u8(WEAK_SUMS.indexOf(kind)).u8(STRONG_HASHES.indexOf(hash)).varint(newSize).varint(B).varint(d)
  w.bytes(new Uint8Array(weak.buffer, weak.byteOffset, weak.byteLength))
  w.bytes(full)
  w.bytes(dirty)
  return w.finish()
}

/** Reads a cache written by carrySums; undefined when absent, for other algorithms, or unreadable. */
export function loadCachedSums(state: StateStore, key: string, kind: WeakSumName, hash: StrongHashName): CachedSums | undefined {
  const bytes = state.get(key)
  if (!bytes) return undefined
  try {
    const r = new FrameReader('rsync-rolling cache', bytes)
    if (r.u8() !== CACHE_VERSION || r.u8() !== WEAK_SUMS.indexOf(kind) || r.u8() !== STRONG_HASHES.indexOf(hash)) return undefined
    const size = r.varint()
    const B = r.bounded('block size', MAX_BLOCK_SIZE)
    const d = r.bounded('digest length', 64)
    if (B < 1) return undefined
    const count = blockCount(size, B)
    const weak = new Int32Array(r.bytes(count * 4).slice().buffer)
    const full = r.bytes(count * d).slice()
    const dirty = r.bytes(Math.ceil(count / 8))
    r.end()
    return { sums: { size, blockSize: B, count, weak, full, digestLength: d }, dirty: (i) => (dirty[i >>> 3]! & (1 << (i & 7))) !== 0 }
  } catch {
    return undefined // a cache that does not decode is only a lost cache: recompute everything
  }
}

// ---- signature frames ----------------------------------------------------------------------------

export const TAG_SIG_HEADER = 0x48 // 'H'
export const TAG_SIG_SUMS = 0x53 // 'S'
/** Largest signature a sender accepts (1 GiB of sums). */
export const MAX_SIGNATURE_BYTES = 1 << 30

/** The signature frames of `sums` for pass `pass`, strong digests cut to strongBytes. */
export function signatureFrames(sums: BlockSums, pass: number, strongBytes: number, kind: WeakSumName, hash: StrongHashName): Frame[] {
  const head = new FrameWriter(32).u8(TAG_SIG_HEADER).varint(pass).varint(sums.size).varint(sums.blockSize).varint(strongBytes).u8(WEAK_SUMS.indexOf(kind)).u8(STRONG_HASHES.indexOf(hash))
  const frames: Frame[] = [{ bytes: head.finish(), kind: 'control' }]
  const d = sums.digestLength
  for (let first = 0; first < sums.count; first += HASHES_PER_FRAME) {
    const n = Math.min(HASHES_PER_FRAME, sums.count - first)
    const out = new Uint8Array(1 + varintLength(first) + n * (4 + strongBytes))
    out[0] = TAG_SIG_SUMS
    let at = writeVarint(out, 1, first)
    const dv = new DataView(out.buffer)
    for (let i = first; i < first + n; i++) {
      dv.setInt32(at, sums.weak[i]!, true)
      out.set(sums.full.subarray(i * d, i * d + strongBytes), at + 4)
      at += 4 + strongBytes
    }
    const header = 1 + varintLength(first)
    frames.push({ bytes: out, kind: 'signature', split: { control: header, signature: out.length - header } })
  }
  return frames
}

/** Assembles a signature from its frames on the sender; every length is checked before allocating. */
export class SignatureReader {
  sig: Signature | undefined
  private have = 0

  constructor(
    private readonly who: string,
    private readonly maxStrongBytes: number,
  ) {}

  /** True once every block's sums have arrived. */
  get complete(): boolean {
    return this.sig !== undefined && this.have === this.sig.count
  }

  /** Handles one frame; false when the tag is not a signature tag. */
  accept(frame: Uint8Array): boolean {
    const r = new FrameReader(this.who, frame)
    const tag = r.u8()
    if (tag === TAG_SIG_HEADER) {
      if (this.sig && !this.complete) r.fail('a new signature header before the last signature was complete')
      const pass = r.bounded('pass', 2)
      const size = r.varint()
      const blockSize = r.bounded('block size', MAX_BLOCK_SIZE)
      const strongBytes = r.bounded('strong bytes', this.maxStrongBytes)
      const weakIdx = r.u8()
      const hashIdx = r.u8()
      r.end()
      if (pass < 1 || blockSize < 1 || strongBytes < 1) r.fail(`pass ${pass}, block size ${blockSize}, strong bytes ${strongBytes}: each must be at least 1`)
      const weakName = WEAK_SUMS[weakIdx]
      const hashName = STRONG_HASHES[hashIdx]
      if (!weakName || !hashName) return r.fail(`unknown weak sum ${weakIdx} or strong hash ${hashIdx}`)
      const count = blockCount(size, blockSize)
      if (count * (4 + strongBytes) > MAX_SIGNATURE_BYTES) r.fail(`a signature of ${count} blocks is larger than ${MAX_SIGNATURE_BYTES} bytes`)
      this.sig = { pass, size, blockSize, count, strongBytes, weakSum: weakName, hash: hashName, weak: new Int32Array(count), strong: new Uint8Array(count * strongBytes) }
      this.have = 0
      return true
    }
    if (tag === TAG_SIG_SUMS) {
      const sig = this.sig
      if (!sig) return r.fail('block sums before the signature header')
      const first = r.varint()
      if (first !== this.have) r.fail(`sums start at block ${first}, expected ${this.have}`)
      const entry = 4 + sig.strongBytes
      if (r.remaining % entry !== 0) r.fail(`${r.remaining} bytes of sums is not a whole number of ${entry}-byte entries`)
      const n = r.remaining / entry
      if (first + n > sig.count) r.fail(`sums for blocks up to ${first + n - 1}, the replica has ${sig.count}`)
      const body = r.bytes(n * entry)
      const dv = new DataView(body.buffer, body.byteOffset, body.byteLength)
      for (let k = 0; k < n; k++) {
        sig.weak[first + k] = dv.getInt32(k * entry, true)
        sig.strong.set(body.subarray(k * entry + 4, (k + 1) * entry), (first + k) * sig.strongBytes)
      }
      this.have += n
      return true
    }
    return false
  }
}
