/**
 * The report's answer (analysis/report/decision.ts) from rows made here, whose costs are known by
 * construction: a clear winner that changes with the network profile, a pair that cannot be told apart,
 * a faster strategy that left a wrong replica, and block sizes that the paired test does or does not
 * separate from the best.
 */
import { describe, expect, it } from 'vitest'
import { cellsOf } from '../analysis/cell-figures.ts'
import { adviseBlock, costCell, decide, decideWorkload, reportProfiles } from '../analysis/report/decision.ts'
import { PROFILES } from '../core/network-profile.ts'
import { pairedMargin } from '../core/paired-sign-test.ts'
import type { ResultRow } from '../core/result-row.ts'

const SEEDS = ['1', '2', '3', '4', '5', '6']

interface Spec {
  workload: string
  strategy: string
  blockSize: number
  usesBlockSize?: boolean
  down: number
  /** Sender CPU per seed index (0-based). */
  cpu: (i: number) => number
  correct?: boolean
}

/** Two epochs per seed, identical, so a seed's mean per sync is that epoch's value. */
function rows(s: Spec): ResultRow[] {
  return SEEDS.flatMap((seed, i) =>
    [1, 2].map(
      (epoch) =>
        ({
          workload: s.workload, strategy: s.strategy, block_size: s.blockSize, uses_block_size: s.usesBlockSize ?? true, seed, epoch, repeat: 1,
          bytes_down: s.down, bytes_up: 0, bytes_total: s.down, flights: 2, sender_cpu_ms: s.cpu(i), receiver_cpu_ms: 0, tracker_ms: null,
          est_model: 'serial', correct: s.correct ?? true, local_floor_bytes: s.down / 2,
        }) as unknown as ResultRow,
    ),
  )
}

const lan = PROFILES.lan!
const mobile = PROFILES.mobile!
// Serial model: flights × RTT/2 + bytes × 8 ÷ bandwidth + CPU. lan: 2 × 0.5 ms + 1 MB ÷ 10 Gbit/s (0.8 ms) + CPU.
const lanMs = (down: number, cpu: number) => 1 + (down * 8 * 1000) / 10e9 + cpu
const mobileMs = (down: number, cpu: number) => 80 + (down * 8 * 1000) / 10e6 + cpu

/** A little seed-to-seed variation that both strategies share, so a paired test sees through it. */
const shared = (i: number) => 0.01 * i

const W1: ResultRow[] = [
  // fast: little CPU, many bytes; wins on lan.
  ...rows({ workload: 'w1', strategy: 'fast', blockSize: 4096, down: 1e6, cpu: (i) => 1 + shared(i) }),
  ...rows({ workload: 'w1', strategy: 'fast', blockSize: 1024, down: 1.2e6, cpu: (i) => 1 + shared(i) }),
  // 8 KiB: as fast as 4 KiB give or take a sign that flips with the seed.
  ...rows({ workload: 'w1', strategy: 'fast', blockSize: 8192, down: 1e6, cpu: (i) => 1 + shared(i) + (i % 2 ? 0.05 : -0.04) }),
  // lean: few bytes, much CPU; wins on mobile.
  ...rows({ workload: 'w1', strategy: 'lean', blockSize: 4096, down: 1e5, cpu: (i) => 50 + shared(i) }),
  // cheat: fastest of all, but one of its replicas came out wrong.
  ...rows({ workload: 'w1', strategy: 'cheat', blockSize: 4096, down: 10, cpu: () => 0 }).map((r, j) => (j === 3 ? { ...r, correct: false } : r)),
]

const W2: ResultRow[] = [
  ...rows({ workload: 'w2', strategy: 'fast', blockSize: 4096, down: 1e6, cpu: (i) => 5 + shared(i) }),
  // twin: the same cost but for a difference whose sign flips with the seed, so the interval crosses 0.
  ...rows({ workload: 'w2', strategy: 'twin', blockSize: 4096, usesBlockSize: false, down: 1e6, cpu: (i) => 5 + shared(i) + (i % 2 ? 0.5 : -0.4) }),
]

describe('the report decides', () => {
  const cells = cellsOf([...W1, ...W2])
  const w1 = cells.filter((c) => c.workload === 'w1')

  it('picks the fastest correct cell on each profile, the runner-up from another strategy, and the floor', () => {
    const d = decideWorkload('w1', w1, lan)!
    expect(d.excluded).toEqual(['cheat'])
    expect([d.winner.strategy, d.winner.blockSize]).toEqual(['fast', 4096])
    expect(d.winner.ms).toBeCloseTo(lanMs(1e6, 1 + shared(2.5)), 6) // median of 6 seeds: between seeds 3 and 4
    expect(d.runnerUp!.strategy).toBe('lean')
    expect(d.runnerUp!.ms).toBeCloseTo(lanMs(1e5, 50 + shared(2.5)), 6)
    expect(d.winner.vsLocal).toBeCloseTo(2, 9)
    // Re-estimated on mobile, bytes cost 1000× more and the lean strategy wins.
    const m = decideWorkload('w1', w1, mobile)!
    expect([m.winner.strategy, m.runnerUp!.strategy]).toEqual(['lean', 'fast'])
    expect(m.winner.ms).toBeCloseTo(mobileMs(1e5, 50 + shared(2.5)), 6)
  })

  it('gives the margin with its paired interval: clear when every seed agrees, indistinguishable when the interval crosses 0', () => {
    const d = decideWorkload('w1', w1, lan)!
    const gap = lanMs(1e5, 50) - lanMs(1e6, 1) // the same in every seed: the shared variation cancels
    expect(d.margin!.median).toBeCloseTo(gap, 6)
    expect(d.margin!.lo).toBeCloseTo(gap, 6)
    expect(d.margin!.indistinguishable).toBe(false)
    expect(d.units).toBe(6)
    expect(d.coverage).toBeCloseTo(1 - 2 / 64, 9) // 6 units: [min, max] of the paired differences, 96.9%

    const t = decideWorkload('w2', cells.filter((c) => c.workload === 'w2'), lan)!
    expect(new Set([t.winner.strategy, t.runnerUp!.strategy])).toEqual(new Set(['fast', 'twin']))
    expect(t.margin!.lo).toBeLessThan(0)
    expect(t.margin!.hi).toBeGreaterThan(0)
    expect(t.margin!.indistinguishable).toBe(true)
  })

  it('recommends the cheapest aligned block size among those as good as the best', () => {
    const costed = w1.filter((c) => c.strategy === 'fast').map((c) => costCell(c, lan))
    const best = costed.find((c) => c.blockSize === 4096)!
    const at4k = adviseBlock(costed, best, 4096)
    // 1 KiB is worse in every seed; 8 KiB cannot be told apart from 4 KiB.
    expect(at4k.indistinguishable).toEqual([4096, 8192])
    expect(at4k).toMatchObject({ blockSize: 4096, aligned: true })
    expect(adviseBlock(costed, best, 8192)).toMatchObject({ blockSize: 8192, aligned: true })
    expect(adviseBlock(costed, best, 16384)).toMatchObject({ blockSize: 4096, aligned: false })
    // A strategy that ignores the block size gets no size.
    const twin = costCell(cells.find((c) => c.strategy === 'twin')!, lan)
    expect(adviseBlock([twin], twin, 4096).blockSize).toBeNull()
  })

  it('answers every workload on every profile, the run\'s own profile first', () => {
    const profiles = reportProfiles('mobile')
    expect(profiles.map((p) => p.name)).toEqual(['mobile', 'lan', 'wan', 'cross-region'])
    expect(reportProfiles('sat:20M/2M/600ms')[0]).toMatchObject({ name: 'sat', rttMs: 600 })
    expect(reportProfiles('sat')[0]!.name).toBe('wan') // a bare custom name has no figures: the built-in ones only
    const all = decide([...W1, ...W2], profiles, ['w1', 'w2'])
    expect(all.map((d) => `${d.profile}/${d.workload}`)).toEqual(profiles.flatMap((p) => [`${p.name}/w1`, `${p.name}/w2`]))
  })

  it('pairs only the units both sides measured', () => {
    const m = pairedMargin(new Map([['1/1', 5], ['2/1', 7], ['9/1', 100]]), new Map([['1/1', 4], ['2/1', 4]]))
    expect(m).toMatchObject({ units: 2, lo: 1, hi: 3, median: 2, indistinguishable: false })
    expect(pairedMargin(new Map([['1/1', 5]]), new Map()).indistinguishable).toBe(true)
  })
})

describe('the reproduce commands', () => {
  it('quote every argument for a POSIX shell, and name the manifest for run --from', async () => {
    const { reproduceCommands, shellQuote } = await import('../analysis/report/reproduce.ts')
    expect(shellQuote('--size')).toBe('--size')
    expect(shellQuote("it's a dir")).toBe(`'it'\\''s a dir'`)
    expect(shellQuote('$(rm -rf ~)')).toBe(`'$(rm -rf ~)'`)
    const m = { invocation: { argv: ['run', '--seeds', '1,2', '--opt', 'x=a b'], cwd: '/w d' } } as never
    expect(reproduceCommands(m, '/r/run-1/')).toEqual({
      asTyped: `cd '/w d' && npx deltabench run --seeds 1,2 --opt 'x=a b'`,
      fromManifest: 'npx deltabench run --from /r/run-1/manifest.json --out /r/run-1-again',
    })
    expect(reproduceCommands({ invocation: null } as never, '/r').asTyped).toBeNull()
  })
})
