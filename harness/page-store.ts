import { closeSync, openSync, unlinkSync, writeSync } from 'node:fs'
import { readFully } from '../core/read-fully.ts'

/** Where a staged volume keeps the pages it has written. */
export interface PageStore {
  get(page: number): Uint8Array | undefined
  put(page: number, data: Uint8Array): void
  delete(page: number): void
  keys(): number[]
  readonly count: number
  /** Frees what the store holds (its temporary file). */
  dispose(): void
}

export class MemoryPageStore implements PageStore {
  private pages = new Map<number, Uint8Array>()
  get(page: number) {
    return this.pages.get(page)
  }
  put(page: number, data: Uint8Array) {
    this.pages.set(page, data)
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
 * heap. Memory is one map entry per page written (a 4 GiB volume has 65,536 pages of 64 KiB).
 */
export class FilePageStore implements PageStore {
  private slots = new Map<number, number>()
  private free: number[] = []
  private next = 0
  private fd: number | undefined
  /** The last page put, not yet written: receivers write a page in many small pieces in a row. */
  private hot: { page: number; data: Uint8Array } | undefined

  constructor(
    private readonly path: string,
    private readonly pageSize: number,
  ) {}

  private file(): number {
    this.fd ??= openSync(this.path, 'w+')
    return this.fd
  }

  private flush(): void {
    if (!this.hot) return
    const { page, data } = this.hot
    this.hot = undefined
    let slot = this.slots.get(page)
    if (slot === undefined) {
      slot = this.free.pop() ?? this.next++
      this.slots.set(page, slot)
    }
    let done = 0
    while (done < data.length) done += writeSync(this.file(), data, done, data.length - done, slot * this.pageSize + done)
  }

  get(page: number): Uint8Array | undefined {
    if (this.hot?.page === page) return this.hot.data
    const slot = this.slots.get(page)
    if (slot === undefined) return undefined
    const out = new Uint8Array(this.pageSize)
    // Past the file's end (a slot not yet written out) the rest of the page reads as zeros.
    readFully(this.file(), out, 0, this.pageSize, slot * this.pageSize)
    return out
  }

  put(page: number, data: Uint8Array): void {
    if (this.hot && this.hot.page !== page) this.flush()
    this.hot = { page, data }
    // Reserve the slot now so keys() and count see the page before it is flushed.
    if (!this.slots.has(page)) this.slots.set(page, this.free.pop() ?? this.next++)
  }

  delete(page: number): void {
    if (this.hot?.page === page) this.hot = undefined
    const slot = this.slots.get(page)
    if (slot === undefined) return
    this.slots.delete(page)
    this.free.push(slot)
  }

  keys(): number[] {
    return [...this.slots.keys()]
  }

  get count(): number {
    return this.slots.size
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
    this.slots.clear()
  }
}
