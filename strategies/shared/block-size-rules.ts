/**
 * How rsync and librsync pick a block size and a strong-sum length from the size of the basis (the
 * receiver's old file), so `rsync-rolling` can follow either. Written from the published behaviour:
 * rsync generator.c sum_sizes_sqroot(), librsync 2.3 rs_sig_args() (checked against rdiff 2.3.2 here).
 */

/** rsync's BLOCK_SIZE: the block for files up to 700² bytes, and the floor above that. */
export const RSYNC_MIN_BLOCK = 700
/** rsync's MAX_BLOCK_SIZE for protocol ≥ 30. */
export const RSYNC_MAX_BLOCK = 128 << 10
const RSYNC_BLOCKSUM_BIAS = 10
/** rsync's shortest and longest strong sums (SHORT_SUM_LENGTH, SUM_LENGTH). */
const RSYNC_MIN_S2 = 2
const RSYNC_MAX_S2 = 16

/** floor(log2(v)) for v ≥ 1 (0 for v < 2), safe past 2^32. */
function ln2(v: number): number {
  let n = 0
  for (let x = Math.floor(v / 2); x > 0; x = Math.floor(x / 2)) n++
  return n
}

/**
 * rsync: 700 up to 700² bytes; above, floor(sqrt(len)) rounded down to a multiple of 8, at least 700,
 * at most 128 KiB.
 */
export function rsyncBlockSize(len: number): number {
  if (len <= RSYNC_MIN_BLOCK * RSYNC_MIN_BLOCK) return RSYNC_MIN_BLOCK
  let c = 1
  for (let l = Math.floor(len / 4); l > 0; l = Math.floor(l / 4)) c *= 2
  if (c >= RSYNC_MAX_BLOCK) return RSYNC_MAX_BLOCK
  // Sets the root's bits from the top down, keeping each one whose square still fits, down to bit 3.
  let b = 0
  do {
    b |= c
    if (len < b * b) b &= ~c
    c >>= 1
  } while (c >= 8)
  return Math.max(b, RSYNC_MIN_BLOCK)
}

/**
 * rsync's strong-sum length ("s2length"): BLOCKSUM_BIAS + 2·log2(len) − log2(block) bits, plus one, minus
 * the 32 bits the weak sum already gives, rounded up to bytes, kept within 2..16.
 */
export function rsyncStrongBytes(len: number, blockSize: number): number {
  let b = RSYNC_BLOCKSUM_BIAS + 2 * ln2(len)
  for (let c = blockSize >> 1; c > 0 && b > 0; c >>= 1) b--
  const s2 = Math.trunc((b + 1 - 32 + 7) / 8) // C integer division truncates toward zero
  return Math.min(RSYNC_MAX_S2, Math.max(RSYNC_MIN_S2, s2))
}

/** librsync: 256 up to 256² bytes; above, floor(sqrt(len)) rounded down to a multiple of 128. */
export function librsyncBlockSize(len: number): number {
  if (len <= 256 * 256) return 256
  return Math.floor(Math.sqrt(len)) & ~127
}

/** librsync's recommended (minimum) strong length for a basis of len bytes and blocks of blockSize. */
export function librsyncStrongBytes(len: number, blockSize: number): number {
  return 2 + Math.floor((ln2(len + 2 ** 24) + ln2(Math.floor(len / blockSize) + 1) + 7) / 8)
}

export const BLOCK_RULES = ['fixed', 'rsync', 'librsync'] as const
export type BlockRule = (typeof BLOCK_RULES)[number]

/** The block size a rule picks for a basis of len bytes (`fixed` keeps the given size). */
export function blockSizeFor(rule: BlockRule, len: number, fixed: number): number {
  return rule === 'rsync' ? rsyncBlockSize(len) : rule === 'librsync' ? librsyncBlockSize(len) : fixed
}
