/**
 * An end-to-end digest for strategies that have none (`verify: digest`): the sender sends the sha256 of the
 * new version after its last frame; the receiver hashes its stage once the strategy is done with it and
 * fails the sync (WireFormatError, so the harness drops the stage and the replica stays as it was) when
 * they differ. Without it a tampered or corrupted payload can complete with a wrong replica that only the
 * harness's byte check catches. Each frame sender→receiver gains a one-byte tag (0: the strategy's own,
 * 1: the digest), so the digest frame can never be mistaken for one of the strategy's.
 */
import { createHash } from 'node:crypto'
import { WireFormatError } from '../../core/errors.ts'
import type { Frame, FrameKind, Half } from '../../core/strategy.ts'
import type { ReadonlyVolume } from '../../core/volume.ts'

/** The option each strategy declares, once, from here. */
export const VERIFY_OPTION = {
  type: 'enum',
  choices: ['none', 'digest'],
  default: 'none',
  description: 'end-to-end check: digest sends the sha256 of the new version (33 B) and the receiver refuses a stage that does not match it (a tampered transfer fails instead of completing with a wrong replica)',
} as const

const OWN = 0
const DIGEST = 1
const DIGEST_BYTES = 32
/** Bytes hashed per read: volumes may be file-backed and larger than the heap. */
const CHUNK = 1 << 20

function volumeDigest(v: ReadonlyVolume): Uint8Array {
  const h = createHash('sha256')
  for (let at = 0; at < v.size; at += CHUNK) h.update(v.read(at, Math.min(CHUNK, v.size - at)))
  return new Uint8Array(h.digest())
}

/** The strategy's frame with its tag byte in front, the byte counted as control. */
function tagged(f: Frame): Frame {
  const bytes = new Uint8Array(f.bytes.length + 1)
  bytes[0] = OWN
  bytes.set(f.bytes, 1)
  const split: Partial<Record<FrameKind, number>> = { ...(f.split ?? { [f.kind]: f.bytes.length }) }
  split.control = (split.control ?? 0) + 1
  return { ...f, bytes, split }
}

/** The sender half with the digest sent after its last frame. */
export function digestSender(inner: Half, source: ReadonlyVolume): Half {
  let sent = false
  return {
    get done() {
      return inner.done && sent
    },
    async step(inbox) {
      const out = inner.done ? [] : (await inner.step(inbox)).map(tagged)
      if (inner.done && !sent) {
        sent = true
        const bytes = new Uint8Array(1 + DIGEST_BYTES)
        bytes[0] = DIGEST
        bytes.set(volumeDigest(source), 1)
        out.push({ bytes, kind: 'control', phase: 'verify' })
      }
      return out
    },
    close: inner.close?.bind(inner),
  }
}

/** The receiver half that refuses its stage unless it matches the sender's digest. */
export function digestReceiver(who: string, inner: Half, staged: ReadonlyVolume): Half {
  let expected: Uint8Array | undefined
  let checked = false
  return {
    get done() {
      return checked
    },
    async step(inbox) {
      const own: Uint8Array[] = []
      for (const f of inbox) {
        if (f.length === 0 || (f[0] !== OWN && f[0] !== DIGEST)) throw new WireFormatError(who, `verify: frame tag ${f[0]} is neither 0 (data) nor 1 (digest)`)
        if (f[0] === OWN) own.push(f.subarray(1))
        else if (f.length !== 1 + DIGEST_BYTES || expected) throw new WireFormatError(who, `verify: digest frame of ${f.length} bytes${expected ? ', a second one' : ''}; want one of ${1 + DIGEST_BYTES}`)
        else expected = f.subarray(1)
      }
      const out = own.length || !inner.done ? await inner.step(own) : []
      if (inner.done && expected && !checked) {
        if (Buffer.compare(volumeDigest(staged), expected) !== 0) throw new WireFormatError(who, 'verify: the rebuilt version does not match the sender\'s digest; the replica is left as it was')
        checked = true
      }
      return out
    },
    close: inner.close?.bind(inner),
  }
}
