import { spawnSync } from 'node:child_process'
import { mkdtempSync, writeFileSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { compareRuns } from '../analysis/compare.ts'
import { resolveRun } from '../harness/config.ts'
import type { ResultRow } from '../core/result-row.ts'
import { runMatrix } from '../harness/run-matrix.ts'

const config = resolveRun({ strategies: ['fixed-block-compare', 'changed-block-bitmap'], workloads: ['random-overwrite'], blockSizes: [4096], size: 256 << 10, epochs: 4, seeds: ['1'], repeat: 2 })
const BIN = new URL('../bin/deltabench.js', import.meta.url).pathname

/** A copy of a run's rows with one strategy made slower (CPU ×factor) or fatter (bytes +extra). */
function inject(rows: readonly ResultRow[], strategy: string, cpu: number, extraBytes: number): ResultRow[] {
  return rows.map((r) => (r.strategy === strategy ? { ...r, sender_cpu_ms: r.sender_cpu_ms * cpu + 5, receiver_cpu_ms: r.receiver_cpu_ms * cpu + 5, bytes_total: r.bytes_total + extraBytes } : r))
}

describe('compare', () => {
  it('passes an unchanged run, flags an injected regression, and the CLI gates on it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'deltabench-cmp-'))
    const a = await runMatrix(config, { outDir: join(dir, 'a'), warmup: false })
    const same = compareRuns(a.rows, a.rows)
    expect(same.regressions).toBe(0)
    expect(same.cells.every((c) => c.bytesVerdict === 'same' && c.cpuVerdict === 'same')).toBe(true)

    const worse = compareRuns(a.rows, inject(a.rows, 'changed-block-bitmap', 3, 1000))
    const bitmap = worse.cells.find((c) => c.strategy === 'changed-block-bitmap')!
    expect(bitmap.bytesVerdict).toBe('worse')
    expect(bitmap.cpuVerdict).toBe('worse')
    expect(bitmap.cpuLo).toBeGreaterThan(1)
    expect(worse.cells.find((c) => c.strategy === 'fixed-block-compare')!.cpuVerdict).toBe('same')
    expect(worse.regressions).toBe(1)

    const better = compareRuns(inject(a.rows, 'fixed-block-compare', 3, 1000), a.rows)
    expect(better.cells.find((c) => c.strategy === 'fixed-block-compare')!.cpuVerdict).toBe('better')
    expect(better.regressions).toBe(0)

    // The CLI: exit 0 on the same run, 4 on the regression, Markdown for a pull request.
    const b = join(dir, 'b')
    const { mkdirSync } = await import('node:fs')
    mkdirSync(b)
    writeFileSync(join(b, 'rows.jsonl'), inject(a.rows, 'changed-block-bitmap', 3, 1000).map((r) => JSON.stringify(r) + '\n').join(''))
    const ok = spawnSync(process.execPath, [BIN, 'compare', a.dir, a.dir], { encoding: 'utf8' })
    expect(ok.status, ok.stderr).toBe(0)
    expect(ok.stdout).toMatch(/0 regression\(s\)/)
    const bad = spawnSync(process.execPath, [BIN, 'compare', a.dir, b, '--format', 'markdown', '--chart', join(dir, 'c.vl.json')], { encoding: 'utf8' })
    expect(bad.status).toBe(4)
    expect(bad.stdout).toMatch(/^\| workload \| strategy/m)
    expect(bad.stdout).toMatch(/1 regression\(s\)/)
    expect(JSON.parse(readFileSync(join(dir, 'c.vl.json'), 'utf8')).$schema).toMatch(/vega-lite/)
  })

  it('a broken replica is always a regression', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'deltabench-cmp-'))
    const a = await runMatrix(config, { outDir: join(dir, 'a'), warmup: false })
    const broken = a.rows.map((r, i) => (i === 0 ? { ...r, correct: false } : r))
    expect(compareRuns(a.rows, broken).regressions).toBe(1)
  })
})
