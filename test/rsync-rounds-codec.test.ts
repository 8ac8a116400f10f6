/**
 * rsync-rounds' literal codec: zstd gets its --patch-from tuning (one thread, longer target matches and
 * chain, ZSTD_TUNING) for rsync-rounds only (rsync-context's argv is unchanged), and what the tuned encoder
 * writes decodes back to the literals against the same R.
 */
import { describe, expect, it } from 'vitest'
import { encodeArgv, ZSTD_TUNING } from '../strategies/rolling/context-codec.ts'
import { codeLiterals, decodeLiterals } from '../strategies/rolling/rounds-literals.ts'
import { missingTools } from '../strategies/shared/tool-process.ts'
import { Rng } from '../core/seeded-random.ts'
import type { Telemetry } from '../core/strategy.ts'

const job = { codec: 'zstd' as const, level: 19, refSize: 1 << 20, literalSize: 4096 }

describe('rsync-rounds literal codec', () => {
  it('passes the tuning to zstd only when asked (rsync-rounds), never to xdelta3', () => {
    const tuned = encodeArgv({ ...job, tuned: true }, 'ref', 'in', 'out')
    for (const flag of ZSTD_TUNING) expect(tuned).toContain(flag)
    const plain = encodeArgv(job, 'ref', 'in', 'out')
    for (const flag of ZSTD_TUNING) expect(plain).not.toContain(flag)
    const xdelta = encodeArgv({ ...job, codec: 'xdelta3', level: 9, tuned: true }, 'ref', 'in', 'out')
    for (const flag of ZSTD_TUNING) expect(xdelta).not.toContain(flag)
  })

  const missing = missingTools('rsync-rounds', [{ cmd: 'zstd', apt: 'zstd' }])
  it.skipIf(missing !== undefined)(`codes edited text against R with the tuned zstd and decodes it back${missing ? ` (${missing})` : ''}`, async () => {
    const rng = new Rng(7)
    const words = ['function', 'return', 'const', 'node', 'checker', 'emit', 'type', 'symbol', '{', '}', ';', '\n']
    const text = (n: number) => Array.from({ length: n }, () => words[rng.u32() % words.length]).join(' ')
    const ref = new TextEncoder().encode(text(40_000))
    // Literals: pieces of R with edits, so the codec has something to find in R.
    const literals = [ref.slice(1000, 9000), new TextEncoder().encode(text(500)), ref.slice(50_000, 70_000)]
    literals[0]![17] = 0x21
    const t: Telemetry = { add: () => {}, max: () => {}, set: () => {}, chargeChildCpu: () => {} }
    const coded = await codeLiterals('rsync-rounds', 'zstd', 19, literals, [ref], t)
    const size = literals.reduce((n, l) => n + l.length, 0)
    expect(coded.form).toBe(1)
    expect(coded.bytes.length).toBeLessThan(size / 4)
    const back = await decodeLiterals('rsync-rounds', coded.form, size, coded.bytes, [ref], t)
    expect(Buffer.from(back).equals(Buffer.concat(literals))).toBe(true)
  })
})
