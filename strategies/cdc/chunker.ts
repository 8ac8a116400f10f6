/**
 * What every content-defined chunker here offers: the length of the next chunk from a position, and
 * the rolling hash it cut on. `chunkAll` walks a buffer with one.
 */

export interface Chunker {
  readonly name: string
  /**
   * The length of the chunk that starts at `start` of data[0, end) (`end` is where the data ends: a
   * chunk never runs past it). At least 1 when start < end.
   */
  cut(data: Uint8Array, start: number, end: number): number
  /** The rolling hash at the last cut (0 when the chunk was too short to hash), as an unsigned integer. */
  lastHash(): bigint
}

export interface Chunks {
  readonly lengths: number[]
  /** The hash at each cut; filled only when asked for (vectors), empty otherwise. */
  readonly hashes: bigint[]
}

/** Every chunk of data, in order; their lengths add up to data.length. */
export function chunkAll(chunker: Chunker, data: Uint8Array, withHashes = false): Chunks {
  const lengths: number[] = []
  const hashes: bigint[] = []
  for (let p = 0; p < data.length; ) {
    const n = chunker.cut(data, p, data.length)
    if (!(n >= 1 && p + n <= data.length)) throw new Error(`${chunker.name}: cut a chunk of ${n} bytes at ${p} of ${data.length}`)
    lengths.push(n)
    if (withHashes) hashes.push(chunker.lastHash())
    p += n
  }
  return { lengths, hashes }
}
