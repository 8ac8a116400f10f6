/** The check can fail: a strategy that corrupts or dies is reported, never passed silently. */
import { describe, expect, it } from 'vitest'
import { fixedBlockCompare } from '../strategies/block/fixed-block-compare.ts'
import { changedBlockBitmap } from '../strategies/tracking/changed-block-bitmap.ts'
import type { AnyStrategy, Half } from '../core/strategy.ts'
import { afterEachStep, quickRun } from './helpers.ts'

/** A receiver that flips one byte of what it stages after the real receiver is done. */
const corrupting = afterEachStep(fixedBlockCompare, 'corrupting', 'receiver', (_out, done, ctx) => {
  if (done && ctx.staged.size > 1234) {
    const b = ctx.staged.read(1234, 1).slice()
    b[0] = b[0]! ^ 0xff
    ctx.staged.write(1234, b)
  }
})

/** A receiver that throws half-way through applying the delta. */
const dying: AnyStrategy = {
  ...changedBlockBitmap,
  name: 'dying',
  receiver(ctx, o) {
    const inner = changedBlockBitmap.receiver(ctx, o) as Half
    let steps = 0
    return {
      get done() {
        return inner.done
      },
      async step(inbox) {
        // Apply the first frame for real (so the stage is dirty), then fail.
        const out = await inner.step(inbox.slice(0, 1))
        if (++steps === 1 && inbox.length > 1) throw new Error('dying: disk full')
        return out
      },
    }
  },
}

describe('verification catches what goes wrong', () => {
  it('a corrupting receiver is reported as incorrect with the first differing offset', async () => {
    const rows = await quickRun({ strategy: corrupting, workload: 'random-overwrite', blockSize: 4096, size: 100_000, epochs: 2 })
    for (const r of rows) {
      expect(r.correct).toBe(false)
      expect(r.first_diff_offset).toBe(1234)
      expect(r.error).toBeNull()
    }
  })

  it('a receiver that fails mid-delta leaves the replica exactly as it was, and the row says why', async () => {
    const rows = await quickRun({ strategy: dying, workload: 'random-overwrite', blockSize: 4096, size: 4 << 20, epochs: 2, workloadOptions: { writes: 200 } })
    for (const r of rows) {
      expect(r.correct).toBe(false)
      expect(r.error).toMatch(/dying: disk full/)
    }
    // The replica is unchanged, so it still equals the base everywhere the epoch did not write:
    // replica_bytes_before of epoch 2 is the base size, as nothing was committed.
    expect(rows[1]!.replica_bytes_before).toBe(4 << 20)
  })
})
