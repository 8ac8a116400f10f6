import { defineOptions, type OptionsOf } from '../core/options.ts'
import { MAX_BLOCK_SIZE } from '../core/strategy.ts'
import { MemoryStorage } from '../core/storage.ts'
import { CHUNK } from '../core/volume.ts'
import { epochRng } from './base-volume.ts'
import { Rng } from '../core/seeded-random.ts'
import type { Mutation, Workload } from './workload.ts'

const OPTIONS = defineOptions({
  blockSize: { type: 'size', min: 1, max: MAX_BLOCK_SIZE, default: 4096, description: "block size the collisions are made for (the strategy's should match)" },
  share: { type: 'number', min: 0, max: 1, default: 0.02, description: 'share of blocks rewritten per epoch, each with a fresh colliding variant' },
  perturbations: { type: 'number', integer: true, min: 0, max: 65536, default: 4, description: 'weak-sum-preserving edits per block variant: more makes blocks differ more' },
})
export type CollisionFloodOptions = OptionsOf<typeof OPTIONS>

const NAME = 'collision-flood'

/**
 * Adds +1, -1, -1, +1 at positions i, i+1, j, j+1 of a block: the byte sum is unchanged, and so is the
 * position-weighted sum (the +1/-1 pairs cancel in both), so rsync's s1/s2 weak sum — and rsync's
 * signed-char variant too, as no byte wraps — stays the block's, while its strong hash changes.
 */
function perturb(block: Uint8Array, rng: Rng, count: number): void {
  const n = block.length
  if (n < 4) return
  for (let k = 0; k < count; k++) {
    const i = rng.int(n - 1)
    const j = rng.int(n - 1)
    if (Math.abs(i - j) < 2) continue
    const up = [i, j + 1]
    const down = [i + 1, j]
    // Only where no byte wraps (and none crosses 127/128, so signed chars keep the same sums).
    if (up.some((p) => block[p]! === 127 || block[p]! === 255) || down.some((p) => block[p]! === 0 || block[p]! === 128)) continue
    for (const p of up) block[p]!++
    for (const p of down) block[p]!--
  }
}

/**
 * Adversarial content for rolling-checksum strategies: every block of the volume is a variant of one
 * random block with the same rsync weak sum, so every weak-sum lookup hits a chain of thousands of
 * candidates whose strong sums all differ (the case that made rsync cap candidates at 1024). Epochs rewrite
 * a share of the blocks with fresh variants. The candidate cap must keep the time bounded, and the replica
 * must still come out byte-exact.
 */
export const collisionFlood: Workload<CollisionFloodOptions> = {
  name: NAME,
  summary: 'adversarial: every block a variant of one block with the same rsync weak sum (a collision flood)',
  options: OPTIONS,
  hasWriteTrace: true,
  // An epoch picks blocks by the source's size only.
  sizeOnlyEpochs: true,
  create(params, o) {
    const bs = Math.max(4, Math.floor(o.blockSize))
    const seedBlock = new Rng(`${params.seed}/${NAME}/block`).bytes(bs)
    const variant = (rng: Rng) => {
      const b = new Uint8Array(seedBlock)
      perturb(b, rng, o.perturbations)
      return b
    }
    return {
      epochs: params.epochs,
      base() {
        const v = (params.storage ?? new MemoryStorage()).volume(params.size)
        const rng = new Rng(`${params.seed}/${NAME}/base`)
        const chunk = new Uint8Array(Math.max(bs, Math.floor(CHUNK / bs) * bs))
        for (let off = 0; off < params.size; off += chunk.length) {
          const n = Math.min(chunk.length, params.size - off)
          for (let at = 0; at < n; at += bs) chunk.set(variant(rng).subarray(0, Math.min(bs, n - at)), at)
          v.write(off, chunk.subarray(0, n))
        }
        return v
      },
      epoch(index, source) {
        const rng = epochRng(NAME, params.seed, index)
        const blocks = Math.floor(source.size / bs)
        const out: Mutation[] = []
        for (let k = 0; k < Math.round(blocks * o.share); k++) out.push({ kind: 'overwrite', at: rng.int(blocks) * bs, bytes: variant(rng) })
        return out
      },
    }
  },
}
