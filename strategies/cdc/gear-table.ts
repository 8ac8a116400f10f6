/**
 * FastCDC's gear table, made rather than pasted: entry i is the first 8 bytes (big-endian) of the MD5 of
 * 64 bytes all equal to i, the rule of the paper's C reference (destor) that the fastcdc crate's vectors
 * use. A seed perturbs it: every entry is XORed with the seed (seed 0 = the table itself).
 */
import { createCipheriv, createHash } from 'node:crypto'

/** One 64-bit table as two 32-bit halves (JavaScript loops) and as 64-bit words (the WASM kernel). */
export interface GearTable {
  readonly hi: Uint32Array
  readonly lo: Uint32Array
  readonly words: BigUint64Array
}

let base: BigUint64Array | undefined

function baseTable(): BigUint64Array {
  if (base) return base
  const t = new BigUint64Array(256)
  for (let i = 0; i < 256; i++) t[i] = createHash('md5').update(Buffer.alloc(64, i)).digest().readBigUInt64BE(0)
  base = t
  return t
}

const U64 = (1n << 64n) - 1n

function split(words: BigUint64Array): GearTable {
  const hi = new Uint32Array(256)
  const lo = new Uint32Array(256)
  for (let i = 0; i < 256; i++) {
    hi[i] = Number(words[i]! >> 32n)
    lo[i] = Number(words[i]! & 0xffffffffn)
  }
  return { hi, lo, words }
}

/** The gear table for a seed, and the same table shifted left one bit (the 2020 form's even-byte table). */
export function gearTables(seed: number): { gear: GearTable; gearLs: GearTable } {
  const s = BigInt(seed) & U64
  const gear = new BigUint64Array(256)
  const gearLs = new BigUint64Array(256)
  const t = baseTable()
  for (let i = 0; i < 256; i++) {
    gear[i] = t[i]! ^ s
    gearLs[i] = (gear[i]! << 1n) & U64
  }
  return { gear: split(gear), gearLs: split(gearLs) }
}

/**
 * The ronomon table (its 31-bit gear): the AES-256-CTR keystream under an all-zero key and counter,
 * read as big-endian 32-bit words with the top bit cleared, the JavaScript reference's rule.
 */
export function ronomonTable(): Uint32Array {
  if (ronomon) return ronomon
  const cipher = createCipheriv('aes-256-ctr', Buffer.alloc(32), Buffer.alloc(16))
  const stream = Buffer.concat([cipher.update(Buffer.alloc(1024)), cipher.final()])
  const t = new Uint32Array(256)
  for (let i = 0; i < 256; i++) t[i] = stream.readUInt32BE(4 * i) & 0x7fffffff
  ronomon = t
  return t
}

let ronomon: Uint32Array | undefined
