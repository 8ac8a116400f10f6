import { varintLength } from '../core/varint.ts'
import type { Mutation } from '../workloads/workload.ts'

/**
 * The oracle lower bound for one epoch. The harness knows every edit, so it can say which bytes of the
 * new volume the receiver cannot already have: it follows the epoch's mutations through a piece table
 * (each piece is old data at some offset, new data, or a zero-filled gap), coalescing as it goes (last
 * write wins; a byte inserted then deleted costs nothing). The bound is the new bytes that survive plus a
 * minimal extent encoding of the result: per piece a tag byte and varint length (plus a varint source
 * offset for old pieces), and a varint of the final size.
 *
 * It is an edit-aware bound, not an entropy bound: new bytes that happen to equal old ones, or compress,
 * are still counted, so a strategy with compression or dedup can beat it (efficiency below 1).
 */
interface Piece {
  kind: 'old' | 'new' | 'zero'
  /** Offset in the old volume (old pieces only). */
  from: number
  len: number
}

export interface OracleBound {
  /** Bytes of new content surviving at the end of the epoch. */
  newBytes: number
  /** newBytes plus the extent encoding. */
  bytes: number
  /** Number of extents in the final volume (after merging). */
  extents: number
}

export class EpochOracle {
  private pieces: Piece[]
  private size: number

  constructor(startSize: number) {
    this.size = startSize
    this.pieces = startSize > 0 ? [{ kind: 'old', from: 0, len: startSize }] : []
  }

  /** Index of the first piece starting at pos, splitting a piece if pos falls inside it. */
  private split(pos: number): number {
    let at = 0
    for (let i = 0; i < this.pieces.length; i++) {
      const p = this.pieces[i]!
      if (pos === at) return i
      if (pos < at + p.len) {
        const head = pos - at
        const tail: Piece = { kind: p.kind, from: p.kind === 'old' ? p.from + head : 0, len: p.len - head }
        p.len = head
        this.pieces.splice(i + 1, 0, tail)
        return i + 1
      }
      at += p.len
    }
    return this.pieces.length
  }

  private remove(at: number, len: number): number {
    const i = this.split(at)
    const j = this.split(at + len)
    this.pieces.splice(i, j - i)
    return i
  }

  private resize(size: number): void {
    if (size < this.size) this.remove(size, this.size - size)
    else if (size > this.size) this.pieces.push({ kind: 'zero', from: 0, len: size - this.size })
    this.size = size
  }

  apply(m: Mutation): void {
    switch (m.kind) {
      case 'overwrite': {
        if (m.at + m.bytes.length > this.size) this.resize(m.at + m.bytes.length)
        const i = this.remove(m.at, m.bytes.length)
        this.pieces.splice(i, 0, { kind: 'new', from: 0, len: m.bytes.length })
        return
      }
      case 'insert': {
        const i = this.split(m.at)
        this.pieces.splice(i, 0, { kind: 'new', from: 0, len: m.bytes.length })
        this.size += m.bytes.length
        return
      }
      case 'delete':
        this.remove(m.at, m.length)
        this.size -= m.length
        return
      case 'truncate':
        this.resize(m.size)
        return
    }
  }

  bound(): OracleBound {
    // Merge neighbours that one extent can describe: contiguous old data, adjacent new or zero runs.
    const merged: Piece[] = []
    for (const p of this.pieces) {
      if (p.len === 0) continue
      const last = merged[merged.length - 1]
      if (last && last.kind === p.kind && (p.kind !== 'old' || last.from + last.len === p.from)) last.len += p.len
      else merged.push({ ...p })
    }
    let newBytes = 0
    let bytes = varintLength(this.size)
    for (const p of merged) {
      bytes += 1 + varintLength(p.len)
      if (p.kind === 'old') bytes += varintLength(p.from)
      if (p.kind === 'new') newBytes += p.len
    }
    return { newBytes, bytes: bytes + newBytes, extents: merged.length }
  }
}
