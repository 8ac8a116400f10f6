/**
 * Every command that runs cells makes the same checks as `run` before anything is written (harness/preflight.ts):
 * options and validate() through resolveRun, and the capacity check. Issue 17, the loose ends.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { ConfigError } from '../core/errors.ts'
import { checkFaultBench, DEFAULT_FAULT_BENCH, runFaultBench } from '../apps/fault-bench.ts'
import { cli } from './cli-in-process.ts'

const scratch = mkdtempSync(join(tmpdir(), 'deltabench-preflight-test-'))
afterAll(() => rmSync(scratch, { recursive: true, force: true }))

describe('tune checks what run checks, before writing', () => {
  it('refuses a size that cannot fit in memory with exit 2 and creates no folder', async () => {
    const out = join(scratch, 'tune-huge')
    const r = await cli(['tune', '--strategies', 'fixed-block-compare', '--size', '1TiB', '--min', '4096', '--max', '8192', '--out', out])
    expect(r.code).toBe(2)
    expect(r.err).toMatch(/--size 1\.0 TiB does not fit in memory/)
    expect(existsSync(out)).toBe(false)
  })

  it('refuses a workload option out of range for the run (validate against --size and --epochs) with exit 2', async () => {
    const out = join(scratch, 'tune-range')
    const r = await cli(['tune', '--strategies', 'fixed-block-compare', '--size', '1MiB', '--epochs', '100001', '--min', '4096', '--max', '8192', '--out', out])
    expect(r.code).toBe(2)
    expect(r.err).toMatch(/--epochs must be a whole number from 1 to 100000/)
    expect(existsSync(out)).toBe(false)
  })
})

describe('the fault bench checks what run checks, before any cell', () => {
  const base = { ...DEFAULT_FAULT_BENCH, workloads: ['random-overwrite'], seeds: ['1'], faults: [] }

  it('refuses a size that cannot fit with the figure, without preparing a workload', async () => {
    let cells = 0
    await expect(runFaultBench({ ...base, size: 2 ** 40 }, () => cells++)).rejects.toThrow(/--size 1\.0 TiB does not fit in memory/)
    expect(cells).toBe(0)
  })

  it('refuses what resolveRun refuses: epochs out of range, a block size over the volume, an unknown workload', () => {
    expect(() => checkFaultBench({ ...base, epochs: 100_001 }, [{ name: 'changed-block-bitmap', options: {} }])).toThrow(ConfigError)
    expect(() => checkFaultBench({ ...base, size: 4096, blockSize: 8192 }, [{ name: 'changed-block-bitmap', options: {} }])).toThrow(/larger than the volume/)
    expect(() => checkFaultBench({ ...base, workloads: ['random-overwrit'] }, [{ name: 'changed-block-bitmap', options: {} }])).toThrow(ConfigError)
  })

  it('passes the defaults and a variant with options', () => {
    expect(() => checkFaultBench(base, [{ name: 'journal-replay', options: { byteExact: true } }])).not.toThrow()
  })
})
