import type { ReadonlyVolume } from '../../core/volume.ts'
import { blockCount } from '../shared/block-stream.ts'
import { BlockHashes } from '../shared/block-hashes.ts'
import { bytesEqual, type StrongHasher } from '../shared/strong-hash.ts'
import { varintLength, writeVarint } from '../../core/varint.ts'
import { FrameReader } from '../../core/wire.ts'

/**
 * A snapshot manifest: the content hash of every block of a volume, by block index (stable block
 * identifiers). `hashes` holds blockCount(size, blockSize) entries of hashLength bytes each.
 */
export interface BlockManifest {
  readonly size: number
  readonly blockSize: number
  readonly hashLength: number
  readonly hashes: Uint8Array
}

/** Largest volume a manifest or push may describe (1 TiB, the harness's largest): bounds what a decoder sizes. */
export const MAX_VOLUME_BYTES = 2 ** 40

/** Largest manifest a decoder accepts (1 GiB of hashes, a 256 TiB volume at 4 KiB blocks and 16-byte hashes). */
export const MAX_MANIFEST_BYTES = 1 << 30

/** The serialized bytes a manifest's hashes were hashed into (takeManifest), so serializing it copies nothing. */
const serializedOf = new WeakMap<Uint8Array, Uint8Array>()

/** The serialized form's head: size · blockSize · hashLength as varints, written at 0; its length. */
function writeHead(out: Uint8Array | undefined, size: number, blockSize: number, hashLength: number): number {
  if (!out) return varintLength(size) + varintLength(blockSize) + varintLength(hashLength)
  return writeVarint(out, writeVarint(out, writeVarint(out, 0, size), blockSize), hashLength)
}

/**
 * Hashes every block of a volume. The hashes go straight into their serialized form (one allocation per
 * sync, not two and a copy): at 512 B a manifest's fresh memory cost about as much as hashing into it.
 */
export function takeManifest(v: ReadonlyVolume, blockSize: number, h: StrongHasher): BlockManifest {
  const head = writeHead(undefined, v.size, blockSize, h.digestLength)
  const bytes = new Uint8Array(head + blockCount(v.size, blockSize) * h.digestLength)
  writeHead(bytes, v.size, blockSize, h.digestLength)
  const hashes = new BlockHashes(v, blockSize, h).all(bytes.subarray(head))
  serializedOf.set(hashes, bytes)
  return { size: v.size, blockSize, hashLength: h.digestLength, hashes }
}

/**
 * size · blockSize · hashLength as varints, then the hashes: what the sender keeps between syncs. A
 * manifest from takeManifest already is that (the same bytes, shared: neither is written after).
 */
export function serializeManifest(m: BlockManifest): Uint8Array {
  const made = serializedOf.get(m.hashes)
  if (made && made.length === writeHead(undefined, m.size, m.blockSize, m.hashLength) + m.hashes.length) return made
  const out = new Uint8Array(writeHead(undefined, m.size, m.blockSize, m.hashLength) + m.hashes.length)
  out.set(m.hashes, writeHead(out, m.size, m.blockSize, m.hashLength))
  return out
}

/** Reads a manifest back (from the sender's own state; checked all the same). */
export function parseManifest(who: string, bytes: Uint8Array): BlockManifest {
  const r = new FrameReader(who, bytes)
  const size = r.varint()
  const blockSize = r.varint()
  const hashLength = r.bounded('manifest hash length', 64)
  if (blockSize < 1) r.fail('manifest of block size 0')
  const hashes = r.bytes(blockCount(size, blockSize) * hashLength).slice()
  r.end()
  return { size, blockSize, hashLength, hashes }
}

/**
 * Content → where the receiver already holds it: an open-addressing table over block hashes, keyed by
 * their first four bytes (a strong hash is uniform already). Codes below `oldCount` are blocks of the old
 * replica (entries of `old`); code oldCount + i is block i of the new volume (entry i of `fresh`), once it
 * has been sent in this sync. A slot holds code+1 (0 = empty); the first code stored for a content wins.
 * Typed arrays and no per-probe allocation: this runs once per changed block.
 */
export class ContentIndex {
  private readonly slots: Int32Array
  private readonly mask: number

  constructor(
    capacity: number,
    private readonly hashLength: number,
    private readonly old: Uint8Array,
    private readonly oldCount: number,
    private readonly fresh: Uint8Array,
  ) {
    let size = 16
    while (size < capacity * 2) size *= 2
    this.slots = new Int32Array(size)
    this.mask = size - 1
  }

  private static key(hashes: Uint8Array, at: number): number {
    return (hashes[at]! | (hashes[at + 1]! << 8) | (hashes[at + 2]! << 16) | (hashes[at + 3]! << 24)) >>> 0
  }

  private matches(code: number, hashes: Uint8Array, at: number): boolean {
    const len = this.hashLength
    return code < this.oldCount ? bytesEqual(this.old, code * len, hashes, at, len) : bytesEqual(this.fresh, (code - this.oldCount) * len, hashes, at, len)
  }

  /** The code stored for the content at hashes[at…], or -1. */
  find(hashes: Uint8Array, at: number): number {
    for (let s = ContentIndex.key(hashes, at) & this.mask; ; s = (s + 1) & this.mask) {
      const v = this.slots[s]!
      if (v === 0) return -1
      if (this.matches(v - 1, hashes, at)) return v - 1
    }
  }

  /** Stores a code for its content unless that content is already stored. */
  add(code: number): void {
    const hashes = code < this.oldCount ? this.old : this.fresh
    const at = (code < this.oldCount ? code : code - this.oldCount) * this.hashLength
    for (let s = ContentIndex.key(hashes, at) & this.mask; ; s = (s + 1) & this.mask) {
      const v = this.slots[s]!
      if (v === 0) {
        this.slots[s] = code + 1
        return
      }
      if (this.matches(v - 1, hashes, at)) return
    }
  }
}
