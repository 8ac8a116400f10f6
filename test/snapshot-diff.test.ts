/** snapshot-diff: changed blocks only, moved and duplicated blocks as references, manifests kept and measured. */
import { describe, expect, it } from 'vitest'
import type { WireFormatError } from '../core/errors.ts'
import { runCell } from '../harness/run-cell.ts'
import { StagedStateStore } from '../harness/state-store.ts'
import { StagedVolume } from '../harness/staged-volume.ts'
import { MemoryVolume } from '../core/volume.ts'
import { snapshotDiff } from '../strategies/tracking/snapshot-diff.ts'
import { SyncTelemetry } from '../harness/telemetry.ts'
import { FrameWriter } from '../core/wire.ts'
import type { Half } from '../core/strategy.ts'
import type { Mutation } from '../workloads/workload.ts'
import { Rng } from '../core/seeded-random.ts'
import { preparedFrom, quickRun } from './helpers.ts'
import { defaultOptions } from '../core/options.ts'

const BS = 4096
const base = new Rng('snapshot-diff').bytes(32 * BS)
const block = (i: number) => base.slice(i * BS, (i + 1) * BS)

/** Runs snapshot-diff over hand-made epochs of mutations on `base`. */
async function run(epochs: Mutation[][], options: Record<string, unknown> = {}, cold = false) {
  const prepared = preparedFrom(base, epochs)
  return runCell({ runId: 't', strategy: snapshotDiff, options: { ...defaultOptions(snapshotDiff), blockSize: BS, ...options }, prepared, cold })
}

describe('snapshot-diff', () => {
  it('first sync (--cold): the receiver sends its manifest; later syncs diff against the kept one, which is measured', async () => {
    const rows = await run([[{ kind: 'overwrite', at: 5 * BS + 7, bytes: new Uint8Array([1, 2, 3]) }], [{ kind: 'overwrite', at: 9 * BS, bytes: new Uint8Array([4]) }]], {}, true)
    const [first, second] = rows
    expect(first!.correct && second!.correct).toBe(true)
    // 32 blocks × 16-byte xxh128 hashes, plus a few bytes of header.
    expect(first!.bytes_manifest).toBeGreaterThanOrEqual(32 * 16)
    expect(first!.bytes_manifest).toBeLessThan(32 * 16 + 16)
    expect(first!.round_trips).toBe(2)
    expect(second!.bytes_manifest).toBe(0)
    expect(second!.round_trips).toBe(1)
    expect(second!.bytes_literal).toBe(BS)
    expect(second!.sender_state_bytes).toBeGreaterThanOrEqual(32 * 16)
    expect(second!.sender_state_bytes).toBeLessThan(32 * 16 + 32)
    // The snapshot (hashing every block) is tracking time; nothing is held by the tracker itself.
    expect(first!.tracker_ms!).toBeGreaterThan(0)
    expect(first!.tracker_state_bytes).toBe(0)
  })

  it('steady state (the default): the priming sync sent the manifest, so the first measured sync only diffs', async () => {
    const [first] = await run([[{ kind: 'overwrite', at: 5 * BS + 7, bytes: new Uint8Array([1, 2, 3]) }]])
    expect(first!.sync_state).toBe('steady')
    expect(first!.correct).toBe(true)
    expect(first!.bytes_manifest).toBe(0)
    expect(first!.round_trips).toBe(1)
    expect(first!.bytes_literal).toBe(BS)
    expect(first!.sender_state_bytes).toBeGreaterThanOrEqual(32 * 16)
  })

  it('sends moved and duplicated blocks as references of a few bytes (and as data with dedup off)', async () => {
    // Swap blocks 2 and 7, copy block 10 over block 3: all content the receiver already holds.
    const epoch: Mutation[] = [
      { kind: 'overwrite', at: 2 * BS, bytes: block(7) },
      { kind: 'overwrite', at: 7 * BS, bytes: block(2) },
      { kind: 'overwrite', at: 3 * BS, bytes: block(10) },
    ]
    const warm: Mutation[] = [{ kind: 'overwrite', at: 0, bytes: new Uint8Array([9]) }]
    const rows = await run([warm, epoch])
    const r = rows[1]!
    expect(r.correct).toBe(true)
    expect(r.bytes_literal).toBe(0)
    // Three references of two bytes each; the rest is the push's header (two 16-byte manifest ids) and the ack.
    expect(r.bytes_copy).toBe(6)
    expect(r.bytes_total).toBeLessThan(64)
    const plain = (await run([warm, epoch], { dedup: false }))[1]!
    expect(plain.correct).toBe(true)
    expect(plain.bytes_literal).toBe(3 * BS)
    expect(plain.bytes_copy).toBe(0)
  })

  it('sends new content written twice in one sync once, the second copy as a reference', async () => {
    const fresh = new Rng('fresh').bytes(BS)
    const rows = await run([[{ kind: 'overwrite', at: 4 * BS, bytes: fresh }, { kind: 'overwrite', at: 20 * BS, bytes: fresh }]])
    expect(rows[0]!.correct).toBe(true)
    expect(rows[0]!.bytes_literal).toBe(BS)
    expect(rows[0]!.bytes_copy).toBeGreaterThan(0)
  })

  it('sends only changed blocks: never more data than the bitmap would on overwrites', async () => {
    const opts = { workload: 'random-overwrite', blockSize: 4096, size: 1 << 20, epochs: 3, content: 'random' as const }
    const [snap, cbt] = [await quickRun({ strategy: 'snapshot-diff', ...opts }), await quickRun({ strategy: 'changed-block-bitmap', ...opts })]
    for (let e = 1; e < 3; e++) {
      expect(snap[e]!.correct).toBe(true)
      expect(snap[e]!.bytes_literal).toBeLessThanOrEqual(cbt[e]!.bytes_literal)
    }
  })

  it('refuses a reference to a block the replica does not have, before anything is committed', async () => {
    const replica = new MemoryVolume(new Uint8Array(2 * BS))
    const state = new StagedStateStore()
    const id = new Uint8Array(16).fill(7)
    state.set('base', id)
    state.commit()
    const staged = new StagedVolume(replica)
    const half: Half = await snapshotDiff.receiver({ replica, staged, state, syncIndex: 1, telemetry: new SyncTelemetry('snapshot-diff').side('receiver') }, { ...defaultOptions(snapshotDiff), blockSize: BS })
    const header = new FrameWriter().u8(0x48).u8(1).bytes(id).varint(2 * BS).varint(BS).bytes(new Uint8Array(16)).varint(1).finish()
    // Block 0 as a copy of replica block 99 (op 1).
    const blocks = new FrameWriter().u8(0x42).varint(0 * 4 + 1).varint(99).finish()
    let err: unknown
    try {
      await half.step([header, blocks])
    } catch (e) {
      err = e
    }
    expect((err as WireFormatError).code).toBe('WIRE_FORMAT')
    expect((err as Error).message).toMatch(/snapshot-diff: malformed frame: reference to replica block 99/)
  })
})
