import { closeSync, ftruncateSync, openSync, unlinkSync, writeSync } from 'node:fs'
import { readFully } from '../core/read-fully.ts'

/** Where a staged volume keeps the pages it has written. Every page it holds is whole (its full bytes). */
export interface PageStore {
  get(page: number): Uint8Array | undefined
  /** The page, read into `into` (a page long) when the store must read it; the store's own array otherwise. */
  getInto(page: number, into: Uint8Array): Uint8Array | undefined
  has(page: number): boolean
  /** Stores `data` as the page; the store may keep the array itself. */
  put(page: number, data: Uint8Array): void
  /** Stores a copy of `view` as the page; the store never keeps the view (the caller's buffer). */
  putCopy(page: number, view: Uint8Array): void
  /** Stores a copy of `view`, whole pages long, as pages first, first + 1, …: one write for a file store. */
  putPagesCopy(first: number, view: Uint8Array): void
  delete(page: number): void
  keys(): number[]
  readonly count: number
  /** Frees what the store holds (its temporary file). */
  dispose(): void
}

export class MemoryPageStore implements PageStore {
  private pages = new Map<number, Uint8Array>()
  constructor(private readonly pageSize: number) {}
  get(page: number) {
    return this.pages.get(page)
  }
  getInto(page: number) {
    return this.pages.get(page)
  }
  has(page: number) {
    return this.pages.has(page)
  }
  put(page: number, data: Uint8Array) {
    this.pages.set(page, data)
  }
  putCopy(page: number, view: Uint8Array) {
    this.pages.set(page, view.slice())
  }
  putPagesCopy(first: number, view: Uint8Array) {
    const n = this.pageSize
    for (let k = 0; k * n < view.length; k++) this.pages.set(first + k, view.slice(k * n, (k + 1) * n))
  }
  delete(page: number) {
    this.pages.delete(page)
  }
  keys() {
    return [...this.pages.keys()]
  }
  get count() {
    return this.pages.size
  }
  dispose() {
    this.pages.clear()
  }
}

/**
 * Pages kept in a temporary file beside the replica, so staging a rebuilt 4 GiB volume costs disk, not
 * heap. Page k sits at offset k × pageSize (a sparse file): once most pages are staged, the file with its
 * holes filled *is* the new replica, and `finish` hands it over to be renamed into place instead of copied.
 * Memory is one set entry per page written (a 4 GiB volume has 65,536 pages of 64 KiB).
 */
export class FilePageStore implements PageStore {
  private readonly staged = new Set<number>()
  private fd: number | undefined
  /** The last page put, not yet written: receivers write a page in many small pieces in a row. */
  private hot: { page: number; data: Uint8Array } | undefined

  constructor(
    readonly path: string,
    private readonly pageSize: number,
  ) {}

  private file(): number {
    this.fd ??= openSync(this.path, 'w+')
    return this.fd
  }

  private writeAt(page: number, data: Uint8Array): void {
    const fd = this.file()
    const at = page * this.pageSize
    let done = 0
    while (done < data.length) done += writeSync(fd, data, done, data.length - done, at + done)
  }

  private flush(): void {
    if (!this.hot) return
    const { page, data } = this.hot
    this.hot = undefined
    this.writeAt(page, data)
  }

  get(page: number): Uint8Array | undefined {
    if (this.hot?.page === page) return this.hot.data
    if (!this.staged.has(page)) return undefined
    const out = new Uint8Array(this.pageSize)
    // A page deleted and staged again was written again; past the file's end it reads as zeros.
    readFully(this.file(), out, 0, this.pageSize, page * this.pageSize)
    return out
  }

  getInto(page: number, into: Uint8Array): Uint8Array | undefined {
    if (this.hot?.page === page) return this.hot.data
    if (!this.staged.has(page)) return undefined
    const got = readFully(this.file(), into, 0, this.pageSize, page * this.pageSize)
    into.fill(0, got) // past the file's end a page reads as zeros, as in get
    return into
  }

  has(page: number): boolean {
    return this.staged.has(page)
  }

  put(page: number, data: Uint8Array): void {
    if (this.hot && this.hot.page !== page) this.flush()
    this.hot = { page, data }
    this.staged.add(page)
  }

  putCopy(page: number, view: Uint8Array): void {
    // Written straight from the caller's buffer: the kernel's copy is the only one.
    if (this.hot?.page === page) this.hot = undefined
    this.writeAt(page, view)
    this.staged.add(page)
  }

  putPagesCopy(first: number, view: Uint8Array): void {
    const count = Math.ceil(view.length / this.pageSize)
    if (this.hot && this.hot.page >= first && this.hot.page < first + count) this.hot = undefined
    this.writeAt(first, view)
    for (let k = 0; k < count; k++) this.staged.add(first + k)
  }

  delete(page: number): void {
    // Its old bytes stay in the file until the page is staged again or `finish` fills it: `staged` says what counts.
    if (this.hot?.page === page) this.hot = undefined
    this.staged.delete(page)
  }

  keys(): number[] {
    return [...this.staged]
  }

  get count(): number {
    return this.staged.size
  }

  /**
   * Writes out the last page, cuts the file to `size` and closes it; the caller renames it into place and
   * the store no longer owns it. Every page below `size` must have been staged (the caller fills the holes).
   */
  finish(size: number): string {
    this.flush()
    const fd = this.file()
    ftruncateSync(fd, size)
    closeSync(fd)
    this.fd = undefined
    this.staged.clear()
    return this.path
  }

  dispose(): void {
    this.hot = undefined
    if (this.fd !== undefined) {
      closeSync(this.fd)
      this.fd = undefined
      try {
        unlinkSync(this.path)
      } catch {
        // already gone
      }
    }
    this.staged.clear()
  }
}
