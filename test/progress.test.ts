/**
 * Progress you can trust (apps/progress.ts, apps/progress-eta.ts): the ETA comes from measured cell costs
 * per strategy × workload, not from counting cells; a long set-up phase gets a status line and its time;
 * a line never outgrows the terminal and keeps the cell's seed; the engine says when it prepares a workload.
 */
import { rmSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { resolveRun } from '../harness/config.ts'
import { runMatrix, type Status } from '../harness/run-matrix.ts'
import { CellCostEta, workloadWeight } from '../apps/progress-eta.ts'
import { progressLine, progressReporter } from '../apps/progress.ts'
import { tmp } from './small-run.ts'

/** A stream that records what is written, as a terminal of `columns` (0: a pseudo-terminal with no width) or a pipe. */
function fakeStream(tty: boolean, columns?: number) {
  const out: string[] = []
  const stream = { isTTY: tty, columns, write: (s: string) => out.push(s) > 0 } as unknown as NodeJS.WriteStream
  return { stream, out }
}

describe('ETA from measured cell costs', () => {
  it('weighs the cells still to run by what their strategy × workload cost, SQLite 3× until measured', () => {
    // 6 synthetic cells then 6 SQLite cells, 3 strategies; a synthetic cell of "slow" costs 4 s, of the others 1 s.
    const plan = ['random-overwrite', 'sqlite-oltp'].flatMap((workload) => ['fast', 'slow', 'fast2'].flatMap((strategy) => [{ strategy, workload }, { strategy, workload }]))
    const eta = new CellCostEta(plan)
    expect(eta.leftMs()).toBeNull()
    // Cells found already done by --resume come before the plan: nothing measured, no ETA (not "0 s left").
    expect(new CellCostEta([]).leftMs()).toBeNull()
    const cost = (s: string) => (s === 'slow' ? 4000 : 1000)
    for (const c of plan.slice(0, 6)) eta.finished(c, cost(c.strategy))
    // Unmeasured SQLite cells: their strategy's synthetic cost × 3, two of each strategy.
    expect(eta.leftMs()).toBe(2 * 3 * (1000 + 4000 + 1000))
    // (A count-based ETA, elapsed ÷ done × cells left, would say 6 × 2 s = 12 s.)
    // Once a SQLite cell of a strategy is measured, its own cost replaces the prior.
    eta.finished({ strategy: 'fast', workload: 'sqlite-oltp' }, 5000)
    expect(eta.leftMs()).toBe(5000 + 2 * 3 * 4000 + 2 * 3 * 1000)
    expect(workloadWeight('sqlite-oltp')).toBe(3)
    expect(workloadWeight('insert-delete')).toBe(1)
  })

  it('a strategy never measured borrows the run\'s cost per weight', () => {
    const eta = new CellCostEta([{ strategy: 'a', workload: 'append' }, { strategy: 'b', workload: 'sqlite-oltp' }])
    eta.finished({ strategy: 'a', workload: 'append' }, 2000)
    expect(eta.leftMs()).toBe(6000)
  })
})

describe('the progress reporter', () => {
  it('prints a status line when a slow preparation starts and its time when it ends, and charges it to no cell', () => {
    let t = 0
    const { stream, out } = fakeStream(false)
    const p = progressReporter(stream, { now: () => t })
    p.plan([{ strategy: 'a', workload: 'sqlite-oltp' }, { strategy: 'a', workload: 'sqlite-oltp' }])
    p.status({ label: 'preparing sqlite-oltp · seed 1', done: false })
    expect(out.join('')).toContain('preparing sqlite-oltp · seed 1 …')
    t += 21_000 // the base is filled: 21 s
    p.status({ label: 'preparing sqlite-oltp · seed 1', done: true })
    expect(out.at(-1)).toContain('done in 21.0 s')
    t += 3000
    p.progress({ done: 1, total: 2, label: 'a · sqlite-oltp · 4096 B · seed 1', resumed: false, strategy: 'a', workload: 'sqlite-oltp' })
    // The cell cost 3 s, not 24 s: one cell left, ~3 s.
    expect(out.at(-1)).toBe('[1/2] a · sqlite-oltp · 4096 B · seed 1  (~3 s left)\n')
  })

  it('on a pseudo-terminal with no width, lines fit 100 columns and keep the seed', () => {
    let t = 0
    const { stream, out } = fakeStream(true, 0)
    const p = progressReporter(stream, { now: () => t, env: {} })
    const label = 'changed-block-bitmap-with-a-very-long-name · random-overwrite-of-a-long-kind · 65536 B · seed 12345'
    p.plan([{ strategy: 's', workload: 'w' }, { strategy: 's', workload: 'w' }])
    t += 1000
    p.progress({ done: 1, total: 2, label, resumed: false, strategy: 's', workload: 'w' })
    const line = out.at(-1)!.replace('\r\x1b[2K', '')
    expect([...line].length).toBeLessThanOrEqual(99)
    expect(line).toMatch(/seed 12345$/)
    expect(line).toContain('1/2 cells')
    expect(line).toContain('~1 s left')
  })

  it('shrinks the bar before cutting the label, and cuts the label in its middle', () => {
    const wide = progressLine({ done: 5, total: 10, label: 'x · w · 4096 B · seed 1' }, 2000, 2000, 120)
    expect(wide).toContain('█'.repeat(12) + '░'.repeat(12))
    const narrow = progressLine({ done: 5, total: 10, label: 'rsync-rolling · insert-delete · 4096 B · seed 7' }, 2000, 2000, 60)
    expect([...narrow].length).toBeLessThanOrEqual(59)
    expect(narrow).not.toContain('█')
    expect(narrow).toMatch(/^ 5\/10 cells .*rsync.*….*seed 7$/)
  })
})

describe('the engine reports set-up phases', () => {
  const dir = tmp('deltabench-progress-')
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it('says when it prepares each workload and seed, before that seed\'s first cell', async () => {
    const config = resolveRun({ strategies: ['whole-file', 'fixed-block-compare'], workloads: ['random-overwrite'], blockSizes: [4096], size: '64KiB', epochs: 1, seeds: ['1', '2'] })
    const events: string[] = []
    let planned = 0
    await runMatrix(config, {
      outDir: join(dir, 'run'),
      warmup: false,
      onPlan: (cells) => (planned = cells.length),
      onStatus: (s: Status) => events.push(`${s.done ? 'end' : 'start'} ${s.label}`),
      onProgress: (p) => events.push(`cell ${p.label}`),
    })
    expect(planned).toBe(4)
    const seedEvents = (seed: string) => events.filter((e) => e.includes(`seed ${seed}`)).map((e) => e.split(' ')[0])
    expect(seedEvents('1')).toEqual(['start', 'end', 'cell', 'cell'])
    expect(seedEvents('2')).toEqual(['start', 'end', 'cell', 'cell'])
    expect(events[0]).toMatch(/^start preparing random-overwrite · seed 1: base, 1 epoch\(s\)/)
  })
})
