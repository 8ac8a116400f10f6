import type { Mutation } from '../workloads/workload.ts'

/**
 * Where a volume that went through a workload's epochs may differ from its base: sorted, disjoint
 * [from, to) ranges. An overwrite changes its own bytes; an insert or delete shifts, so everything from
 * it on; a truncate changes everything past the smaller of the two sizes. Ranges may reach past the
 * base's end (a grown volume): the caller clips them.
 */
export function changedExtents(epochs: readonly (readonly Mutation[])[]): [number, number][] {
  const ranges: [number, number][] = []
  for (const epoch of epochs) {
    for (const m of epoch) {
      if (m.kind === 'overwrite') ranges.push([m.at, m.at + m.bytes.length])
      else if (m.kind === 'truncate') ranges.push([m.size, Infinity])
      else ranges.push([m.at, Infinity])
    }
  }
  ranges.sort((a, b) => a[0] - b[0])
  const merged: [number, number][] = []
  for (const [from, to] of ranges) {
    const last = merged[merged.length - 1]
    if (last && from <= last[1]) last[1] = Math.max(last[1], to)
    else if (to > from) merged.push([from, to])
  }
  return merged
}
