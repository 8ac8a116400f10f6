import { WorkloadError } from '../core/errors.ts'
import { CHUNK, MemoryVolume, type Volume } from '../core/volume.ts'
import type { Mutation } from './workload.ts'

/** Sees the device-level effects of a mutation: the writes and size changes a block device would see. */
export interface WriteObserver {
  onWrite(offset: number, data: Uint8Array): void
  onResize(size: number): void
}

/** Moves [start, end) to target inside a volume (memmove semantics), chunked for file volumes. */
function move(v: Volume, target: number, start: number, end: number): void {
  if (v instanceof MemoryVolume) return v.copyWithin(target, start, end)
  const n = end - start
  if (target > start) {
    for (let done = 0; done < n; ) {
      const len = Math.min(CHUNK, n - done)
      const from = end - done - len
      v.write(target + (from - start), new Uint8Array(v.read(from, len)))
      done += len
    }
  } else {
    for (let done = 0; done < n; done += CHUNK) {
      const len = Math.min(CHUNK, n - done)
      v.write(target + done, new Uint8Array(v.read(start + done, len)))
    }
  }
}

/** Reports [from, to) of the volume as written, in chunks so a shifted tail never needs one huge view. */
function reportWritten(v: Volume, from: number, to: number, obs: WriteObserver): void {
  for (let off = from; off < to; off += CHUNK) obs.onWrite(off, v.read(off, Math.min(CHUNK, to - off)))
}

/**
 * Applies one mutation to the source and tells the observer what the device saw: an overwrite is one
 * write; an insert or delete rewrites the shifted tail; a truncate is a resize.
 */
export function applyMutation(v: Volume, m: Mutation, obs: WriteObserver, where = 'workload'): void {
  const size = v.size
  const after = sizeAfter(size, m, where) // checks the mutation against the volume before anything changes
  switch (m.kind) {
    case 'overwrite': {
      if (after > size) {
        v.truncate(after)
        obs.onResize(after)
      }
      v.write(m.at, m.bytes)
      if (m.bytes.length > 0) obs.onWrite(m.at, m.bytes)
      return
    }
    case 'insert': {
      if (after === size) return
      v.truncate(after)
      obs.onResize(after)
      move(v, m.at + m.bytes.length, m.at, size)
      v.write(m.at, m.bytes)
      reportWritten(v, m.at, after, obs)
      return
    }
    case 'delete': {
      if (after === size) return
      move(v, m.at, m.at + m.length, size)
      reportWritten(v, m.at, after, obs)
      v.truncate(after)
      obs.onResize(after)
      return
    }
    case 'truncate': {
      v.truncate(after)
      obs.onResize(after)
      return
    }
  }
}

/**
 * The size a volume of `size` bytes has after the mutation, or a WorkloadError if the mutation does not
 * fit it: applyMutation's checks, and on its own what sizeOnlyEpochs workloads' epochs are followed with.
 */
export function sizeAfter(size: number, m: Mutation, where = 'workload'): number {
  switch (m.kind) {
    case 'overwrite':
      if (m.at < 0 || m.at > size) throw new WorkloadError(where, `overwrite at ${m.at} is past the end of a ${size}-byte volume`)
      return Math.max(size, m.at + m.bytes.length)
    case 'insert':
      if (m.at < 0 || m.at > size) throw new WorkloadError(where, `insert at ${m.at} is past the end of a ${size}-byte volume`)
      return size + m.bytes.length
    case 'delete':
      if (m.at < 0 || m.length < 0 || m.at + m.length > size) throw new WorkloadError(where, `delete of [${m.at}, ${m.at + m.length}) is outside a ${size}-byte volume`)
      return size - m.length
    case 'truncate':
      if (m.size < 0 || !Number.isSafeInteger(m.size)) throw new WorkloadError(where, `truncate to ${m.size}`)
      return m.size
  }
}

export const NO_OBSERVER: WriteObserver = { onWrite() {}, onResize() {} }
