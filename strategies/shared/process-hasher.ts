import { checkStrongBytes, createStrongHasher, type StrongHasher } from './strong-hash.ts'

const made = new Map<string, Promise<StrongHasher>>()

/**
 * A strong hasher of this name, one per process, for the strategies that used to make one per half.
 * Each was a fresh instance (the xxh128 kernel: 1 MiB of fresh WebAssembly memory) every sync, and on
 * the harness's virtual machines faulting that memory in cost more than hashing a small epoch. Sharing
 * is safe: every call hashes synchronously and returns a new digest or writes the caller's array, so
 * nothing of one call is alive when the next one starts, whichever half or sync makes it.
 */
export function processHasher(name: string): Promise<StrongHasher> {
  let h = made.get(name)
  if (!h) {
    h = createStrongHasher(name)
    made.set(name, h)
    // A refused name (ConfigError) is not kept: the next caller gets the same error, not a cached rejection.
    h.catch(() => made.delete(name))
  }
  return h
}

/** processHasher for a strategy's `hash` option, refusing a strongBytes longer than its digest (strongHasherFor's check). */
export async function processHasherFor(who: string, o: { readonly hash: string; readonly strongBytes: number | 'auto' }): Promise<StrongHasher> {
  checkStrongBytes(who, o)
  return processHasher(o.hash)
}
