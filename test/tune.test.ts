import { mkdtempSync, readFileSync } from 'node:fs'
import { spawnSync } from 'node:child_process'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'

const BIN = new URL('../bin/deltabench.js', import.meta.url).pathname

describe('deltabench tune', () => {
  it('recommends a block size per strategy and profile, with neighbours, the default and a chart', () => {
    const out = join(mkdtempSync(join(tmpdir(), 'deltabench-tune-')), 't')
    const r = spawnSync(process.execPath, [BIN, 'tune', '--strategies', 'changed-block-bitmap,fixed-block-compare', '--workload', 'random-overwrite', '--size', '1MiB', '--min', '512', '--max', '64KiB', '--profiles', 'lan,mobile', '--out', out], { encoding: 'utf8' })
    expect(r.status, r.stderr).toBe(0)
    expect(r.stdout).toMatch(/changed-block-bitmap on mobile \(serial\): best \d+ B at [\d.]+ ms\/sync; neighbours .*; default 4096 B/)
    const t = JSON.parse(readFileSync(join(out, 'tune.json'), 'utf8'))
    expect(t.results).toHaveLength(4)
    for (const res of t.results) {
      expect(res.best.blockSize).toBeGreaterThanOrEqual(512)
      expect(res.best.blockSize).toBeLessThanOrEqual(65536)
      // The best is no worse than anything else it measured.
      for (const e of res.evaluated) expect(res.best.cost).toBeLessThanOrEqual(e.cost)
    }
    const spec = JSON.parse(readFileSync(join(out, 'tune.vl.json'), 'utf8'))
    expect(spec.facet.column.field).toBe('profile')
    expect(spec.data.values.length).toBeGreaterThan(8)
    expect(readFileSync(join(out, 'tune.svg'), 'utf8')).toMatch(/<svg[\s\S]*estimated time per sync/)
    expect(readFileSync(join(out, 'tune.png')).subarray(1, 4).toString()).toBe('PNG')
  })

  it('rejects a bad range or profile with exit 2', () => {
    const r = spawnSync(process.execPath, [BIN, 'tune', '--min', '64KiB', '--max', '4KiB'], { encoding: 'utf8' })
    expect(r.status).toBe(2)
    expect(r.stderr).toMatch(/need 1 <= min <= max/)
    const p = spawnSync(process.execPath, [BIN, 'tune', '--profiles', 'dialup'], { encoding: 'utf8' })
    expect(p.status).toBe(2)
    expect(p.stderr).toMatch(/network profile "dialup"/)
  })
})
