/** Self-verification with nothing wrong: no false alarms, one digest frame per sync, on every workload and size. */
import { describe, expect, it } from 'vitest'
import { quickRun } from './helpers.ts'

const STRATEGIES = ['changed-block-bitmap', 'journal-replay', 'snapshot-diff']
const WORKLOADS = ['random-overwrite', 'insert-delete', 'append', 'hot-spot', 'resize']

describe.each(STRATEGIES)('self-verify: %s', (strategy) => {
  it('passes conformance with selfVerify on, never detects a mismatch that is not there, and costs one digest frame', async () => {
    for (const workload of WORKLOADS) {
      for (const size of [0, 1000, 100_003]) {
        for (const blockSize of [7, 4096]) {
          for (const seed of ['1', '2']) {
            const rows = await quickRun({ strategy, workload, blockSize, size, seed, epochs: 3, strategyOptions: { selfVerify: true }, workloadOptions: workload === 'hot-spot' ? { writes: 40 } : {} })
            for (const r of rows) {
              const where = `${workload} size=${size} bs=${blockSize} seed=${seed} epoch=${r.epoch}: ${r.error ?? ''}`
              expect(r.correct, where).toBe(true)
              expect(r.self_detected, where).toBe(false)
              expect(r.self_repaired, where).toBe(false)
              // Tag, size varint, 16-byte digest, one length prefix.
              expect(r.self_verify_bytes, where).toBeGreaterThanOrEqual(19)
              expect(r.self_verify_bytes, where).toBeLessThanOrEqual(24)
            }
          }
        }
      }
    }
  })
})
