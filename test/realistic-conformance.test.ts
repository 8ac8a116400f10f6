/**
 * The conformance suite for the realistic workloads: every registered strategy, tracking ones included,
 * must leave a byte-exact replica after every epoch of a real SQLite database (two page sizes, VACUUM
 * included), a release series (its synthesised trace) and a replayed block trace. Each workload is
 * prepared once per seed and shared by every strategy and block size, as a matrix run does.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { findWorkload } from '../harness/config.ts'
import { prepareWorkload, type PreparedWorkload } from '../harness/prepare-workload.ts'
import { runCell } from '../harness/run-cell.ts'
import { STRATEGIES } from '../strategies/index.ts'
import { writeReleaseSeries } from './tar-fixture.ts'
import { defaultOptions } from '../core/options.ts'

const scratch = mkdtempSync(join(tmpdir(), 'deltabench-realistic-'))
afterAll(() => rmSync(scratch, { recursive: true, force: true }))
const seriesDir = join(scratch, 'series')
writeReleaseSeries(seriesDir, 4)
const plainTrace = join(scratch, 'plain.csv')
writeFileSync(plainTrace, Array.from({ length: 60 }, (_, i) => `${(i * 7919) % 300_000},${1 + ((i * 131) % 5000)}`).join('\n'))

const CASES: { label: string; workload: string; size: number; options: Record<string, unknown> }[] = [
  { label: 'sqlite-oltp 4 KiB pages', workload: 'sqlite-oltp', size: 150_000, options: { transactions: 30, vacuumEvery: 2 } },
  { label: 'sqlite-oltp 512 B pages', workload: 'sqlite-oltp', size: 40_000, options: { pageSize: 512, rowSize: 100, transactions: 20, tables: 2, vacuumEvery: 2 } },
  { label: 'release-series', workload: 'release-series', size: 0, options: { dir: seriesDir } },
  { label: 'block-trace (MSR sample)', workload: 'block-trace', size: 0, options: { limit: 300 } },
  { label: 'block-trace (offset,length)', workload: 'block-trace', size: 0, options: { path: plainTrace } },
]
const BLOCK_SIZES = [7, 512, 4096, 65536]
const SEEDS = ['1', '2']
const EPOCHS = 3

/**
 * The block sizes worth a run for a strategy: one when it ignores the block size (the rest repeat it); for a
 * strategy that runs child processes per sync (real tools, a codec), a typical and the largest size on one seed
 * (7 B is the edge case of our own block code, which rsync-rolling and the others run here; casync turns a
 * small size into 1 KiB chunks fetched one HTTP round trip each, which made this file the suite's slowest). Keeps this file's run time inside CI's budget.
 */
function blockSizesFor(strategy: (typeof STRATEGIES)[number]): number[] {
  if (strategy.ignoresBlockSize?.(defaultOptions(strategy))) return [4096]
  return strategy.external ? [4096, 65536] : BLOCK_SIZES
}

const prepared = new Map<string, PreparedWorkload>()
function prepare(c: (typeof CASES)[number], seed: string): PreparedWorkload {
  const key = `${c.label}/${seed}`
  let p = prepared.get(key)
  if (!p) {
    const w = findWorkload(c.workload)
    p = prepareWorkload(w, { ...defaultOptions(w), ...c.options }, { size: c.size, epochs: EPOCHS, seed, content: 'mixed' })
    prepared.set(key, p)
  }
  return p
}

describe.each(STRATEGIES.map((s) => [s.name, s] as const))('realistic workloads: %s', (_name, strategy) => {
  for (const c of CASES) {
    it(`${c.label}: byte-exact replica at every block size it runs and every seed`, async () => {
      for (const seed of strategy.external ? SEEDS.slice(0, 1) : SEEDS) {
        const p = prepare(c, seed)
        for (const blockSize of blockSizesFor(strategy)) {
          // Block size 7 over a volume of megabytes is slow for no extra coverage.
          if (blockSize === 7 && p.base.size > 300_000) continue
          const rows = await runCell({ runId: 'test', strategy, options: { ...defaultOptions(strategy), blockSize }, prepared: p })
          expect(rows).toHaveLength(EPOCHS)
          for (const r of rows) {
            const where = `${strategy.name} ${c.label} bs=${blockSize} seed=${seed} epoch=${r.epoch}`
            expect(r.error, where).toBeNull()
            expect(r.correct, where).toBe(true)
            expect(r.trace, where).toBe(c.workload === 'release-series' ? 'synthesised' : 'recorded')
          }
        }
      }
    }, strategy.external ? 240_000 : undefined) // a child process per sync (rsync-context runs zstd -19 on every sync's literals)
  }
})
