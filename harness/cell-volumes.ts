import { MemoryVolume, type Volume } from '../core/volume.ts'
import type { PreparedWorkload } from './prepare-workload.ts'

/**
 * A cell's source and replica, as clones of the prepared base. In memory, the previous cell's volumes are
 * reset to the base's bytes instead of cloned afresh: the bytes are the same, and on this harness's
 * machines (virtual machines where every page of a fresh allocation is faulted in on first touch) a fresh
 * 64 MiB clone costs ~450 ms of CPU where a copy into memory already touched costs ~10 ms. A volume an
 * insert grew keeps its capacity, so the next cell's growth is free too.
 */
const spares: MemoryVolume[] = []
/** Source and replica of one cell. */
const KEEP = 2

export function cellVolume(prepared: PreparedWorkload): Volume {
  // The base image's own bytes: no second copy of the base is kept to reset from.
  const from = prepared.base.bytes
  if (prepared.storage.kind !== 'memory' || !from) return prepared.base.clone()
  const v = spares.pop()
  if (!v) return prepared.base.clone()
  // Shrinking zeroes the dropped tail (MemoryVolume keeps the bytes past its size zero), then the base's bytes go over the rest.
  if (v.size > from.length) v.truncate(from.length)
  v.write(0, from)
  return v
}

export function releaseCellVolume(prepared: PreparedWorkload, v: Volume): void {
  if (v instanceof MemoryVolume && prepared.storage.kind === 'memory' && spares.length < KEEP) spares.push(v)
  else prepared.storage.release(v)
}
