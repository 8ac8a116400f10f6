/**
 * verify: digest (strategies/shared/end-digest.ts) and the fuzz study's integrity figure: without the
 * digest, tampered transfers of whole-file and fixed-block-compare complete with a wrong replica; with
 * it, every one of them is refused by the strategy itself.
 */
import { describe, expect, it } from 'vitest'
import { integrityFigure, integrityTable } from '../apps/fuzz-integrity.ts'
import { fuzzStrategy } from '../apps/fuzz.ts'
import { findStrategy } from '../harness/config.ts'

describe('end-to-end digest', () => {
  for (const name of ['whole-file', 'fixed-block-compare']) {
    it(`${name}: wrong replicas without verify, none with verify: digest`, async () => {
      const s = findStrategy(name)
      const off = await fuzzStrategy(s, 120, 'digest-test')
      const on = await fuzzStrategy(s, 120, 'digest-test', undefined, { verify: 'digest' })
      expect(off.acceptedWrong).toBeGreaterThan(0)
      expect(on.acceptedWrong).toBe(0)
      expect(on.findings).toEqual([])
      expect(integrityFigure(on).detectedShare).toBe(1)
    }, 120_000)
  }

  it('the figure counts detected, wrong and harmless out of the tampered cases', () => {
    const f = integrityFigure({ strategy: 'x', cases: 10, completed: 4, rejected: 6, acceptedWrong: 2, findings: [] })
    expect(f).toEqual({ strategy: 'x', cases: 10, detected: 6, wrongReplica: 2, harmless: 2, detectedShare: 0.75 })
    expect(integrityTable([f])).toMatch(/x\s+10\s+6 \(60\.0%\)\s+2 \(20\.0%\)\s+2 \(20\.0%\)\s+75\.0%/)
  })
})
