import { CapacityError } from '../core/errors.ts'
import { FilePageStore, MemoryPageStore, type PageStore } from './page-store.ts'
import { FileVolume, type ReadonlyVolume, type Volume } from '../core/volume.ts'

/** Page size of the copy-on-write overlay: writes materialise whole pages, reads fall through. */
const PAGE_SHIFT = 16
const PAGE = 1 << PAGE_SHIFT
/** A file stage holding at least this share of the new volume's pages is committed by rename, not copied back. */
const RENAME_SHARE = 0.5

/** A page being written that is not in the store yet: only [lo, hi) is written, the rest not yet read from the base. */
interface PartPage {
  page: number
  data: Uint8Array
  lo: number
  hi: number
}

/**
 * A receiver's staged replica: writes land in a copy-on-write overlay over the committed replica, so
 * a sync that fails half-way is dropped with `abort()` and the replica is exactly as it was. The
 * harness, not the strategy, calls `commit()` once the receiver half has finished without error.
 * Memory is proportional to the pages written, not to the volume; over a file-backed replica the pages
 * themselves go to a temporary file beside it, so not even those are on the heap.
 *
 * Copies are kept to what changed: a page written in pieces front to back (a rebuilt replica) is never
 * read from the base; a page written whole is stored from the writer's buffer; and a file stage that
 * holds most of the new volume is renamed into place on commit instead of copied into the replica.
 */
export class StagedVolume implements Volume {
  private readonly base: Volume
  private readonly pages: PageStore
  private len: number
  /** Base bytes at or past this offset were cut off by a truncate and read as zeros. */
  private baseLimit: number
  private state: 'open' | 'committed' | 'aborted' = 'open'
  private part: PartPage | undefined
  /** A page buffer a file store has written out, reused for the next part page: fresh memory costs more than the copy. */
  private spare: Uint8Array | undefined
  /** Largest size the replica may grow to: the space a real receiver has (a disk, a quota). */
  readonly quota: number

  constructor(base: Volume, quota = Number.MAX_SAFE_INTEGER) {
    this.base = base
    this.pages = base instanceof FileVolume ? new FilePageStore(`${base.path}.stage`, PAGE) : new MemoryPageStore(PAGE)
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
    return (this.pages.count + (this.part ? 1 : 0)) * PAGE
  }

  private open(): void {
    if (this.state !== 'open') throw new Error(`staged volume: already ${this.state}`)
  }

  private fillFromBase(page: number, into: Uint8Array, from: number, to: number, at: number): void {
    // Copies base bytes [from, to) of this page region into `into` at `at`, zero beyond baseLimit.
    const start = page * PAGE + from
    const end = Math.min(page * PAGE + to, this.baseLimit)
    if (end > start) {
      // A file base reads straight into the page: its read-ahead window would read a whole MiB per scattered page.
      if (this.base instanceof FileVolume) this.base.readInto(start, into.subarray(at, at + end - start))
      else into.set(this.base.read(start, end - start), at)
    }
    const zeroFrom = at + Math.max(0, end - start)
    const zeroTo = at + (to - from)
    if (zeroTo > zeroFrom) into.fill(0, zeroFrom, zeroTo)
  }

  /** Completes the part-written page from the base and stores it. */
  private settle(): void {
    const p = this.part
    if (!p) return
    this.part = undefined
    this.fillFromBase(p.page, p.data, 0, p.lo, 0)
    this.fillFromBase(p.page, p.data, p.hi, PAGE, p.hi)
    this.store(p.page, p.data)
  }

  /** Stores a completed part page: a file store writes it now and its buffer serves the next part page. */
  private store(page: number, data: Uint8Array): void {
    if (this.pages instanceof FilePageStore) {
      this.pages.putCopy(page, data)
      this.spare = data
    } else {
      this.pages.put(page, data)
    }
  }

  read(offset: number, length: number): Uint8Array {
    if (offset < 0 || length < 0 || offset + length > this.len) {
      throw new RangeError(`staged volume: read of [${offset}, ${offset + length}) is outside the volume of ${this.len} bytes`)
    }
    if (this.part && this.part.page * PAGE < offset + length && (this.part.page + 1) * PAGE > offset) this.settle()
    if (this.pages.count === 0 && !this.part && offset + length <= this.baseLimit) return this.base.read(offset, length)
    const out = new Uint8Array(length)
    let pos = offset
    while (pos < offset + length) {
      const page = Math.floor(pos / PAGE)
      const inPage = pos - page * PAGE
      const n = Math.min(PAGE - inPage, offset + length - pos)
      const p = this.pages.get(page)
      if (p) out.set(p.subarray(inPage, inPage + n), pos - offset)
      else this.fillFromBase(page, out, inPage, inPage + n, pos - offset)
      pos += n
    }
    return out
  }

  /** Writes `bytes`, shorter than a page, at `inPage` of one page (whole pages go straight to the store). */
  private writePiece(page: number, inPage: number, bytes: Uint8Array): void {
    const part = this.part
    const end = inPage + bytes.length
    if (part?.page === page) {
      // The page is not in the store, so a gap between the written run and this write holds base bytes:
      // read just the gap and the run stays one. A page written whole is stored without reading the base.
      if (inPage > part.hi) this.fillFromBase(page, part.data, part.hi, inPage, part.hi)
      else if (end < part.lo) this.fillFromBase(page, part.data, end, part.lo, end)
      part.data.set(bytes, inPage)
      part.lo = Math.min(part.lo, inPage)
      part.hi = Math.max(part.hi, end)
      if (part.lo === 0 && part.hi === PAGE) {
        this.part = undefined
        this.store(page, part.data)
      }
      return
    }
    if (this.pages.has(page)) {
      this.settle()
      const p = this.pages.get(page)!
      p.set(bytes, inPage)
      this.pages.put(page, p)
      return
    }
    this.settle()
    // Bytes outside [lo, hi) of a reused buffer are stale: settle fills them from the base.
    const data = this.spare ?? new Uint8Array(PAGE)
    this.spare = undefined
    data.set(bytes, inPage)
    this.part = { page, data, lo: inPage, hi: end }
  }

  write(offset: number, bytes: Uint8Array): void {
    this.open()
    this.fits(offset + bytes.length)
    if (offset > this.len) this.truncate(offset)
    let pos = offset
    const end = offset + bytes.length
    while (pos < end) {
      const page = Math.floor(pos / PAGE)
      const inPage = pos - page * PAGE
      const whole = inPage === 0 ? Math.floor((end - pos) / PAGE) : 0
      if (whole > 0) {
        // A run of whole pages goes to the store in one piece (one write for a file store), never read from the base.
        if (this.part && this.part.page >= page && this.part.page < page + whole) this.part = undefined
        this.pages.putPagesCopy(page, bytes.subarray(pos - offset, pos - offset + whole * PAGE))
        pos += whole * PAGE
        continue
      }
      const n = Math.min(PAGE - inPage, end - pos)
      this.writePiece(page, inPage, bytes.subarray(pos - offset, pos - offset + n))
      pos += n
    }
    if (end > this.len) this.len = end
  }

  truncate(size: number): void {
    this.open()
    if (!Number.isSafeInteger(size) || size < 0) throw new RangeError(`staged volume: bad size ${size}`)
    this.fits(size)
    this.settle()
    if (size < this.len) {
      // Zero the cut part of the last kept page, drop pages wholly past the end.
      const page = Math.floor(size / PAGE)
      if (size % PAGE !== 0) {
        const p = this.pages.get(page)
        if (p) {
          p.fill(0, size - page * PAGE)
          this.pages.put(page, p)
        }
      }
      for (const k of this.pages.keys()) if (k * PAGE >= size) this.pages.delete(k)
      this.baseLimit = Math.min(this.baseLimit, size)
    }
    this.len = size
  }

  /** Applies the overlay to the replica. Only the harness calls this, after a clean finish. */
  commit(): void {
    this.open()
    this.settle()
    const pages = Math.ceil(this.len / PAGE)
    if (this.pages instanceof FilePageStore && this.base instanceof FileVolume && this.pages.count >= pages * RENAME_SHARE) this.commitByRename(this.pages, this.base, pages)
    else this.commitByCopy()
    this.state = 'committed'
  }

  /** Fills the stage file's unwritten pages from the replica and renames it over the replica: no copy of what was written. */
  private commitByRename(stage: FilePageStore, base: FileVolume, pages: number): void {
    const buf = new Uint8Array(PAGE)
    for (let k = 0; k < pages; k++) {
      if (stage.has(k)) continue
      this.fillFromBase(k, buf, 0, PAGE, 0)
      stage.putCopy(k, buf)
    }
    base.replaceWith(stage.finish(this.len))
  }

  private commitByCopy(): void {
    const keys = this.pages.keys().sort((a, b) => a - b)
    // Shrink first so the base never holds stale bytes past baseLimit, then grow and write pages.
    this.base.truncate(Math.min(this.baseLimit, this.len))
    this.base.truncate(this.len)
    const buf = new Uint8Array(PAGE) // a file store reads every page into it; a memory store hands out its own
    for (const k of keys) {
      const start = k * PAGE
      if (start >= this.len) continue
      const p = this.pages.getInto(k, buf)!
      this.base.write(start, p.subarray(0, Math.min(PAGE, this.len - start)))
    }
    this.pages.dispose()
  }

  /** Drops every staged change; the replica is untouched. */
  abort(): void {
    this.part = undefined
    this.pages.dispose()
    this.state = 'aborted'
  }
}

export type { ReadonlyVolume }
