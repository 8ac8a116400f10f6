import { WorkloadError } from '../core/errors.ts'
import type { Mutation } from './workload.ts'

/**
 * Reads an SQLite write-ahead log (https://sqlite.org/fileformat2.html#walformat): a 32-byte header,
 * then frames of a 24-byte header and one page. A frame counts only if its salts match the header's and
 * its checksum continues the running checksum; a commit frame carries the database size in pages. As
 * SQLite's own recovery does, frames after the last valid commit are ignored (a transaction in
 * progress, or leftovers from a rolled-back one).
 */
export const WAL_HEADER_BYTES = 32
export const WAL_FRAME_HEADER_BYTES = 24
const MAGIC_LE = 0x377f0682
const MAGIC_BE = 0x377f0683
const WAL_VERSION = 3007000

export interface WalFrame {
  /** Page number, 1-based: the page lives at (pgno - 1) * pageSize in the database file. */
  readonly pgno: number
  /** The page image (a view into the WAL bytes). */
  readonly data: Uint8Array
}

export interface WalCommit {
  /** Frames of the transaction, in the order SQLite wrote them. */
  readonly frames: WalFrame[]
  /** Database size in pages after the commit. */
  readonly dbPages: number
}

export interface WalContents {
  readonly pageSize: number
  readonly commits: WalCommit[]
  /** Valid frames after the last commit (not part of the database). */
  readonly uncommittedFrames: number
}

/** SQLite's WAL checksum over 8-byte steps, continuing from (s0, s1); `big` picks the word byte order. */
function checksum(view: DataView, from: number, to: number, big: boolean, s: [number, number]): void {
  let s0 = s[0]
  let s1 = s[1]
  for (let i = from; i < to; i += 8) {
    // Additions wrap at 32 bits, as the C code's u32 arithmetic does.
    s0 = (s0 + view.getUint32(i, !big) + s1) >>> 0
    s1 = (s1 + view.getUint32(i + 4, !big) + s0) >>> 0
  }
  s[0] = s0
  s[1] = s1
}

/** Parses a WAL file's bytes. An empty file (a checkpoint truncated it) holds no commits. */
export function parseWal(wal: Uint8Array, where = 'sqlite-wal'): WalContents {
  if (wal.length === 0) return { pageSize: 0, commits: [], uncommittedFrames: 0 }
  if (wal.length < WAL_HEADER_BYTES) throw new WorkloadError(where, `WAL of ${wal.length} bytes is shorter than its ${WAL_HEADER_BYTES}-byte header`)
  const view = new DataView(wal.buffer, wal.byteOffset, wal.byteLength)
  const magic = view.getUint32(0)
  if (magic !== MAGIC_LE && magic !== MAGIC_BE) throw new WorkloadError(where, `not a WAL file (magic 0x${magic.toString(16)})`)
  const big = magic === MAGIC_BE
  const version = view.getUint32(4)
  if (version !== WAL_VERSION) throw new WorkloadError(where, `WAL format version ${version}, expected ${WAL_VERSION}`)
  const pageSize = view.getUint32(8)
  if (pageSize < 512 || pageSize > 65536 || (pageSize & (pageSize - 1)) !== 0) throw new WorkloadError(where, `WAL page size ${pageSize} is not a power of two from 512 to 65536`)
  const salt1 = view.getUint32(16)
  const salt2 = view.getUint32(20)
  const sum: [number, number] = [0, 0]
  checksum(view, 0, 24, big, sum)
  if (sum[0] !== view.getUint32(24) || sum[1] !== view.getUint32(28)) throw new WorkloadError(where, 'WAL header checksum does not match')

  const commits: WalCommit[] = []
  let pending: WalFrame[] = []
  const frameBytes = WAL_FRAME_HEADER_BYTES + pageSize
  for (let at = WAL_HEADER_BYTES; at + frameBytes <= wal.length; at += frameBytes) {
    const pgno = view.getUint32(at)
    const dbPages = view.getUint32(at + 4)
    if (pgno === 0 || view.getUint32(at + 8) !== salt1 || view.getUint32(at + 12) !== salt2) break
    const next: [number, number] = [sum[0], sum[1]]
    checksum(view, at, at + 8, big, next)
    checksum(view, at + WAL_FRAME_HEADER_BYTES, at + frameBytes, big, next)
    if (next[0] !== view.getUint32(at + 16) || next[1] !== view.getUint32(at + 20)) break
    sum[0] = next[0]
    sum[1] = next[1]
    pending.push({ pgno, data: wal.subarray(at + WAL_FRAME_HEADER_BYTES, at + frameBytes) })
    if (dbPages !== 0) {
      commits.push({ frames: pending, dbPages })
      pending = []
    }
  }
  return { pageSize, commits, uncommittedFrames: pending.length }
}

/**
 * The WAL's commits as mutations of the database file, in the order SQLite wrote the frames: each frame
 * overwrites its page at (pgno - 1) * pageSize (a frame past the end first grows the file to its
 * offset), and each commit sets the file to its database size. Applied to the database as it was when
 * the WAL started, this gives the database a checkpoint writes.
 */
export function walMutations(wal: WalContents, startSize: number): Mutation[] {
  const out: Mutation[] = []
  const ps = wal.pageSize
  let size = startSize
  for (const commit of wal.commits) {
    for (const f of commit.frames) {
      const at = (f.pgno - 1) * ps
      if (at > size) {
        out.push({ kind: 'truncate', size: at })
        size = at
      }
      out.push({ kind: 'overwrite', at, bytes: f.data })
      size = Math.max(size, at + ps)
    }
    const end = commit.dbPages * ps
    if (end !== size) {
      out.push({ kind: 'truncate', size: end })
      size = end
    }
  }
  return out
}
