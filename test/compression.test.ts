import { describe, expect, it } from 'vitest'
import { FrameCodec, parseCompression, sampleEntropy } from '../harness/channel-codec.ts'
import { MeteredChannel } from '../harness/metered-channel.ts'
import { PROFILES } from '../core/network-profile.ts'
import { makeContent } from '../workloads/content.ts'
import { Rng } from '../core/seeded-random.ts'
import { varintLength } from '../core/varint.ts'
import { quickRun } from './helpers.ts'
import { runCell } from '../harness/run-cell.ts'
import { channelFor } from '../harness/channel-setup.ts'
import { findStrategy, findWorkload, resolveRun } from '../harness/config.ts'
import { prepareWorkload } from '../harness/prepare-workload.ts'
import { defaultOptions } from '../core/options.ts'

const text = makeContent(new Rng('z'), 'text', 200_000)
const random = makeContent(new Rng('z'), 'random', 200_000)

describe('compression on the channel', () => {
  it.each(['gzip:1', 'gzip:9', 'brotli:4', 'zstd:3', 'zstd:19', 'adaptive'])('%s round-trips frames and counts the compressed bytes', async (name) => {
    const ch = new MeteredChannel('t', new FrameCodec(parseCompression(name), PROFILES.wan!))
    const frames = [text, random, new Uint8Array(0), new Uint8Array([1, 2, 3])]
    const d = await ch.transmit('down', frames.map((bytes) => ({ bytes, kind: 'literal' as const })))
    expect(d.frames.map((f) => Buffer.from(f).toString('hex'))).toEqual(frames.map((f) => Buffer.from(f).toString('hex')))
    const plain = frames.reduce((s, f) => s + f.length + varintLength(f.length), 0)
    expect(ch.counters.uncompressed).toBe(plain)
    // Text compresses, random is sent stored (one codec byte more than plain), so the total is smaller.
    expect(ch.counters.bytes.down).toBeLessThan(plain - 50_000)
    expect(ch.counters.bytes.down).toBeGreaterThan(random.length)
    expect(d.encodeCpuMs).toBeGreaterThan(0)
  })

  it('levels make a difference (the zstd package wrapper once ignored them)', async () => {
    for (const [lo, hi] of [['zstd:1', 'zstd:19'], ['gzip:1', 'gzip:9'], ['brotli:0', 'brotli:11']]) {
      const a = await new FrameCodec(parseCompression(lo!), PROFILES.wan!).encode(text, 'down')
      const b = await new FrameCodec(parseCompression(hi!), PROFILES.wan!).encode(text, 'down')
      expect(b.length, `${hi} vs ${lo}`).toBeLessThan(a.length * 0.95)
    }
  })

  it('adaptive skips what will not compress, by a sampled entropy', () => {
    expect(sampleEntropy(random)).toBeGreaterThan(7.5)
    expect(sampleEntropy(text)).toBeLessThan(5)
  })

  it('rejects a corrupt compressed frame with a typed error', async () => {
    const codec = new FrameCodec(parseCompression('gzip:6'), PROFILES.wan!)
    const wire = await codec.encode(text, 'down')
    await expect(codec.decode(wire.subarray(0, 100), 1 << 30)).rejects.toThrow(/channel: malformed frame: frame does not decompress/)
    await expect(codec.decode(wire, 1000)).rejects.toThrow(/does not decompress/)
    expect(() => parseCompression('lz4')).toThrow(/choose none, adaptive, or gzip\|brotli\|zstd/)
    expect(() => parseCompression('gzip:12')).toThrow(/gzip levels run from 1 to 9/)
  })

  it('in a real sync: fewer bytes on text, the same replica, CPU charged to both sides, ratio in the row', async () => {
    const plain = await quickRun({ strategy: 'whole-file', workload: 'append', blockSize: 65536, size: 1 << 20, content: 'text', epochs: 1 })
    const config = resolveRun({ strategies: ['whole-file'], workloads: ['append'], compression: 'zstd:3' })
    const w = findWorkload('append')
    const prepared = prepareWorkload(w, defaultOptions(w), { size: 1 << 20, epochs: 1, seed: '1', content: 'text' })
    const [row] = await runCell({ runId: 't', strategy: findStrategy('whole-file'), options: { blockSize: 65536 }, prepared, channel: channelFor(config) })
    expect(row!.correct).toBe(true)
    expect(row!.compression).toBe('zstd:3')
    expect(row!.bytes_total).toBeLessThan(plain[0]!.bytes_total / 2)
    expect(row!.bytes_uncompressed).toBe(plain[0]!.bytes_total)
    expect(row!.compression_ratio).toBeCloseTo(row!.bytes_uncompressed / row!.bytes_total, 9)
    expect(row!.receiver_cpu_ms).toBeGreaterThan(0)
  })
})
