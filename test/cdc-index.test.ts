/**
 * The CDC strategies beyond the conformance suite: byte-exact on the shifting and scattered workloads at
 * two average sizes (and with every chunker and codec), the CDC property (an insert near the start costs a
 * chunk or two where fixed blocks resend everything after it), a forced truncated-hash collision caught by
 * the whole-volume digest and repaired, the receiver's chunk cache reused and invalidated by content, and
 * bad options refused.
 */
import { describe, expect, it } from 'vitest'
import { ConfigError } from '../core/errors.ts'
import { defaultOptions } from '../core/options.ts'
import { Rng } from '../core/seeded-random.ts'
import type { AnyStrategy, StateStore } from '../core/strategy.ts'
import { MemoryVolume } from '../core/volume.ts'
import { resolveRun } from '../harness/config.ts'
import { runCell } from '../harness/run-cell.ts'
import { cdcIndex } from '../strategies/cdc/cdc-index.ts'
import { cdcReverse } from '../strategies/cdc/cdc-reverse.ts'
import { cdcParams, hashBytesFor, type CdcOptions } from '../strategies/cdc/cdc-options.ts'
import { replicaChunks, saveReplicaChunks } from '../strategies/cdc/replica-chunks.ts'
import { chunkVolume } from '../strategies/cdc/volume-chunks.ts'
import { decodeRequest, encodeRequest } from '../strategies/cdc/chunk-request.ts'
import { createStrongHasher } from '../strategies/shared/strong-hash.ts'
import { preparedFrom, quickRun } from './helpers.ts'

const BOTH: AnyStrategy[] = [cdcIndex, cdcReverse]
const opts = (o: Partial<CdcOptions> = {}): CdcOptions => ({ ...defaultOptions(cdcIndex), ...o })

function randomBytes(seed: string, n: number): Uint8Array {
  const rng = new Rng(seed)
  const out = new Uint8Array(n)
  for (let i = 0; i < n; i++) out[i] = rng.int(256)
  return out
}

class MapState implements StateStore {
  readonly m = new Map<string, Uint8Array>()
  get = (k: string) => this.m.get(k)
  set = (k: string, v: Uint8Array) => void this.m.set(k, v)
  delete = (k: string) => void this.m.delete(k)
  keys = () => [...this.m.keys()]
}

describe.each(BOTH.map((s) => [s.name, s] as const))('%s', (_name, strategy) => {
  it('is byte-exact on insert-delete and random-overwrite at two average sizes, with each codec', async () => {
    for (const workload of ['insert-delete', 'random-overwrite']) {
      for (const blockSize of [1024, 8192]) {
        for (const compression of ['none', 'zstd:3', 'gzip:6']) {
          const rows = await quickRun({ strategy, workload, blockSize, size: 1 << 20, epochs: 2, strategyOptions: { compression } })
          for (const r of rows) {
            const where = `${workload} avg=${blockSize} ${compression} epoch ${r.epoch}`
            expect(r.error, where).toBeNull()
            expect(r.correct, where).toBe(true)
            expect(r.delta_passes, where).toBe(1)
            expect(r.dedup_ratio, where).toBe(r.matched_data! / r.volume_bytes)
            expect(r.chunk_min! <= r.chunk_median! && r.chunk_median! <= r.chunk_max! && r.chunk_max! <= blockSize * 4, where).toBe(true)
          }
        }
      }
    }
  })

  it('is byte-exact with every chunker', async () => {
    for (const chunker of ['v2016', 'ronomon', 'casync']) {
      const rows = await quickRun({ strategy, workload: 'insert-delete', blockSize: 2048, size: 300_007, epochs: 2, strategyOptions: { chunker } })
      for (const r of rows) expect(r.correct && r.error === null, `${chunker} epoch ${r.epoch}: ${r.error}`).toBe(true)
    }
  })

  it('sends a chunk or two for an insert near the start, where fixed blocks resend the shifted tail', async () => {
    const base = randomBytes('cdc-insert', 1 << 20)
    const prepared = () => preparedFrom(base, [[{ kind: 'insert', at: 1000, bytes: randomBytes('ins', 100) }]])
    const [mine] = await runCell({ runId: 't', strategy, options: { ...opts(), blockSize: 4096 }, prepared: prepared() })
    const [fixed] = await runCell({ runId: 't', strategy: 'fixed-block-compare' as never, options: { blockSize: 4096, strongBytes: 16 }, prepared: prepared() }).catch(() => [undefined])
    expect(mine!.correct).toBe(true)
    // The chunk holding the insert and at most the one after it differ; every later cut is where it was.
    expect(mine!.literal_data!).toBeLessThanOrEqual(2 * mine!.chunk_max!)
    expect(mine!.dedup_ratio!).toBeGreaterThan(0.97)
    if (fixed) expect(fixed.bytes_literal).toBeGreaterThan(0.9 * (1 << 20))
  })

  it('catches a forced truncated-hash collision with the digest and repairs it with full hashes', async () => {
    // Fixed-size chunks (casync's min = avg = max) and one hash byte: equal lengths, so many false matches.
    const rows = await quickRun({ strategy, workload: 'random-overwrite', blockSize: 4096, size: 1 << 20, epochs: 2, strategyOptions: { chunker: 'casync', min: 4096, max: 4096, hashBytes: 1 } })
    for (const r of rows) {
      expect(r.error, `epoch ${r.epoch}`).toBeNull()
      expect(r.correct, `epoch ${r.epoch}`).toBe(true)
      expect(r.delta_passes, `epoch ${r.epoch}`).toBe(2)
    }
  })

  it('reuses the replica\'s cached chunks on the next sync, and keeps none without the cache', async () => {
    const q = { strategy, workload: 'random-overwrite', blockSize: 4096, size: 1 << 20, epochs: 2 }
    for (const r of await quickRun(q)) {
      expect(r.sums_cached!, `epoch ${r.epoch}`).toBeGreaterThan(100)
      expect(r.receiver_state_bytes).toBeGreaterThan(0)
    }
    for (const r of await quickRun({ ...q, strategyOptions: { cache: false } })) {
      expect(r.sums_cached).toBe(0)
      expect(r.receiver_state_bytes).toBe(0)
      expect(r.correct).toBe(true)
    }
  })

  it('refuses bad options with a ConfigError naming the fix', async () => {
    const bad: Partial<CdcOptions>[] = [{ min: 8192 }, { max: 2048 }, { chunker: 'casync', normalization: 2 }, { chunker: 'ronomon', normalization: 0 }]
    for (const o of bad) {
      const options = { ...opts({ blockSize: 4096 }), ...o }
      expect(() => cdcParams(strategy.name, options), JSON.stringify(o)).toThrow(ConfigError)
      await expect(strategy.sender({} as never, options), JSON.stringify(o)).rejects.toThrow(ConfigError)
    }
    for (const compression of ['zstd:0', 'zstd:23', 'gzip:10', 'lz4:1', 'zstd']) {
      expect(() => resolveRun({ strategies: [strategy.name], overrides: { [strategy.name]: { compression } } }), compression).toThrow(ConfigError)
    }
    // Rules tied to the block size are checked before the run, at every block size of the plan.
    expect(() => resolveRun({ strategies: [strategy.name], blockSizes: [65536, 4096], overrides: { [strategy.name]: { min: 8192 } } })).toThrow(/min ≤ avg ≤ max/)
    expect(() => resolveRun({ strategies: [strategy.name], blockSizes: [65536], overrides: { [strategy.name]: { min: 8192 } } })).not.toThrow()
  })
})

describe('cdc shared parts', () => {
  it('keeps a cache only while it describes the replica: another volume of the same size is chunked afresh', async () => {
    const hasher = await createStrongHasher('xxh128')
    const p = cdcParams('t', opts({ blockSize: 2048 }))
    const a = new MemoryVolume(randomBytes('a', 200_000))
    const b = new MemoryVolume(randomBytes('b', 200_000))
    const state = new MapState()
    const chunksA = chunkVolume(a, p.make(), p.max, hasher)
    const d = await (await import('../strategies/shared/stream-digest.ts')).createStreamDigest('xxh128')
    d.update(a.read(0, a.size))
    saveReplicaChunks(state, p, true, d.digest(), chunksA)
    const onA = await replicaChunks(a, p, hasher, state, true)
    expect(onA.fromCache).toBe(chunksA.count)
    const onB = await replicaChunks(b, p, hasher, state, true)
    expect(onB.fromCache).toBe(0)
    expect(onB.chunks.hashes).toEqual(chunkVolume(b, p.make(), p.max, hasher).hashes)
    // Another cut rule never reads this cache either.
    expect((await replicaChunks(a, cdcParams('t', opts({ blockSize: 4096 })), hasher, state, true)).fromCache).toBe(0)
  })

  it('codes a request as runs or a bitmap, whichever is smaller, and decodes both', () => {
    const rng = new Rng('req')
    for (const [count, density] of [[0, 0], [1000, 0.01], [1000, 0.5], [333, 1]] as const) {
      const need = Uint8Array.from({ length: count }, () => (rng.int(1000) < density * 1000 ? 1 : 0))
      const coded = encodeRequest(need, count)
      expect(coded.length).toBeLessThanOrEqual(1 + Math.ceil(count / 8) + 2)
      expect(decodeRequest('t', coded, count)).toEqual(need)
    }
  })

  it('keeps a false match among n·m chunk pairs under 2^-40 with auto hash bytes', () => {
    for (const [n, m] of [[1, 1], [4096, 4096], [1 << 20, 1 << 20]] as const) {
      const b = hashBytesFor(opts(), n, m)
      expect(Math.log2(n * m) - 8 * b).toBeLessThanOrEqual(-40)
      expect(b).toBeLessThanOrEqual(16)
    }
    expect(hashBytesFor(opts({ hashBytes: 3 }), 10, 10)).toBe(3)
  })
})
