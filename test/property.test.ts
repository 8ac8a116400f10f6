import { preparedFrom } from './helpers.ts'
/** Property tests: any base, any edits, any block size → a byte-exact replica, for every strategy. */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { runnableStrategies } from './helpers.ts'
import { runCell } from '../harness/run-cell.ts'
import type { Mutation } from '../workloads/workload.ts'
import { defaultOptions } from '../core/options.ts'

const bytesArb = (max: number) => fc.uint8Array({ maxLength: max })

/** An edit list valid for a volume that starts at `size` (positions drawn as fractions of the size then). */
const editsArb = fc.array(
  fc.oneof(
    fc.record({ kind: fc.constant('overwrite' as const), pos: fc.double({ min: 0, max: 1, noNaN: true }), bytes: bytesArb(3000) }),
    fc.record({ kind: fc.constant('insert' as const), pos: fc.double({ min: 0, max: 1, noNaN: true }), bytes: bytesArb(3000) }),
    fc.record({ kind: fc.constant('delete' as const), pos: fc.double({ min: 0, max: 1, noNaN: true }), len: fc.nat(3000) }),
    fc.record({ kind: fc.constant('truncate' as const), size: fc.nat(30_000) }),
  ),
  { maxLength: 8 },
)

type Edit = { kind: 'overwrite' | 'insert'; pos: number; bytes: Uint8Array } | { kind: 'delete'; pos: number; len: number } | { kind: 'truncate'; size: number }

/** Turns drawn edits into mutations valid for a volume of `start` bytes; returns them and the size after. */
function concretise(start: number, edits: readonly Edit[]): [Mutation[], number] {
  let size = start
  const out: Mutation[] = []
  for (const e of edits) {
    if (e.kind === 'truncate') {
      out.push({ kind: 'truncate', size: e.size })
      size = e.size
    } else if (e.kind === 'delete') {
      const at = Math.floor(e.pos * size)
      const length = Math.min(e.len, size - at)
      out.push({ kind: 'delete', at, length })
      size -= length
    } else {
      const at = Math.floor(e.pos * size)
      out.push({ kind: e.kind, at, bytes: e.bytes })
      size = e.kind === 'insert' ? size + e.bytes.length : Math.max(size, at + e.bytes.length)
    }
  }
  return [out, size]
}

describe.each(runnableStrategies('property').map((s) => [s.name, s] as const))('property: %s', (_n, strategy) => {
  it('round-trips any edits over several epochs at any block size', async () => {
    await fc.assert(
      fc.asyncProperty(bytesArb(40_000), fc.array(editsArb, { minLength: 1, maxLength: 3 }), fc.integer({ min: 1, max: 9000 }), async (base, epochs, blockSize) => {
        let size = base.length
        const muts: Mutation[][] = []
        for (const e of epochs) {
          const [m, after] = concretise(size, e)
          size = after
          muts.push(m)
        }
        const prepared = preparedFrom(base, muts)
        const rows = await runCell({ runId: 'p', strategy, options: { ...defaultOptions(strategy), blockSize }, prepared })
        for (const r of rows) {
          expect(r.error).toBeNull()
          expect(r.correct).toBe(true)
        }
      }),
      // A child process per sync (or several: rsync-rounds' codec), and a priming sync per case: 60 cases of a
      // real tool took up to 4 minutes under load, so child-process strategies get 20 (the fuzz study runs them all).
      { numRuns: strategy.external ? 20 : 60, seed: 7 },
    )
  }, strategy.external ? 240_000 : undefined)
})
