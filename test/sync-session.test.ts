/** SyncSession sets up and runs syncs end to end; syncRow turns one into a row, a column group at a time. */
import { describe, expect, it } from 'vitest'
import { SyncSession } from '../harness/sync-session.ts'
import type { HalfWrapper } from '../harness/run-sync.ts'
import { OPTIONAL_GROUPS, syncRow, type EpochFacts } from '../harness/sync-row.ts'
import { DEFAULT_CHANNEL } from '../harness/channel-setup.ts'
import { FaultInjector } from '../harness/faults.ts'
import { findStrategy } from '../harness/config.ts'
import { COLUMN_NAMES } from '../core/result-row.ts'
import { firstDifference, MemoryVolume } from '../core/volume.ts'
import { Rng } from '../core/seeded-random.ts'
import type { Mutation } from '../workloads/workload.ts'
import { preparedFrom } from './helpers.ts'
import { defaultOptions } from '../core/options.ts'

const BS = 4096
const rng = new Rng('sync-session')
const base = rng.bytes(96 << 10)
const epochs: Mutation[][] = [
  [{ kind: 'overwrite', at: 10_000, bytes: rng.bytes(5000) }, { kind: 'insert', at: 50_000, bytes: rng.bytes(300) }],
  [{ kind: 'delete', at: 20_000, length: 700 }, { kind: 'overwrite', at: 90_000, bytes: rng.bytes(9000) }],
]

function session(name: string, extra: Record<string, unknown> = {}, faults?: FaultInjector) {
  const strategy = findStrategy(name)
  const source = new MemoryVolume(base)
  const replica = new MemoryVolume(base)
  const options = { ...defaultOptions(strategy), blockSize: BS, ...extra }
  return { strategy, options, source, replica, session: new SyncSession({ strategy, options, source, replica, faults }) }
}

/** Replaces the first frame the receiver gets with its first byte: a frame cut short in transit. */
const truncateFirstDown: HalfWrapper = (half, side) => {
  let seen = 0
  return {
    get done() {
      return half.done
    },
    step(inbox) {
      return half.step(side === 'receiver' ? inbox.map((f) => (seen++ === 0 ? f.subarray(0, 1) : f)) : inbox)
    },
  }
}

describe('SyncSession', () => {
  it('keeps a tracking strategy in sync epoch after epoch and measures its tracker', async () => {
    const s = session('changed-block-bitmap')
    for (const epoch of epochs) {
      s.session.apply(epoch)
      const sync = await s.session.sync()
      expect(sync.error).toBeUndefined()
      expect(firstDifference(s.replica, s.source)).toBe(-1)
      expect(sync.tracker).not.toBeNull()
      expect(sync.tracker!.writes).toBeGreaterThan(0)
      expect(sync.sourceWriteBytes).toBeGreaterThan(0)
    }
  })

  it('runs a strategy without a tracker: no tracker facts, the writes still counted', async () => {
    const s = session('fixed-block-compare')
    expect(s.session.tracker).toBeUndefined()
    s.session.apply(epochs[0]!)
    const sync = await s.session.sync()
    expect(sync.error).toBeUndefined()
    expect(firstDifference(s.replica, s.source)).toBe(-1)
    expect(sync.tracker).toBeNull()
    // 5000 bytes overwritten, then an insert that rewrites the 46 KiB tail behind it.
    expect(sync.sourceWriteBytes).toBeGreaterThan(5000 + 300)
    expect(sync.replicaBytesBefore).toBe(base.length)
  })

  it('a wrapper that tampers a frame gets a typed error and an untouched replica; the next sync repairs it', async () => {
    const s = session('fixed-block-compare')
    s.session.apply(epochs[0]!)
    const bad = await s.session.sync(truncateFirstDown)
    expect(bad.errorCode).toBe('WIRE_FORMAT')
    expect(bad.error).toMatch(/^fixed-block-compare: malformed frame/)
    expect(bad.committed).toBe(false)
    expect(Buffer.compare(s.replica.snapshot(), base)).toBe(0)
    const good = await s.session.sync()
    expect(good.error).toBeUndefined()
    expect(firstDifference(s.replica, s.source)).toBe(-1)
  })

  it('runs the fault layer: a tracker reset between writes, a crash after apply', async () => {
    const reset = session('journal-replay', {}, new FaultInjector({ kind: 'tracker-reset', rate: 1 }, 'session', findStrategy('journal-replay'), BS))
    const first = reset.session.tracker
    reset.session.apply(epochs[0]!)
    expect(reset.session.tracker).not.toBe(first)
    const crash = session('journal-replay', {}, new FaultInjector({ kind: 'crash-after-apply', rate: 1 }, 'session', findStrategy('journal-replay'), BS))
    crash.session.apply(epochs[0]!)
    const sync = await crash.session.sync()
    expect(sync.crashed).toBe(true)
    expect(firstDifference(crash.replica, crash.source)).toBe(-1)
  })
})

describe('syncRow', () => {
  async function facts(name: string, over: Partial<EpochFacts> = {}): Promise<EpochFacts> {
    const s = session(name)
    s.session.apply(epochs[0]!)
    const sync = await s.session.sync()
    const prepared = preparedFrom(base, epochs)
    return { runId: 't', strategy: s.strategy, options: s.options, prepared, repeat: 1, channel: DEFAULT_CHANNEL, epoch: 1, sync, volumeBytes: s.source.size, firstDiff: firstDifference(s.replica, s.source), fault: null, syncState: 'cold', ...over }
  }
  /** For each optional group, whether all its columns are null (true), all set (false), or mixed. */
  const groupsNull = (row: Record<string, unknown>) =>
    Object.fromEntries(Object.entries(OPTIONAL_GROUPS).map(([g, cols]) => {
      const nulls = cols.filter((c) => row[c] === null).length
      return [g, nulls === cols.length ? true : nulls === 0 ? false : 'mixed']
    }))

  it('leaves every optional group null when none applies, and lists the columns in their order', async () => {
    const row = syncRow(await facts('fixed-block-compare'))
    expect(groupsNull(row)).toEqual({ tracker: true, fault: true, selfVerify: true, oracle: true, localFloor: true })
    expect(row.efficiency).toBeNull()
    expect(Object.keys(row)).toEqual(COLUMN_NAMES)
    expect(row.correct).toBe(true)
    expect(row.mutations).toBe(2)
  })

  it('fills each group exactly when it applies: a tracker, a fault, self-verification, an oracle bound', async () => {
    const f = await facts('changed-block-bitmap')
    const prepared = { ...f.prepared, oracle: [{ bytes: 5400, newBytes: 5300, extents: 2 }, null], localFloor: [{ bytes: 900, tool: 'xdelta3 -9' }, null] }
    const row = syncRow({ ...f, prepared, options: { ...f.options, selfVerify: true }, fault: { spec: { kind: 'dropped-bits', rate: 0.01 }, injected: 0 } })
    expect(groupsNull(row)).toEqual({ tracker: false, fault: false, selfVerify: false, oracle: false, localFloor: false })
    expect(row.efficiency).toBe(row.bytes_total / 5400)
    expect(row.vs_local).toBe(row.bytes_total / 900)
    expect(groupsNull(syncRow(f))).toEqual({ tracker: false, fault: true, selfVerify: true, oracle: true, localFloor: true })
  })

  it('says why a row is under a yardstick, and only then', async () => {
    const f = await facts('fixed-block-compare')
    const total = syncRow(f).bytes_total
    const at = (oracle: number, local: number) => syncRow({ ...f, prepared: { ...f.prepared, oracle: [{ bytes: oracle, newBytes: oracle, extents: 1 }], localFloor: [{ bytes: local, tool: 'xdelta3 -9' }] } }).under_floor
    expect(at(total, total)).toBeNull()
    expect(at(total + 1, total)).toMatch(/^under oracle_bytes: .*compressed them .*or matched written bytes/)
    expect(at(total, total + 1)).toMatch(/^under local_floor_bytes: /)
    expect(at(total + 1, total + 1)).toContain('; under local_floor_bytes')
  })

  it('fills the self-verify group from the strategy contract, not from an option name', async () => {
    const f = await facts('snapshot-diff')
    expect(groupsNull(syncRow({ ...f, options: { ...f.options, selfVerify: true } })).selfVerify).toBe(false)
    expect(groupsNull(syncRow({ ...f, options: { ...f.options, selfVerify: false } })).selfVerify).toBe(true)
    // fixed-block-compare has no selfVerifies: an option of that name means nothing to the harness.
    const g = await facts('fixed-block-compare')
    expect(groupsNull(syncRow({ ...g, options: { ...g.options, selfVerify: true } })).selfVerify).toBe(true)
  })
})
