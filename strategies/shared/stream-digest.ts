import { createHash } from 'node:crypto'
import { createBLAKE3, createXXHash128, createXXHash3, type IHasher } from 'hash-wasm'
import { isStrongHashName, STRONG_HASHES, type StrongHashName } from './strong-hash.ts'
import { ConfigError } from '../../harness/errors.ts'

/** A digest fed piece by piece (a whole-volume check built as the delta is made or applied). */
export interface StreamDigest {
  update(bytes: Uint8Array): void
  /** The digest of everything fed since creation; the digest cannot be fed afterwards. */
  digest(): Uint8Array
}

const NODE: Partial<Record<StrongHashName, string>> = { md5: 'md5', sha1: 'sha1', sha256: 'sha256', blake2b: 'blake2b512' }

function fromWasm(h: IHasher): StreamDigest {
  h.init()
  return { update: (b) => void h.update(b), digest: () => h.digest('binary') }
}

/** A streaming digest with the same algorithm as the strong hash of that name (its own instance). */
export async function createStreamDigest(name: string): Promise<StreamDigest> {
  if (!isStrongHashName(name)) throw new ConfigError(`unknown strong hash "${name}"; choose one of ${STRONG_HASHES.join(', ')}`)
  switch (name) {
    case 'xxh128':
      return fromWasm(await createXXHash128())
    case 'xxh3':
      return fromWasm(await createXXHash3())
    case 'blake3':
      return fromWasm(await createBLAKE3())
    default: {
      const h = createHash(NODE[name]!)
      return { update: (b) => void h.update(b), digest: () => new Uint8Array(h.digest()) }
    }
  }
}
