/**
 * Parity with the real tools on small seeded inputs: rdiff's signature holds the same weak sums as ours
 * and picks the block and strong sizes our librsync rule does; rsync-rolling makes the same literal data
 * as rdiff and rsync at the same block size. Each test skips, naming the apt-get line, without its tool.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { librsyncBlockSize, librsyncStrongBytes } from '../strategies/shared/block-size-rules.ts'
import { missingTools, parseTimes, runTool } from '../strategies/tools/child-tool.ts'
import { blockWeakSums, type WeakSumName } from '../strategies/rolling/rolling-checksum.ts'
import { TELEMETRY_COUNTERS } from '../core/strategy.ts'
import { COLUMN_NAMES } from '../core/result-row.ts'
import { Rng } from '../core/seeded-random.ts'
import { quickRun } from './helpers.ts'

const rdiffMissing = missingTools('rdiff parity', [{ cmd: 'rdiff', apt: 'rdiff' }])
const rsyncMissing = missingTools('rsync parity', [{ cmd: 'rsync', apt: 'rsync' }])
const dir = mkdtempSync(join(tmpdir(), 'deltabench-parity-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

/** Weak sums of every block of an rdiff signature file (12-byte header, then weak + strong per block). */
function rdiffWeakSums(sig: Uint8Array): { blockLen: number; strongLen: number; weak: number[] } {
  const dv = new DataView(sig.buffer, sig.byteOffset, sig.byteLength)
  const blockLen = dv.getUint32(4)
  const strongLen = dv.getUint32(8)
  const weak: number[] = []
  for (let at = 12; at < sig.length; at += 4 + strongLen) weak.push(dv.getInt32(at))
  return { blockLen, strongLen, weak }
}

describe.skipIf(rdiffMissing)(`rdiff parity${rdiffMissing ? ` (skipped: ${rdiffMissing})` : ''}`, () => {
  it.each([['rollsum', 'rollsum'], ['rabinkarp', 'rabin-karp']] as const)("rdiff -R %s signature holds our weak sum for every block", async (flag, kind) => {
    const data = new Rng(`parity-${kind}`).bytes(100_000 + 77) // a short last block too
    const file = join(dir, `in-${kind}`)
    writeFileSync(file, data)
    await runTool('test', ['rdiff', '-f', '-b', '700', '-S', '8', '-R', flag, 'signature', file, `${file}.sig`])
    const sig = rdiffWeakSums(readFileSync(`${file}.sig`))
    const n = Math.ceil(data.length / 700)
    const ours = new Int32Array(n)
    blockWeakSums(kind as WeakSumName, data, 0, n, 700, data.length - (n - 1) * 700, ours, 0)
    expect(sig.weak).toEqual([...ours])
  })

  it("rdiff's own block and strong sizes (-b 0 -S -1) are our librsync rule", async () => {
    for (const size of [1000, 70_000, 1_000_000, 5_000_000]) {
      const file = join(dir, `z${size}`)
      writeFileSync(file, new Uint8Array(size))
      await runTool('test', ['rdiff', '-f', '-b', '0', '-S', '-1', 'signature', file, `${file}.sig`])
      const sig = rdiffWeakSums(readFileSync(`${file}.sig`).subarray(0, 12))
      expect([size, sig.blockLen, sig.strongLen]).toEqual([size, librsyncBlockSize(size), librsyncStrongBytes(size, librsyncBlockSize(size))])
    }
  })

  it('rsync-rolling makes the literal data rdiff makes (within 1%) at the same block size and strong length', async () => {
    for (const workload of ['insert-delete', 'random-overwrite']) {
      const q = { workload, blockSize: 2048, size: 2 << 20, epochs: 2, seed: '5' }
      const mine = await quickRun({ ...q, strategy: 'rsync-rolling', strategyOptions: { strongBytes: 8, weakSum: 'rabin-karp' } })
      const theirs = await quickRun({ ...q, strategy: 'rdiff', strategyOptions: { strongBytes: 8 } })
      for (let e = 0; e < 2; e++) {
        const [m, t] = [mine[e]!, theirs[e]!]
        expect(m.correct && t.correct).toBe(true)
        expect(Math.abs(m.literal_data! - t.literal_data!) / t.literal_data!, `${workload} epoch ${e + 1}`).toBeLessThan(0.01)
        expect(m.bytes_literal).toBe(m.literal_data) // the channel's literal attribution is the literal data
        // Our copy ops are varints; rdiff's copy commands are 3-17 bytes: the literal bytes must agree.
        expect(Math.abs(m.bytes_literal - t.bytes_literal) / t.bytes_literal).toBeLessThan(0.01)
      }
    }
  })
})

describe.skipIf(rsyncMissing)(`rsync parity${rsyncMissing ? ` (skipped: ${rsyncMissing})` : ''}`, () => {
  it("rsync-rolling's literal data equals rsync's own \"Literal data\" at the same block size", async () => {
    for (const workload of ['insert-delete', 'append']) {
      const q = { workload, blockSize: 1024, size: 1 << 20, epochs: 2, seed: '3' }
      const mine = await quickRun({ ...q, strategy: 'rsync-rolling' })
      const theirs = await quickRun({ ...q, strategy: 'rsync' })
      for (let e = 0; e < 2; e++) {
        expect(mine[e]!.correct && theirs[e]!.correct).toBe(true)
        const lit = theirs[e]!.literal_data!
        expect(Math.abs(mine[e]!.literal_data! - lit), `${workload} epoch ${e + 1}: ours ${mine[e]!.literal_data}, rsync ${lit}`).toBeLessThanOrEqual(0.01 * lit)
        // rsync's stream crossed the channel: at least its literal data went down.
        expect(theirs[e]!.bytes_down).toBeGreaterThan(lit)
      }
    }
  })
})

describe('tool plumbing', () => {
  it("reads the children's CPU from bash's times", () => {
    expect(parseTimes('0m0.001s 0m0.000s\n0m1.250s 0m0.125s\n')).toBeCloseTo(1375, 6)
    expect(parseTimes('')).toBe(0)
  })

  it('names the apt-get line for a missing tool', () => {
    expect(missingTools('x', [{ cmd: 'no-such-tool-deltabench', apt: 'no-such-package' }])).toMatch(/no-such-tool-deltabench.*apt-get install no-such-package/)
    expect(missingTools('x', [{ cmd: 'bash', apt: 'bash' }])).toBeUndefined()
  })

  it('every telemetry counter has its row column', () => {
    for (const c of TELEMETRY_COUNTERS) expect(COLUMN_NAMES).toContain(c)
  })
})
