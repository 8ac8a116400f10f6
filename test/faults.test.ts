/**
 * Fault injection: each fault really corrupts a tracking strategy's replica without self-verification
 * (so the injection is real), and self-verification catches and repairs it; a crash after apply leaves
 * the replica right after the next sync; a strategy that reads content is not fooled.
 */
import { spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { findStrategy, findWorkload, resolveRun } from '../harness/config.ts'
import { faultBenchTable, parseVariant, runFaultBench } from '../apps/fault-bench.ts'
import { resolveFault, type FaultKind } from '../harness/faults.ts'
import { prepareWorkload } from '../harness/prepare-workload.ts'
import type { ResultRow } from '../core/result-row.ts'
import { runCell } from '../harness/run-cell.ts'
import { defaultOptions } from '../core/options.ts'
import { scratchDirs } from './scratch-dirs.ts'

// Removed when this file's tests end.
const scratchFaults = scratchDirs('deltabench-faults-')

interface FaultRun {
  strategy: string
  options?: Record<string, unknown>
  fault?: FaultKind
  rate?: number
  workload?: string
  blockSize?: number
  seed?: string
  epochs?: number
}

async function faultRun(f: FaultRun): Promise<ResultRow[]> {
  const strategy = findStrategy(f.strategy)
  const workload = findWorkload(f.workload ?? 'random-overwrite')
  const prepared = prepareWorkload(workload, defaultOptions(workload), { size: 256 << 10, epochs: f.epochs ?? 4, seed: f.seed ?? '1', content: 'mixed' })
  const fault = f.fault ? { kind: f.fault, rate: f.rate ?? 1 } : undefined
  return runCell({ runId: 't', strategy, options: { ...defaultOptions(strategy), ...f.options, blockSize: f.blockSize ?? 4096 }, prepared, fault })
}

const where = (r: ResultRow) => `${r.strategy} ${r.strategy_options} ${r.workload} epoch ${r.epoch}: ${r.error ?? ''}`

/** Fault, rate, workload, block size, and the write-path strategies (with options) it must corrupt. */
const CORRUPTING: [FaultKind, number, string, number, [string, Record<string, unknown>][]][] = [
  ['dropped-bits', 0.2, 'random-overwrite', 4096, [['changed-block-bitmap', {}], ['journal-replay', {}], ['journal-replay', { byteExact: true, coalesce: false }]]],
  ['lost-records', 0.1, 'random-overwrite', 4096, [['changed-block-bitmap', {}], ['journal-replay', {}], ['journal-replay', { byteExact: true }]]],
  ['lost-records', 0.5, 'resize', 4096, [['changed-block-bitmap', {}], ['journal-replay', {}]]],
  ['tracker-reset', 1, 'random-overwrite', 4096, [['changed-block-bitmap', {}], ['journal-replay', {}], ['journal-replay', { coalesce: false }]]],
  ['tracker-reset', 1, 'resize', 512, [['changed-block-bitmap', {}], ['journal-replay', { byteExact: true }]]],
  // A 512-byte shift is hidden by whole-block tracking unless it crosses a block boundary: small blocks, or byte-exact records.
  ['misaligned-offset', 1, 'random-overwrite', 512, [['changed-block-bitmap', {}], ['journal-replay', {}]]],
  ['misaligned-offset', 1, 'random-overwrite', 4096, [['journal-replay', { byteExact: true }]]],
]

describe.each(CORRUPTING)('fault %s (rate %s, %s, %s B blocks)', (fault, rate, workload, blockSize, strategies) => {
  it.each(strategies)('corrupts %s %j without self-verification; self-verification detects and repairs every case', async (strategy, options) => {
    const plain = await faultRun({ strategy, options, fault, rate, workload, blockSize })
    expect(plain.reduce((a, r) => a + r.faults_injected!, 0)).toBeGreaterThan(0)
    const wrong = plain.filter((r) => !r.correct)
    expect(wrong.length, 'the injected fault never produced a wrong replica').toBeGreaterThan(0)
    // Silent: no error, the strategy believed the sync was good; only the harness's byte check saw it.
    for (const r of wrong) {
      expect(r.error, where(r)).toBeNull()
      expect(r.caught_by_harness, where(r)).toBe(true)
    }
    expect(plain.every((r) => r.fault === fault && r.fault_rate === rate && r.self_detected === null && r.self_verify_bytes === null)).toBe(true)

    const verified = await faultRun({ strategy, options: { ...options, selfVerify: true }, fault, rate, workload, blockSize })
    for (const r of verified) {
      expect(r.correct, where(r)).toBe(true)
      expect(r.caught_by_harness, where(r)).toBe(false)
      expect(r.self_repaired, where(r)).toBe(r.self_detected)
      expect(r.self_verify_bytes!, where(r)).toBeGreaterThan(16)
    }
    // The same draws hit the same writes, so the syncs that went wrong unverified are detected verified
    // (the first at least; later ones differ, as unverified errors compound).
    expect(verified[plain.indexOf(wrong[0]!)]!.self_detected).toBe(true)
    const repaired = verified.filter((r) => r.self_detected)
    const clean = verified.filter((r) => !r.self_detected)
    // A repair pass costs a signature and the blocks; a clean check costs one digest frame.
    for (const r of repaired) expect(r.self_verify_bytes!).toBeGreaterThan(Math.max(...clean.map((c) => c.self_verify_bytes!), 0))
    for (const r of clean) expect(r.self_verify_bytes!).toBeLessThan(32)
  })
})

describe('faults that a strategy reading content shrugs off', () => {
  it.each(['dropped-bits', 'lost-records', 'tracker-reset', 'misaligned-offset', 'crash-after-apply'] as const)('snapshot-diff stays byte-exact under %s', async (fault) => {
    for (const workload of ['random-overwrite', 'resize']) {
      const rows = await faultRun({ strategy: 'snapshot-diff', fault, rate: 1, workload })
      for (const r of rows) expect(r.correct, where(r)).toBe(true)
    }
  })

  it('tracker-reset loses snapshot-diff its manifest, so the receiver sends its own', async () => {
    const rows = await faultRun({ strategy: 'snapshot-diff', fault: 'tracker-reset', rate: 1 })
    for (const r of rows) {
      expect(r.faults_injected).toBe(1)
      expect(r.bytes_manifest).toBeGreaterThan(0)
    }
  })
})

describe('crash after apply', () => {
  it.each([
    ['changed-block-bitmap', {}],
    ['journal-replay', {}],
    ['journal-replay', { coalesce: false }],
    ['snapshot-diff', {}],
  ] as const)('%s %j: every sync crashes after the receiver applied, and every next sync is still right', async (strategy, options) => {
    const clean = await faultRun({ strategy, options })
    const crashed = await faultRun({ strategy, options, fault: 'crash-after-apply', rate: 1 })
    for (const r of crashed) {
      expect(r.faults_injected).toBe(1)
      expect(r.correct, where(r)).toBe(true)
      expect(r.error).toBeNull()
    }
    // The injection is real: the sender never saw an acknowledgement, so each next sync carries more.
    for (let e = 1; e < crashed.length; e++) {
      expect(crashed[e]!.bytes_total, where(crashed[e]!)).toBeGreaterThan(clean[e]!.bytes_total)
    }
    if (strategy === 'journal-replay') {
      // Never truncated: the journal held at each sync grows by every epoch's records.
      for (let e = 1; e < crashed.length; e++) expect(crashed[e]!.tracker_device_held_bytes).toBe(crashed[e - 1]!.tracker_device_held_bytes! + crashed[e]!.tracker_device_bytes!)
    }
    if (strategy === 'snapshot-diff') {
      // The sender's manifest is stale; the receiver sees the base id does not match and sends its own.
      for (const r of crashed.slice(1)) expect(r.bytes_manifest).toBeGreaterThan(0)
    }
  })

  it('with self-verification on, crashes at a rate never trigger a repair: nothing is lost or applied wrongly', async () => {
    for (const strategy of ['changed-block-bitmap', 'journal-replay', 'snapshot-diff']) {
      for (const seed of ['1', '2']) {
        const rows = await faultRun({ strategy, options: { selfVerify: true }, fault: 'crash-after-apply', rate: 0.5, seed, epochs: 6, workload: 'resize' })
        expect(rows.some((r) => r.faults_injected! > 0)).toBe(true)
        for (const r of rows) {
          expect(r.correct, where(r)).toBe(true)
          expect(r.self_detected, where(r)).toBe(false)
        }
      }
    }
  })
})

describe('fault configuration and reporting', () => {
  it('same seed, same faults; another seed, other faults', async () => {
    const a = await faultRun({ strategy: 'changed-block-bitmap', fault: 'dropped-bits', rate: 0.05 })
    const b = await faultRun({ strategy: 'changed-block-bitmap', fault: 'dropped-bits', rate: 0.05 })
    const c = await faultRun({ strategy: 'changed-block-bitmap', fault: 'dropped-bits', rate: 0.05, seed: '2' })
    expect(b.map((r) => [r.faults_injected, r.correct, r.first_diff_offset])).toEqual(a.map((r) => [r.faults_injected, r.correct, r.first_diff_offset]))
    expect(c.map((r) => r.faults_injected)).not.toEqual(a.map((r) => r.faults_injected))
  })

  it('a run without a fault has no fault columns and an unchanged config', () => {
    expect('fault' in resolveRun({})).toBe(false)
    expect(resolveRun({ fault: 'tracker-reset' }).fault).toEqual({ kind: 'tracker-reset', rate: 0.5 })
  })

  it.each([
    [['nope', undefined], /unknown fault "nope"; choose one of dropped-bits/],
    [[undefined, '0.1'], /--fault-rate needs --fault <kind>/],
    [['lost-records', '0'], /--fault-rate must be a probability in \(0, 1\], got "0"/],
    [['lost-records', '1.5'], /must be a probability/],
    [['lost-records', 'often'], /must be a probability/],
  ] as const)('refuses %j with a ConfigError that says how to fix it', ([kind, rate], message) => {
    expect(() => resolveFault(kind, rate)).toThrow(message)
  })

  it('the CLI takes --fault and --fault-rate, writes the fault columns and shows self-repairs in the summary', () => {
    const out = join(scratchFaults(), 'run')
    const bin = new URL('../bin/deltabench.js', import.meta.url).pathname
    const args = ['run', '--strategies', 'changed-block-bitmap', '--workloads', 'random-overwrite', '--block-sizes', '4096', '--size', '256KiB', '--epochs', '2', '--seeds', '1', '--fault', 'tracker-reset', '--fault-rate', '1', '--opt', 'changed-block-bitmap.selfVerify=true', '--no-progress', '--out', out]
    const r = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8' })
    expect(r.status, r.stderr).toBe(0)
    // The compact summary's fault columns and their legend (faults injected, syncs repaired).
    expect(r.stdout).toMatch(/faults\s+repaired\s+ok/)
    expect(r.stdout).toMatch(/repaired: syncs self-repaired\/detected/)
    expect(r.stdout).toMatch(/changed-block-bitmap .* 2\s+2\/2\s+yes/)
    const rows = readFileSync(join(out, 'rows.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as ResultRow)
    expect(rows.map((x) => [x.fault, x.fault_rate, x.self_detected, x.self_repaired, x.correct])).toEqual([
      ['tracker-reset', 1, true, true, true],
      ['tracker-reset', 1, true, true, true],
    ])
    const bad = spawnSync(process.execPath, [bin, 'run', '--fault', 'gremlins', '--out', `${out}-bad`], { encoding: 'utf8' })
    expect(bad.status).toBe(2)
    expect(bad.stderr).toMatch(/unknown fault "gremlins"/)
  })

  it('the fault bench reports wrong shares with and without self-verification', async () => {
    const lines = await runFaultBench({
      strategies: [parseVariant('changed-block-bitmap'), parseVariant('journal-replay:byteExact=true')],
      workloads: ['random-overwrite'],
      faults: ['tracker-reset', 'crash-after-apply'],
      rate: 1,
      size: 64 << 10,
      epochs: 2,
      seeds: ['1'],
      blockSize: 4096,
      content: 'mixed',
    })
    expect(lines.map((l) => [l.fault, l.strategy])).toEqual([
      ['none', 'changed-block-bitmap'],
      ['none', 'journal-replay:byteExact=true'],
      ['tracker-reset', 'changed-block-bitmap'],
      ['tracker-reset', 'journal-replay:byteExact=true'],
      ['crash-after-apply', 'changed-block-bitmap'],
      ['crash-after-apply', 'journal-replay:byteExact=true'],
    ])
    for (const l of lines) {
      expect(l.syncs).toBe(2)
      expect(l.wrongVerified).toBe(0)
      if (l.fault === 'tracker-reset') expect(l.wrongPlain).toBeGreaterThan(0)
      else expect(l.wrongPlain).toBe(0)
      if (l.fault === 'none') expect(l.syncsHit).toBe(0)
    }
    expect(faultBenchTable(lines)).toMatch(/tracker-reset\s+1\s+epoch\s+changed-block-bitmap\s+2\/2 \(100%\)\s+\d\/2 \(\d+%\)\s+0\/2 \(0%\)/)
    expect(() => parseVariant('journal-replay:colour=red')).toThrow(/journal-replay has no option "colour"/)
    expect(() => parseVariant('fixed-block-compare')).toThrow(/fixed-block-compare cannot verify itself.*choose one of changed-block-bitmap, journal-replay, snapshot-diff/)
  })
})
