import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { afterAll, describe, expect, it, vi } from 'vitest'
import { resolveRun } from '../harness/config.ts'
import { runMatrix } from '../harness/run-matrix.ts'
import { summaryTable } from '../analysis/summary.ts'
import { formatMs } from '../analysis/charts/format.ts'
import { median } from '../core/stats.ts'
import * as registry from '../strategies/index.ts'
import { fixedBlockCompare } from '../strategies/block/fixed-block-compare.ts'
import type { AnyStrategy, Half } from '../core/strategy.ts'

const made: string[] = []
const out = () => {
  const dir = join(mkdtempSync(join(tmpdir(), 'deltabench-rep-')), 'run')
  made.push(dirname(dir))
  return dir
}
// The folders made here are removed (they were left in /tmp before).
afterAll(() => made.forEach((d) => rmSync(d, { recursive: true, force: true })))

describe('--repeat', () => {
  it('repeats every cell, interleaves strategies, and finds the bytes identical', async () => {
    const config = resolveRun({ strategies: ['fixed-block-compare', 'changed-block-bitmap'], workloads: ['random-overwrite'], blockSizes: [4096], size: 128 << 10, epochs: 2, seeds: ['1'], repeat: 3 })
    const order: string[] = []
    const r = await runMatrix(config, { outDir: out(), warmup: false, onProgress: (p) => order.push(p.label) })
    expect(r.rows).toHaveLength(2 * 3 * 2)
    expect(r.manifest.inconsistent).toEqual([])
    // Repeat 2 starts with the strategy that went second in repeat 1.
    expect(order[0]).toMatch(/^fixed-block-compare/)
    expect(order[2]).toMatch(/^changed-block-bitmap.*repeat 2/)
    const bytes = (rep: number) => r.rows.filter((x) => x.repeat === rep).map((x) => [x.strategy, x.epoch, x.bytes_total])
    expect(bytes(2)).toEqual(expect.arrayContaining(bytes(1)))
    // The summary folds repeats by the one aggregation: each repeat's mean per sync, then their median.
    const cpu = (rep: number) => r.rows.filter((x) => x.repeat === rep && x.strategy === 'fixed-block-compare').reduce((a, x) => a + x.sender_cpu_ms, 0) / 2
    const line = summaryTable(r.rows, { wide: true, width: Infinity }).split('\n').find((l) => l.includes('fixed-block-compare'))!
    expect(line).toContain(` ${formatMs(median([1, 2, 3].map(cpu))).replace(/ ms$/, '')} `)
  })

  it('says so when the same seed does not give the same bytes', async () => {
    let calls = 0
    // A deliberately nondeterministic strategy: every other run sends one byte more.
    const flaky: AnyStrategy = {
      ...fixedBlockCompare,
      name: 'fixed-block-compare',
      async sender(ctx, o) {
        const inner: Half = await fixedBlockCompare.sender(ctx, o)
        // Two syncs a cell (the priming sync, then epoch 1): repeat 1's epoch is call 1, repeat 2's call 3.
        const pad = calls++ % 4 === 3
        return {
          get done() {
            return inner.done
          },
          async step(inbox) {
            const frames = await inner.step(inbox)
            return frames.length && pad ? [...frames.slice(0, -1), { ...frames[frames.length - 1]!, bytes: new Uint8Array([...frames[frames.length - 1]!.bytes]) }, { bytes: new Uint8Array(0), kind: 'control' as const }] : frames
          },
        }
      },
    }
    const spy = vi.spyOn(registry, 'STRATEGIES', 'get')
    spy.mockReturnValue([flaky])
    try {
      const config = resolveRun({ strategies: ['fixed-block-compare'], workloads: ['random-overwrite'], blockSizes: [4096], size: 64 << 10, epochs: 1, seeds: ['1'], repeat: 2 })
      const warnings: string[] = []
      const r = await runMatrix(config, { outDir: out(), warmup: false, onWarn: (m) => warnings.push(m) })
      expect(r.manifest.inconsistent).toHaveLength(1)
      expect(warnings[0]).toMatch(/bytes differ from repeat 1/)
    } finally {
      spy.mockRestore()
    }
  })
})
