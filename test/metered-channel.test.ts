import { describe, expect, it } from 'vitest'
import { runnableStrategies } from './helpers.ts'
import { SyncSession } from '../harness/sync-session.ts'
import type { HalfWrapper } from '../harness/run-sync.ts'
import { MemoryVolume } from '../core/volume.ts'
import { MeteredChannel } from '../harness/metered-channel.ts'
import type { Frame } from '../core/strategy.ts'
import { varintLength } from '../core/varint.ts'
import { Rng } from '../core/seeded-random.ts'
import { defaultOptions } from '../core/options.ts'

/** Wraps the halves so every frame either returns is recorded before the channel sees it. */
function spy(log: { down: Frame[]; up: Frame[] }): HalfWrapper {
  return (h, side) => ({
    get done() {
      return h.done
    },
    async step(inbox) {
      const out = await h.step(inbox)
      ;(side === 'sender' ? log.down : log.up).push(...out)
      return out
    },
  })
}

describe('metered channel', () => {
  it.each(runnableStrategies('metered channel').map((s) => [s.name, s] as const))('%s: counted bytes equal the bytes of the frames that crossed, plus one varint prefix each', async (_n, strategy) => {
    const rng = new Rng('meter')
    const base = rng.bytes(300_000)
    const next = base.slice()
    next.set(rng.bytes(5000), 70_000)
    const source = new MemoryVolume(base)
    const replica = new MemoryVolume(base)
    const log = { down: [] as Frame[], up: [] as Frame[] }
    const session = new SyncSession({ strategy, options: { ...defaultOptions(strategy), blockSize: 4096 }, source, replica })
    session.apply([{ kind: 'overwrite', at: 70_000, bytes: next.subarray(70_000, 75_000) }])
    const out = await session.sync(spy(log))
    expect(out.error).toBeUndefined()
    const sum = (fs: Frame[]) => fs.reduce((a, f) => a + f.bytes.length + varintLength(f.bytes.length), 0)
    expect(out.counters.bytes.down).toBe(sum(log.down))
    expect(out.counters.bytes.up).toBe(sum(log.up))
    expect(out.counters.frames.down).toBe(log.down.length)
    expect(out.counters.frames.up).toBe(log.up.length)
    const kinds = Object.values(out.counters.byKind).reduce((a, b) => a + b, 0)
    expect(kinds + out.counters.framing).toBe(out.counters.bytes.down + out.counters.bytes.up)
    expect(Buffer.compare(replica.read(0, replica.size), next)).toBe(0)
  })

  it('copies frames so the halves share no memory', async () => {
    const ch = new MeteredChannel('t')
    const bytes = new Uint8Array([1, 2, 3])
    const [copy] = (await ch.transmit('down', [{ bytes, kind: 'control' }])).frames
    bytes[0] = 9
    expect(copy![0]).toBe(1)
  })

  it('counts a flight per change of direction and rejects a split that does not add up', async () => {
    const ch = new MeteredChannel('t')
    await ch.transmit('up', [{ bytes: new Uint8Array(4), kind: 'signature' }])
    await ch.transmit('up', [{ bytes: new Uint8Array(4), kind: 'signature' }])
    await ch.transmit('down', [{ bytes: new Uint8Array(10), kind: 'literal', split: { literal: 8, control: 2 } }])
    expect(ch.counters.flights).toBe(2)
    expect(ch.counters.byKind.literal).toBe(8)
    await expect(ch.transmit('down', [{ bytes: new Uint8Array(10), kind: 'literal', split: { literal: 3 } }])).rejects.toThrow(/adds up to 3/)
  })
})
