import { readSync } from 'node:fs'

/**
 * Reads `length` bytes of the open file `fd` from file offset `position` into `buffer` at `offset`,
 * looping because one readSync may return fewer bytes than asked. Returns how many bytes it read: `length`,
 * or fewer only when the file ends first (the rest of the buffer is left as it was). Whether a short read
 * is an error is the caller's to decide: `if (readFully(...) < length) throw …`.
 */
export function readFully(fd: number, buffer: Uint8Array, offset: number, length: number, position: number): number {
  let got = 0
  while (got < length) {
    const n = readSync(fd, buffer, offset + got, length - got, position + got)
    if (n === 0) break
    got += n
  }
  return got
}
