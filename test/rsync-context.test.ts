/**
 * rsync-context beyond the conformance suite: byte-exact with both codecs on the shifting-edit workloads,
 * never more bytes than rsync-rolling (the plain fallback), a wrong matched context on one side caught by
 * the whole-volume digest, and bad options refused.
 */
import { describe, expect, it } from 'vitest'
import { ConfigError } from '../core/errors.ts'
import { defaultOptions } from '../core/options.ts'
import type { ReadonlyVolume } from '../core/volume.ts'
import type { AnyStrategy } from '../core/strategy.ts'
import { resolveRun } from '../harness/config.ts'
import { runCell } from '../harness/run-cell.ts'
import { contextReceiver, rsyncContext, type RsyncContextOptions } from '../strategies/rolling/rsync-context.ts'
import { TAG_SIG_HEADER } from '../strategies/rolling/rolling-signature.ts'
import { preparedFrom, quickRun } from './helpers.ts'
import { Rng } from '../core/seeded-random.ts'
import type { Mutation } from '../workloads/workload.ts'

const missing = rsyncContext.unavailable?.()
const suite = missing ? describe.skip : describe
if (missing) it.skip(`rsync-context skipped: ${missing}`, () => {})

/** Words from a small vocabulary: text whose literal runs are edits of text the replica already has. */
function text(rng: Rng, n: number): Uint8Array {
  const words = ['export', 'function', 'const', 'return', 'interface', 'number', 'string', 'readonly', 'import', 'type', 'await', 'async']
  const parts: string[] = []
  let len = 0
  while (len < n) {
    const w = words[rng.int(words.length)]! + (rng.int(8) === 0 ? `${rng.int(1000)};\n` : ' ')
    parts.push(w)
    len += w.length
  }
  return new TextEncoder().encode(parts.join('')).subarray(0, n)
}

suite('rsync-context', () => {
  for (const codec of ['zstd', 'xdelta3'] as const) {
    it(`${codec}: byte-exact on the shifting-edit workloads, at or under rsync-rolling's bytes`, async () => {
      for (const workload of ['insert-delete', 'append', 'resize']) {
        for (const blockSize of [64, 700]) {
          const q = { workload, blockSize, size: 200_003, epochs: 2, content: 'text' as const }
          const mine = await quickRun({ ...q, strategy: rsyncContext, strategyOptions: { codec } })
          const plain = await quickRun({ ...q, strategy: 'rsync-rolling' })
          for (const [i, r] of mine.entries()) {
            const where = `${codec} ${workload} bs=${blockSize} epoch ${r.epoch}`
            expect(r.error, where).toBeNull()
            expect(r.correct, where).toBe(true)
            expect(r.bytes_total, where).toBeLessThanOrEqual(plain[i]!.bytes_total)
            expect(r.bytes_signature, where).toBe(plain[i]!.bytes_signature)
          }
        }
      }
      // A block size the receiver picks from its replica's size: both sides must build R with the same one.
      const ruled = await quickRun({ workload: 'insert-delete', blockSize: 4096, size: 300_000, epochs: 2, content: 'text', strategy: rsyncContext, strategyOptions: { codec, blockRule: 'rsync' } })
      for (const r of ruled) expect(r.correct && r.error === null && r.delta_passes === 1, `blockRule rsync epoch ${r.epoch}`).toBe(true)
    })
  }

  it('codes literals below their plain size when they are edits of text the replica holds', async () => {
    const q = { workload: 'insert-delete', blockSize: 512, size: 1 << 20, epochs: 1, content: 'text' as const, workloadOptions: { edits: 64, maxLength: 4000 } }
    const [mine] = await quickRun({ ...q, strategy: rsyncContext })
    const [plain] = await quickRun({ ...q, strategy: 'rsync-rolling' })
    expect(mine!.correct).toBe(true)
    // The same matching, so the same literal data; less than half of it crosses the channel.
    expect(mine!.literal_data).toBe(plain!.literal_data)
    expect(mine!.bytes_literal).toBeLessThan(plain!.bytes_literal / 2)
    expect(mine!.child_cpu_ms).toBeGreaterThan(0)
  })

  it('falls back to the plain stream, byte for byte, when the coded form is not smaller (random literals)', async () => {
    const q = { workload: 'random-overwrite', blockSize: 1024, size: 1 << 20, epochs: 2, content: 'random' as const }
    const mine = await quickRun({ ...q, strategy: rsyncContext })
    const plain = await quickRun({ ...q, strategy: 'rsync-rolling' })
    for (const [i, r] of mine.entries()) {
      expect(r.correct).toBe(true)
      expect(r.literal_data).toBeGreaterThan(0)
      expect(r.bytes_down).toBe(plain[i]!.bytes_down)
      expect(r.bytes_up).toBe(plain[i]!.bytes_up)
    }
  })

  it('a matched context that differs on one side is caught by the digest, and the redo pass repairs it', async () => {
    const rng = new Rng('context')
    const base = text(rng, 300_000)
    const edits: Mutation[] = []
    for (let k = 0; k < 20; k++) edits.push({ kind: 'insert', at: 1000 + k * 14_000, bytes: text(rng, 300) })
    const opts = { ...defaultOptions(rsyncContext), blockSize: 512 } as RsyncContextOptions
    const run = (strategy: AnyStrategy) => runCell({ runId: 't', strategy, options: opts, prepared: preparedFrom(base, [edits]) })

    const [honest] = await run(rsyncContext)
    expect(honest!.correct).toBe(true)
    expect(honest!.delta_passes).toBe(1)

    // The receiver reads R through a volume with every byte flipped while it is in its first pass (before
    // it sends its second signature): its R differs from the sender's in the first pass only.
    let wrongReads = 0
    const skewed: AnyStrategy = {
      ...rsyncContext,
      name: 'rsync-context-skewed-R',
      receiver: async (ctx, o) => {
        let signatures = 0
        const reference: ReadonlyVolume = {
          size: ctx.replica.size,
          read: (off, len) => (signatures === 1 ? (wrongReads++, ctx.replica.read(off, len).map((x) => x ^ 1)) : ctx.replica.read(off, len)),
        }
        const half = await contextReceiver(ctx, o, reference)
        return {
          get done() {
            return half.done
          },
          async step(inbox) {
            const out = await half.step(inbox)
            signatures += out.filter((f) => f.bytes[0] === TAG_SIG_HEADER).length
            return out
          },
        }
      },
    }
    const [caught] = await run(skewed)
    expect(wrongReads).toBeGreaterThan(0)
    expect(caught!.error).toBeNull()
    expect(caught!.correct).toBe(true)
    expect(caught!.delta_passes).toBe(2)
    expect(caught!.bytes_signature).toBeGreaterThan(honest!.bytes_signature) // the full-length signature went up again

    // A context wrong in every pass is never committed: the sync fails and says why.
    const always: AnyStrategy = { ...rsyncContext, name: 'rsync-context-wrong-R', receiver: (ctx, o) => contextReceiver(ctx, o, { size: ctx.replica.size, read: (off, len) => ctx.replica.read(off, len).map((x) => x ^ 1) }) }
    const [failed] = await run(always)
    expect(failed!.correct).toBe(false)
    expect(failed!.error).toMatch(/digest disagrees/)
  })
})

describe('rsync-context options', () => {
  it('refuses an unknown codec and levels out of range, before anything runs', () => {
    const refuse = (key: string, value: string) => {
      expect(() => resolveRun({ strategies: ['rsync-context'], overrides: { 'rsync-context': { [key]: value } } })).toThrow(ConfigError)
    }
    refuse('codec', 'gzip')
    refuse('zstdLevel', '20')
    refuse('zstdLevel', '0')
    refuse('xdelta3Level', '10')
    expect(() => resolveRun({ strategies: ['rsync-context'], overrides: { 'rsync-context': { codec: 'gzip' } } })).toThrow(/rsync-context\.codec.*zstd.*xdelta3/)
  })
})
