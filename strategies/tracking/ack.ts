import type { ReadonlyVolume, Volume } from '../../core/volume.ts'
import type { Frame } from '../../core/strategy.ts'
import { unknownFrame } from '../shared/block-stream.ts'
import type { VerifyReceiver, VerifySender } from './self-verify.ts'
import { FrameReader, FrameWriter } from '../../core/wire.ts'

/**
 * The acknowledgement tracking strategies end a sync with: the receiver names what it committed (a sync
 * token, a journal LSN), and the sender clears its tracking state only for exactly that.
 */
const TAG_ACK = 0x41 // 'A'

function ackFrame(value: number): Frame {
  return { bytes: new FrameWriter(8).u8(TAG_ACK).varint(value).finish(), kind: 'control' }
}

/** Reads an acknowledgement and checks it is for `expected`; `what` names it in the error. */
function readAck(who: string, frame: Uint8Array, expected: number, what: string): number {
  const r = new FrameReader(who, frame)
  if (r.u8() !== TAG_ACK) throw unknownFrame(who, frame)
  const acked = r.varint()
  r.end()
  if (acked !== expected) r.fail(`acknowledgement for ${what} ${acked}, expected ${expected}`)
  return acked
}

/**
 * A tracking sender's steps after its push: self-verify repair requests are answered from the source,
 * and the acknowledgement, when it comes, is checked for `expected` and `onAck` clears the tracking
 * state for exactly what was sent. Returns the repair frames to send.
 */
export function answerUntilAck(who: string, inbox: readonly Uint8Array[], verify: VerifySender | undefined, source: ReadonlyVolume, expected: number, what: string, onAck: (acked: number) => void): Frame[] {
  const out: Frame[] = []
  for (const f of inbox) {
    const repair = verify?.accept(f, source)
    if (repair) out.push(...repair)
    else onAck(readAck(who, f, expected, what))
  }
  return out
}

/**
 * A tracking receiver's answer once it has applied the push: with self-verify, the digest check first
 * (nothing while it waits for frames, a repair request on a mismatch); then `commit` records what the
 * replica now holds and the acknowledgement of `value` goes out.
 */
export function verifiedAck(verify: VerifyReceiver | undefined, staged: Volume, value: number, commit: () => void): Frame[] {
  const verdict = verify ? verify.check(staged) : 'ok'
  if (verdict === 'wait') return []
  if (verdict !== 'ok') return verdict
  commit()
  return [ackFrame(value)]
}
