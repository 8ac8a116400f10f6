/** The rsync technical report's table (bench:table), and the steady state and once-per-group runs it relies on. */
import { rmSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { resolveRun } from '../harness/config.ts'
import { runMatrix, type MatrixResult } from '../harness/run-matrix.ts'
import { reportTableLines, reportTableMarkdown } from '../analysis/rsync-report-table.ts'
import { AGGREGATION } from '../core/aggregation.ts'
import { median } from '../core/stats.ts'
import { findStrategy } from '../harness/config.ts'
import { tmp } from './small-run.ts'

const dirs: string[] = []
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })))

async function run(cold: boolean): Promise<MatrixResult> {
  const d = tmp('deltabench-table-')
  dirs.push(d)
  const config = resolveRun({ strategies: ['rsync-rolling', 'xdelta3', 'whole-file'], workloads: ['random-overwrite'], blockSizes: [1024, 4096], size: '256KiB', epochs: 2, seeds: ['1', '2'], cold })
  return runMatrix(config, { outDir: join(d, 'run'), warmup: false })
}

const needsXdelta3 = findStrategy('xdelta3').unavailable?.()
// One steady run serves two tests: a run of real-tool cells costs seconds.
let steadyRun: Promise<MatrixResult> | undefined
const steady = () => (steadyRun ??= run(false))

describe.skipIf(needsXdelta3)('steady state, once-per-group runs and the report table', () => {
  it('runs strategies that ignore the block size once per seed, and measures every sync in the steady state', async () => {
    const { rows } = await steady()
    const x = rows.filter((r) => r.strategy === 'xdelta3')
    expect(x).toHaveLength(2 * 2) // 2 seeds × 2 epochs, not × 2 block sizes
    expect(x.every((r) => !r.uses_block_size && r.sync_state === 'steady' && r.correct)).toBe(true)
    // Its kept old version was left by the priming sync: no measured sync is a full send.
    expect(Math.max(...x.map((r) => r.bytes_down))).toBeLessThan(256 << 10)
    expect(rows.filter((r) => r.strategy === 'whole-file').every((r) => r.block_size === 1 << 20)).toBe(true)
    expect(rows.filter((r) => r.strategy === 'rsync-rolling').every((r) => r.uses_block_size)).toBe(true)
  })

  it('--cold measures the first sync from a fresh start: a full send for xdelta3', async () => {
    const { rows } = await run(true)
    const first = rows.filter((r) => r.strategy === 'xdelta3' && r.epoch === 1)
    expect(first.every((r) => r.sync_state === 'cold' && r.bytes_down > 256 << 10)).toBe(true)
  })

  it('makes one line per strategy and block size, every figure the one aggregation, "any" where the block size does not apply', async () => {
    const { rows } = await steady()
    const lines = reportTableLines(rows)
    expect(lines.map((l) => [l.strategy, l.blockSize])).toEqual([
      ['rsync-rolling', 1024],
      ['rsync-rolling', 4096],
      ['xdelta3', null],
      ['whole-file', null],
    ])
    const r4 = rows.filter((r) => r.strategy === 'rsync-rolling' && r.block_size === 4096)
    const perSeed = ['1', '2'].map((s) => {
      const g = r4.filter((r) => r.seed === s)
      return g.reduce((a, r) => a + r.bytes_total, 0) / g.length
    })
    expect(lines[1]!.bytesTotal).toBe(median(perSeed))
    expect(lines[1]!.literal).not.toBeNull()
    expect(lines[2]!.literal).toBeNull()
    const md = reportTableMarkdown(lines)
    expect(md).toContain('| xdelta3 | any |')
    expect(md).toContain(AGGREGATION)
  })
})
