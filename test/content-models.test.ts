import { createHash } from 'node:crypto'
import { constants, gunzipSync, gzipSync } from 'node:zlib'
import { describe, expect, it } from 'vitest'
import { CONTENT_MODELS, makeContent } from '../workloads/content.ts'
import { Rng } from '../core/seeded-random.ts'

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex').slice(0, 16)
/** A gzip member header with mtime 0 and no name, as the compressed model writes them. */
const MEMBER = Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0])

describe('content model: compressed', () => {
  it('is real deflate output of text: it does not compress further, and it inflates to text', () => {
    const b = makeContent(new Rng('c'), 'compressed', 1 << 20)
    expect(gzipSync(b).length / b.length).toBeGreaterThan(0.99)
    // The last member is cut where the buffer ends: inflate what is there.
    const text = gunzipSync(b, { finishFlush: constants.Z_SYNC_FLUSH })
    expect(text.length).toBeGreaterThan(1.5 * b.length)
    expect(/^[a-z \n]+$/.test(text.subarray(0, 100_000).toString('latin1'))).toBe(true)
    expect(Buffer.from(b.subarray(0, 8)).equals(MEMBER)).toBe(true)
  })

  it('fills any length, even tiny ones, with the same bytes for the same seed (golden: change only on purpose)', () => {
    for (const n of [0, 1, 17, 4096, 100_003]) expect(makeContent(new Rng('c'), 'compressed', n).length).toBe(n)
    expect(sha(makeContent(new Rng('golden'), 'compressed', 200_000))).toBe(sha(makeContent(new Rng('golden'), 'compressed', 200_000)))
    expect(sha(makeContent(new Rng('golden'), 'compressed', 200_000))).not.toBe(sha(makeContent(new Rng('golden2'), 'compressed', 200_000)))
    // fflate is pure JavaScript, so these hold on every machine (Node's own zlib output varies by version).
    expect(sha(makeContent(new Rng('golden'), 'compressed', 200_000))).toBe(GOLDEN_COMPRESSED)
    expect(sha(makeContent(new Rng('golden'), 'mixed', 4 << 20))).toBe(GOLDEN_MIXED)
  })

  it('mixed includes every other non-trivial model, compressed segments among them', () => {
    expect(CONTENT_MODELS.mixed).toMatch(/random, text, sparse or compressed/)
    const b = Buffer.from(makeContent(new Rng('m'), 'mixed', 8 << 20))
    expect(b.indexOf(MEMBER)).toBeGreaterThanOrEqual(0)
  })
})

/** Frozen when the compressed model was added: if these move, every published result on these models moves. */
const GOLDEN_COMPRESSED = '927f47659fc5c010'
const GOLDEN_MIXED = 'b8400162b1e86e1f'
