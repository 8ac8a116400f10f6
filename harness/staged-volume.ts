import { CapacityError } from '../core/errors.ts'
import { FilePageStore, MemoryPageStore, type PageStore } from './page-store.ts'
import { FileVolume, type ReadonlyVolume, type Volume } from '../core/volume.ts'

/** Page size of the copy-on-write overlay: writes materialise whole pages, reads fall through. */
const PAGE_SHIFT = 16
const PAGE = 1 << PAGE_SHIFT

/**
 * A receiver's staged replica: writes land in a copy-on-write overlay over the committed replica, so
 * a sync that fails half-way is dropped with `abort()` and the replica is exactly as it was. The
 * harness, not the strategy, calls `commit()` once the receiver half has finished without error.
 * Memory is proportional to the pages written, not to the volume; over a file-backed replica the pages
 * themselves go to a temporary file beside it, so not even those are on the heap.
 */
export class StagedVolume implements Volume {
  private readonly base: Volume
  private readonly pages: PageStore
  private len: number
  /** Base bytes at or past this offset were cut off by a truncate and read as zeros. */
  private baseLimit: number
  private state: 'open' | 'committed' | 'aborted' = 'open'
  /** Largest size the replica may grow to: the space a real receiver has (a disk, a quota). */
  readonly quota: number

  constructor(base: Volume, quota = Number.MAX_SAFE_INTEGER) {
    this.base = base
    this.pages = base instanceof FileVolume ? new FilePageStore(`${base.path}.stage`, PAGE) : new MemoryPageStore()
    this.len = base.size
    this.baseLimit = base.size
    this.quota = Math.max(quota, base.size)
  }

  private fits(size: number): void {
    if (size > this.quota) throw new CapacityError(`would grow to ${size} bytes, past its space of ${this.quota} bytes`)
  }

  get size(): number {
    return this.len
  }

  /** Bytes written into the overlay so far (whole pages), for memory accounting. */
  get overlayBytes(): number {
    return this.pages.count * PAGE
  }

  private open(): void {
    if (this.state !== 'open') throw new Error(`staged volume: already ${this.state}`)
  }

  private fillFromBase(page: number, into: Uint8Array, from: number, to: number, at: number): void {
    // Copies base bytes [from, to) of this page region into `into` at `at`, zero beyond baseLimit.
    const start = page * PAGE + from
    const end = Math.min(page * PAGE + to, this.baseLimit)
    if (end > start) into.set(this.base.read(start, end - start), at)
    const zeroFrom = at + Math.max(0, end - start)
    const zeroTo = at + (to - from)
    if (zeroTo > zeroFrom) into.fill(0, zeroFrom, zeroTo)
  }

  read(offset: number, length: number): Uint8Array {
    if (offset < 0 || length < 0 || offset + length > this.len) {
      throw new RangeError(`staged volume: read of [${offset}, ${offset + length}) is outside the volume of ${this.len} bytes`)
    }
    if (this.pages.count === 0 && offset + length <= this.baseLimit) return this.base.read(offset, length)
    const out = new Uint8Array(length)
    let pos = offset
    while (pos < offset + length) {
      const page = pos >>> PAGE_SHIFT
      const inPage = pos - page * PAGE
      const n = Math.min(PAGE - inPage, offset + length - pos)
      const p = this.pages.get(page)
      if (p) out.set(p.subarray(inPage, inPage + n), pos - offset)
      else this.fillFromBase(page, out, inPage, inPage + n, pos - offset)
      pos += n
    }
    return out
  }

  /** The page's current bytes (from the store, or copied from the base); the caller puts it back. */
  private materialise(page: number): Uint8Array {
    let p = this.pages.get(page)
    if (!p) {
      p = new Uint8Array(PAGE)
      this.fillFromBase(page, p, 0, PAGE, 0)
    }
    return p
  }

  write(offset: number, bytes: Uint8Array): void {
    this.open()
    this.fits(offset + bytes.length)
    if (offset > this.len) this.truncate(offset)
    let pos = offset
    const end = offset + bytes.length
    while (pos < end) {
      const page = pos >>> PAGE_SHIFT
      const inPage = pos - page * PAGE
      const n = Math.min(PAGE - inPage, end - pos)
      // A write that covers a whole page need not read the page first.
      const p = n === PAGE ? new Uint8Array(PAGE) : this.materialise(page)
      p.set(bytes.subarray(pos - offset, pos - offset + n), inPage)
      this.pages.put(page, p)
      pos += n
    }
    if (end > this.len) this.len = end
  }

  truncate(size: number): void {
    this.open()
    if (!Number.isSafeInteger(size) || size < 0) throw new RangeError(`staged volume: bad size ${size}`)
    this.fits(size)
    if (size < this.len) {
      // Zero the cut part of the last kept page, drop pages wholly past the end.
      const page = size >>> PAGE_SHIFT
      if (size % PAGE !== 0) {
        const p = this.pages.get(page)
        if (p) {
          p.fill(0, size - page * PAGE)
          this.pages.put(page, p)
        }
      }
      for (const k of [...this.pages.keys()]) if (k * PAGE >= size) this.pages.delete(k)
      this.baseLimit = Math.min(this.baseLimit, size)
    }
    this.len = size
  }

  /** Applies the overlay to the replica. Only the harness calls this, after a clean finish. */
  commit(): void {
    this.open()
    const keys = [...this.pages.keys()].sort((a, b) => a - b)
    // Shrink first so the base never holds stale bytes past baseLimit, then grow and write pages.
    this.base.truncate(Math.min(this.baseLimit, this.len))
    this.base.truncate(this.len)
    for (const k of keys) {
      const start = k * PAGE
      if (start >= this.len) continue
      const p = this.pages.get(k)!
      this.base.write(start, p.subarray(0, Math.min(PAGE, this.len - start)))
    }
    this.pages.dispose()
    this.state = 'committed'
  }

  /** Drops every staged change; the replica is untouched. */
  abort(): void {
    this.pages.dispose()
    this.state = 'aborted'
  }
}

export type { ReadonlyVolume }
