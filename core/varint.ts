/**
 * Unsigned LEB128 varints up to 2^53-1 (safe integers). Division instead of bit shifts past 2^31,
 * because JS bitwise operators truncate to 32 bits.
 */
export function varintLength(value: number): number {
  let n = 1
  while (value >= 0x80) {
    value = Math.floor(value / 128)
    n++
  }
  return n
}

/** Writes value at out[pos]; returns the position after it. Caller guarantees room (varintLength). */
export function writeVarint(out: Uint8Array, pos: number, value: number): number {
  while (value >= 0x80) {
    out[pos++] = (value & 0x7f) | 0x80
    value = Math.floor(value / 128)
  }
  out[pos++] = value
  return pos
}

/** Most bytes a safe integer needs (7 bits a byte, 53 bits). */
export const MAX_VARINT_BYTES = 8
