/**
 * casync and zsync as peers: the real tools, their HTTP fetches relayed through the metered channel.
 * - casync: with the strategy's own `casync make` parameters our casync chunker cuts where casync does,
 *   and the chunks casync's client fetches are exactly those our chunking of the seed predicts missing.
 * - zsync: its bytes agree with rdiff's at the same block size on random overwrites.
 * - the HTTP file server answers single and multiple ranges as RFC 9110 says.
 * Each tool's tests skip, naming the apt-get line, when the tool is missing (.ci/run installs both).
 */
import { createHash } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { liveResources } from '../core/cleanup.ts'
import { ConfigError, WireFormatError } from '../core/errors.ts'
import { defaultOptions } from '../core/options.ts'
import { Rng } from '../core/seeded-random.ts'
import { MemoryVolume } from '../core/volume.ts'
import { runSync } from '../harness/run-sync.ts'
import { StagedStateStore } from '../harness/state-store.ts'
import { readCaibx } from '../strategies/cdc/caibx.ts'
import { CasyncChunker } from '../strategies/cdc/casync-chunker.ts'
import { chunkAll } from '../strategies/cdc/chunker.ts'
import { casync, chunkSizes, type CasyncOptions } from '../strategies/tools/casync.ts'
import { missingTools, runTool } from '../strategies/tools/child-tool.ts'
import { parseRanges, type HttpFileServer } from '../strategies/tools/http-file-server.ts'
import { ServerRelay, TAG_CLOSE, TAG_DATA, TAG_DONE } from '../strategies/tools/http-relay.ts'
import { zsync, zsyncBlockSize } from '../strategies/tools/zsync.ts'
import { quickRun } from './helpers.ts'

const casyncMissing = casync.unavailable!()
const zsyncMissing = zsync.unavailable!()
const rdiffMissing = missingTools('rdiff', [{ cmd: 'rdiff', apt: 'rdiff' }])
const dir = mkdtempSync(join(tmpdir(), 'deltabench-peers-test-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

/** A seed and a new version: the seed with a few overwrites, an insert and a delete (seeded). */
function versions(size: number, seed: string): { old: Uint8Array; next: Uint8Array } {
  const rng = new Rng(seed)
  const old = rng.bytes(size)
  const parts: Uint8Array[] = []
  let at = 0
  for (let i = 0; i < 6; i++) {
    const cut = at + Math.floor(size / 8) + rng.int(4096)
    parts.push(old.subarray(at, cut))
    parts.push(i % 2 === 0 ? rng.bytes(1 + rng.int(3000)) : new Uint8Array(0)) // an insert
    at = cut + (i % 3 === 1 ? 500 : 0) // and now and then a delete
  }
  parts.push(old.subarray(at))
  return { old, next: Buffer.concat(parts) }
}

/** One sync of `strategy` from `next` onto a replica holding `old`, through the real harness path. */
async function syncOnce(strategy: typeof casync | typeof zsync, options: Record<string, unknown>, old: Uint8Array, next: Uint8Array) {
  const replica = new MemoryVolume(old)
  const out = await runSync({
    strategy,
    options: { ...defaultOptions(strategy), ...options } as never,
    source: new MemoryVolume(next),
    replica,
    tracker: undefined,
    senderState: new StagedStateStore(),
    receiverState: new StagedStateStore(),
    syncIndex: 1,
  })
  return { out, replica }
}

describe.skipIf(casyncMissing)(`casync peer${casyncMissing ? ` (skipped: ${casyncMissing})` : ''}`, () => {
  it.each([2048, 8192])('at avg %i our chunker cuts where casync does, and casync fetches exactly the chunks our seed chunking predicts', async (avg) => {
    const { old, next } = versions(1 << 20, `casync-peer-${avg}`)
    const o = { ...defaultOptions(casync), blockSize: avg } as CasyncOptions
    const [min, , max] = chunkSizes(o)
    // casync's own index of the new version, made with the parameters the strategy passes.
    writeFileSync(join(dir, 'next'), next)
    await runTool('test', ['casync', 'make', `--chunk-size=${min}:${avg}:${max}`, `--store=${join(dir, `store${avg}`)}`, join(dir, `next${avg}.caibx`), join(dir, 'next')])
    const index = readCaibx(readFileSync(join(dir, `next${avg}.caibx`)))
    const ours = chunkAll(new CasyncChunker('test', { min, avg, max }), next)
    let end = 0
    expect(ours.lengths.map((n) => (end += n))).toEqual(index.ends)
    // What the seed holds: our chunking of the old version, by casync's digest (sha512-256).
    const seedDigests = new Set<string>()
    let at = 0
    for (const n of chunkAll(new CasyncChunker('test', { min, avg, max }), old).lengths) {
      seedDigests.add(createHash('sha512-256').update(old.subarray(at, at + n)).digest('hex'))
      at += n
    }
    let matches = 0
    let missingBytes = 0
    const missing = new Set<string>()
    index.digests.forEach((d, i) => {
      if (seedDigests.has(d)) matches++
      else if (!missing.has(d)) {
        missing.add(d)
        missingBytes += index.ends[i]! - (i === 0 ? 0 : index.ends[i - 1]!)
      }
    })
    expect(missing.size).toBeGreaterThan(0) // the edits left chunks to fetch, so the count is a real test
    const { out, replica } = await syncOnce(casync, { blockSize: avg }, old, next)
    expect(out.error).toBeUndefined()
    expect(Buffer.from(replica.read(0, replica.size)).equals(next)).toBe(true)
    expect(out.telemetry.block_matches).toBe(matches)
    expect(out.telemetry.literal_data).toBe(missingBytes)
    // The bytes down hold at least the fetched chunks (compressed) and the index; random data does not compress.
    expect(out.counters.bytes.down).toBeGreaterThan(missingBytes + index.ends.length * 40)
    expect(liveResources().filter((r) => /casync|http|relay/.test(r))).toEqual([])
  })

  it("passes casync's avg/4 and avg·4, an avg under 1 KiB moved up to 1 KiB", () => {
    const sizes = (blockSize: number) => chunkSizes({ ...defaultOptions(casync), blockSize } as CasyncOptions)
    expect([sizes(4096), sizes(7)]).toEqual([[1024, 4096, 16384], [256, 1024, 4096]])
  })

  it('refuses min > avg with a ConfigError before anything runs', () => {
    expect(() => chunkSizes({ ...defaultOptions(casync), blockSize: 4096, min: 8192 } as CasyncOptions)).toThrow(ConfigError)
  })
})

describe.skipIf(zsyncMissing)(`zsync peer${zsyncMissing ? ` (skipped: ${zsyncMissing})` : ''}`, () => {
  it('makes the replica byte-exact and leaves no server, socket, process or folder behind', async () => {
    const { old, next } = versions(1 << 20, 'zsync-peer')
    const { out, replica } = await syncOnce(zsync, { blockSize: 1024 }, old, next)
    expect(out.error).toBeUndefined()
    expect(Buffer.from(replica.read(0, replica.size)).equals(next)).toBe(true)
    expect(out.counters.bytes.up).toBeGreaterThan(0) // its HTTP requests went through the channel
    expect(liveResources().filter((r) => /zsync|http|relay/.test(r))).toEqual([])
  })

  it('counts the same bytes on every run of the same sync (frames do not follow how TCP split the stream)', async () => {
    const { old, next } = versions(1 << 20, 'zsync-repeat')
    const a = await syncOnce(zsync, { blockSize: 1024 }, old, next)
    const b = await syncOnce(zsync, { blockSize: 1024 }, old, next)
    expect([a.out.counters.bytes, a.out.counters.framing]).toEqual([b.out.counters.bytes, b.out.counters.framing])
  })

  it('uses the largest power of two at most the block size, within 256 B-1 MiB', () => {
    expect([1, 7, 256, 3000, 4096, 1 << 30].map((blockSize) => zsyncBlockSize({ blockSize }))).toEqual([256, 256, 256, 2048, 4096, 1 << 20])
  })

  it.skipIf(rdiffMissing)('on random overwrites zsync and rdiff (4-byte strong sums) send within 5% of each other at the same block size', async () => {
    const q = { workload: 'random-overwrite', blockSize: 2048, size: 4 << 20, epochs: 2, seed: '7' }
    const z = await quickRun({ ...q, strategy: 'zsync' })
    const r = await quickRun({ ...q, strategy: 'rdiff', strategyOptions: { strongBytes: 4 } })
    for (let e = 0; e < 2; e++) {
      expect([z[e]!.correct, r[e]!.correct, z[e]!.error, r[e]!.error]).toEqual([true, true, null, null])
      const ratio = z[e]!.bytes_total / r[e]!.bytes_total
      console.log(`zsync/rdiff epoch ${e + 1}: ${z[e]!.bytes_total} / ${r[e]!.bytes_total} = ${ratio.toFixed(4)}`)
      expect(Math.abs(ratio - 1)).toBeLessThan(0.05)
    }
  })
})

describe.each([
  ['casync', casync, casyncMissing, 1024],
  ['zsync', zsync, zsyncMissing, 1024],
] as const)('%s: empty volumes', (_name, strategy, missing, blockSize) => {
  it.skipIf(missing)('syncs from empty to 5,000 bytes and back to empty, byte-exact', async () => {
    const data = new Rng('empty-peer').bytes(5000)
    for (const [old, next] of [[new Uint8Array(0), data], [data, new Uint8Array(0)]] as const) {
      const { out, replica } = await syncOnce(strategy, { blockSize }, old, next)
      expect(out.error).toBeUndefined()
      expect(Buffer.from(replica.read(0, replica.size)).equals(next)).toBe(true)
    }
  })
})

describe('HTTP relay frames', () => {
  const relay = new ServerRelay('test', { port: 1 } as HttpFileServer, 'literal')
  it('refuses data for a connection never opened, a truncated id and trailing bytes with a WireFormatError', () => {
    expect(() => relay.deliver(Uint8Array.of(TAG_DATA, 5, 1, 2))).toThrow(WireFormatError)
    expect(() => relay.deliver(Uint8Array.of(TAG_CLOSE, 0x80))).toThrow(WireFormatError)
    expect(() => relay.deliver(Uint8Array.of(TAG_DONE, 0))).toThrow(WireFormatError)
  })
  it('leaves a frame that is not the relay\'s to its half (which refuses it)', () => {
    expect(relay.deliver(Uint8Array.of(0x21))).toBe(false)
  })
})

describe('HTTP file server ranges', () => {
  it('parses a-b, a-, -n and lists; clamps to the file; refuses what cannot be satisfied', () => {
    expect(parseRanges('bytes=0-9', 100)).toEqual([[0, 9]])
    expect(parseRanges('bytes=90-', 100)).toEqual([[90, 99]])
    expect(parseRanges('bytes=-10', 100)).toEqual([[90, 99]])
    expect(parseRanges('bytes=0-1, 50-200', 100)).toEqual([[0, 1], [50, 99]])
    expect(parseRanges('bytes=100-200', 100)).toBeNull()
    expect(parseRanges('items=0-1', 100)).toBeNull()
    expect(parseRanges('bytes=x-1', 100)).toBeNull()
  })
})
