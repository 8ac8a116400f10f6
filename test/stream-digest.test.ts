import { describe, expect, it } from 'vitest'
import { createStreamDigest } from '../strategies/shared/stream-digest.ts'
import { createStrongHasher, STRONG_HASHES } from '../strategies/shared/strong-hash.ts'
import { Rng } from '../core/seeded-random.ts'

describe('stream digest', () => {
  it.each(STRONG_HASHES)('%s: pieces of any size, gathered or not, digest as the whole does', async (name) => {
    const rng = new Rng(`stream-${name}`)
    const whole = rng.bytes(400_000)
    const stream = await createStreamDigest(name)
    // Mostly 16-byte pieces (block digests), some of a few KiB, some past the batch size.
    for (let at = 0; at < whole.length; ) {
      const pick = rng.int(10)
      const n = Math.min(whole.length - at, pick < 7 ? 16 : pick < 9 ? rng.range(1, 9000) : rng.range(60_000, 70_000))
      stream.update(whole.subarray(at, at + n))
      at += n
    }
    const hasher = await createStrongHasher(name)
    expect(Buffer.from(stream.digest()).toString('hex')).toBe(Buffer.from(hasher.hash(whole)).toString('hex'))
  })
})
