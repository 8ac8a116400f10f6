import { hash as nodeHash } from 'node:crypto'
import { createBLAKE3, createXXHash3, type IHasher } from 'hash-wasm'
import { ConfigError } from '../../core/errors.ts'
import { Xxh128Kernel } from './xxh128-kernel.ts'

/**
 * Strong (collision-resistant enough) block hashes. xxh128 is the fast default: our own XXH3-128 kernel
 * (xxh128-kernel.ts, hash-wasm's digest bit for bit), which hashes many blocks in one call and in place;
 * the others come from hash-wasm or node:crypto. Throughputs: `npm run bench:primitives`.
 */
export const STRONG_HASHES = ['xxh128', 'xxh3', 'blake3', 'md5', 'sha1', 'sha256', 'blake2b'] as const
export type StrongHashName = (typeof STRONG_HASHES)[number]
/** The longest digest of them (blake2b's): the most a strongBytes option can ask for. */
export const MAX_DIGEST_BYTES = 64

export interface StrongHasher {
  readonly name: StrongHashName
  /** Full digest length in bytes. */
  readonly digestLength: number
  /** The full digest of data (a new array). */
  hash(data: Uint8Array): Uint8Array
  /**
   * The full digests of data's consecutive blocks (blockSize bytes each, the last possibly shorter),
   * digestLength bytes each, into out from outAt: one call for many blocks.
   */
  hashBlocks(data: Uint8Array, blockSize: number, out: Uint8Array, outAt?: number): void
}

/** hashBlocks for a hasher that hashes one block at a time. */
function blockByBlock(hash: (data: Uint8Array) => Uint8Array, digestLength: number): StrongHasher['hashBlocks'] {
  return (data, blockSize, out, outAt = 0) => {
    for (let at = 0, i = 0; at < data.length; at += blockSize, i++) out.set(hash(data.subarray(at, Math.min(data.length, at + blockSize))), outAt + i * digestLength)
  }
}

function fromKernel(): StrongHasher {
  const k = new Xxh128Kernel()
  return { name: 'xxh128', digestLength: 16, hash: (data) => k.hash(data), hashBlocks: (data, blockSize, out, outAt) => k.hashBlocks(data, blockSize, out, outAt) }
}

const NODE_NAMES: Partial<Record<StrongHashName, [string, number]>> = {
  md5: ['md5', 16],
  sha1: ['sha1', 20],
  sha256: ['sha256', 32],
  blake2b: ['blake2b512', 64],
}

function fromWasm(name: StrongHashName, h: IHasher): StrongHasher {
  const hash = (data: Uint8Array) => {
    h.init()
    h.update(data)
    return h.digest('binary')
  }
  return { name, digestLength: h.digestSize, hash, hashBlocks: blockByBlock(hash, h.digestSize) }
}

/** Each hash's full digest length in bytes, known without creating a hasher (so options are checked before a run). */
export const DIGEST_BYTES: Readonly<Record<StrongHashName, number>> = { xxh128: 16, xxh3: 8, blake3: 32, md5: 16, sha1: 20, sha256: 32, blake2b: 64 }

/** Refuses a strongBytes longer than the hash's digest (the wire would carry bytes the hash does not have). */
export function checkStrongBytes(who: string, o: { readonly hash: string; readonly strongBytes: number | 'auto' }): void {
  const length = isStrongHashName(o.hash) ? DIGEST_BYTES[o.hash] : undefined
  if (length !== undefined && o.strongBytes !== 'auto' && o.strongBytes > length) {
    throw new ConfigError(`${who}: strongBytes ${o.strongBytes} is longer than ${o.hash}'s ${length}-byte digest; use at most ${length} (e.g. --opt ${who}.strongBytes=${length}), or a longer hash`)
  }
}

export function isStrongHashName(name: string): name is StrongHashName {
  return (STRONG_HASHES as readonly string[]).includes(name)
}

/** Creates a hasher; WASM ones need an async start, after which hashing is synchronous. */
export async function createStrongHasher(name: string): Promise<StrongHasher> {
  if (!isStrongHashName(name)) throw new ConfigError(`unknown strong hash "${name}"; choose one of ${STRONG_HASHES.join(', ')}`)
  switch (name) {
    case 'xxh128':
      return fromKernel()
    case 'xxh3':
      return fromWasm(name, await createXXHash3())
    case 'blake3':
      return fromWasm(name, await createBLAKE3())
    default: {
      const [algo, len] = NODE_NAMES[name]!
      const hash = (data: Uint8Array) => new Uint8Array(nodeHash(algo, data, 'buffer'))
      return { name, digestLength: len, hash, hashBlocks: blockByBlock(hash, len) }
    }
  }
}

/**
 * The hasher a strategy's `hash` option names, refusing a `strongBytes` longer than its digest: a limit the
 * option's declared range cannot hold, since it depends on the hash chosen.
 */
export async function strongHasherFor(who: string, o: { readonly hash: string; readonly strongBytes: number | 'auto' }): Promise<StrongHasher> {
  checkStrongBytes(who, o)
  return createStrongHasher(o.hash)
}

/** Equality of the first n bytes of a at ai and b at bi. */
export function bytesEqual(a: Uint8Array, ai: number, b: Uint8Array, bi: number, n: number): boolean {
  for (let i = 0; i < n; i++) if (a[ai + i] !== b[bi + i]) return false
  return true
}
