import { createHash } from 'node:crypto'
import { createBLAKE3, createXXHash3, type IHasher } from 'hash-wasm'
import { Xxh128Stream } from './xxh128-kernel.ts'
import { isStrongHashName, STRONG_HASHES, type StrongHashName } from './strong-hash.ts'
import { ConfigError } from '../../core/errors.ts'

/** A digest fed piece by piece (a whole-volume check built as the delta is made or applied). */
export interface StreamDigest {
  update(bytes: Uint8Array): void
  /** The digest of everything fed since creation; the digest cannot be fed afterwards. */
  digest(): Uint8Array
}

const NODE: Partial<Record<StrongHashName, string>> = { md5: 'md5', sha1: 'sha1', sha256: 'sha256', blake2b: 'blake2b512' }

/** Pieces shorter than this are gathered before they reach the hash; a bigger one goes straight in. */
const SMALL = 4096
/** The gathering buffer: 64 KiB of pieces per hash call. */
const BATCH = 64 << 10

/**
 * Feeds `update` in batches: the delta feeds one 16-byte block digest per matched block, and a call
 * into hash-wasm per piece cost more than hashing it. The bytes hashed, in order, are the same.
 */
function batched(update: (b: Uint8Array) => void, finish: () => Uint8Array): StreamDigest {
  const buf = new Uint8Array(BATCH)
  let used = 0
  const drain = () => {
    if (used > 0) update(buf.subarray(0, used))
    used = 0
  }
  return {
    update(b) {
      if (b.length >= SMALL) {
        drain()
        update(b)
        return
      }
      if (used + b.length > BATCH) drain()
      buf.set(b, used)
      used += b.length
    },
    digest() {
      drain()
      return finish()
    },
  }
}

function fromWasm(h: IHasher): StreamDigest {
  h.init()
  return batched((b) => void h.update(b), () => h.digest('binary'))
}

/** A streaming digest with the same algorithm as the strong hash of that name (its own instance). */
export async function createStreamDigest(name: string): Promise<StreamDigest> {
  if (!isStrongHashName(name)) throw new ConfigError(`unknown strong hash "${name}"; choose one of ${STRONG_HASHES.join(', ')}`)
  switch (name) {
    case 'xxh128':
      // The kernel's XXH3-128: hash-wasm's digest, with SIMD, gathering small pieces in its own memory.
      return new Xxh128Stream()
    case 'xxh3':
      return fromWasm(await createXXHash3())
    case 'blake3':
      return fromWasm(await createBLAKE3())
    default: {
      const h = createHash(NODE[name]!)
      return batched((b) => void h.update(b), () => new Uint8Array(h.digest()))
    }
  }
}
