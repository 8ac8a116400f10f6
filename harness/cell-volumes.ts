import { MemoryVolume, type Volume } from '../core/volume.ts'
import { changedExtents } from './epoch-extents.ts'
import type { PreparedWorkload } from './prepare-workload.ts'

/**
 * A cell's source and replica, as clones of the prepared base. In memory, the previous cell's volumes are
 * reset to the base's bytes instead of cloned afresh: the bytes are the same, and on this harness's
 * machines (virtual machines where every page of a fresh allocation is faulted in on first touch) a fresh
 * 64 MiB clone costs ~450 ms of CPU where a copy into memory already touched costs ~10 ms. A volume an
 * insert grew keeps its capacity, so the next cell's growth is free too.
 *
 * A volume the previous cell of the same prepared workload left as the source's last epoch (the source
 * itself, or a replica found byte-exact) differs from the base only where the epochs wrote
 * (epoch-extents.ts): only those ranges are reset, not the whole volume.
 */
interface Spare {
  v: MemoryVolume
  /** The prepared workload whose epochs the volume went through, when it holds the last epoch exactly. */
  after?: PreparedWorkload
}
const spares: Spare[] = []
/** Source and replica of one cell. */
const KEEP = 2
/** Each prepared workload's changed ranges, computed once for all its cells. */
const extents = new WeakMap<PreparedWorkload, [number, number][]>()

export function cellVolume(prepared: PreparedWorkload): Volume {
  // The base image's own bytes: no second copy of the base is kept to reset from.
  const from = prepared.base.bytes
  if (prepared.storage.kind !== 'memory' || !from) return prepared.base.clone()
  const spare = spares.pop()
  if (!spare) return prepared.base.clone()
  const v = spare.v
  // Shrinking zeroes the dropped tail (MemoryVolume keeps the bytes past its size zero), then the base's bytes go over the rest.
  if (v.size > from.length) v.truncate(from.length)
  if (spare.after === prepared) {
    for (const [start, end] of changedRanges(prepared)) {
      if (start >= from.length) break
      v.write(start, from.subarray(start, Math.min(end, from.length)))
    }
  }
  // Not the same workload's last epoch, or (never expected) a size the ranges did not restore: all of it.
  if (spare.after !== prepared || v.size !== from.length) v.write(0, from)
  return v
}

/**
 * Gives a cell's volume back. `holdsLastEpoch` says the volume's bytes are exactly the source's after the
 * last epoch (the source, or a replica the last sync left byte-exact): the next cell of the same workload
 * then resets only the ranges the epochs changed.
 */
export function releaseCellVolume(prepared: PreparedWorkload, v: Volume, holdsLastEpoch = false): void {
  if (v instanceof MemoryVolume && prepared.storage.kind === 'memory' && spares.length < KEEP) spares.push({ v, ...(holdsLastEpoch ? { after: prepared } : {}) })
  else prepared.storage.release(v)
}

function changedRanges(prepared: PreparedWorkload): [number, number][] {
  let r = extents.get(prepared)
  if (!r) extents.set(prepared, (r = changedExtents(prepared.epochs)))
  return r
}
