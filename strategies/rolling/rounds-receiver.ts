/**
 * The receiver half of `rsync-rounds`: signs round 0 (its whole old version at the coarsest rung), then
 * after each round's matches signs only the old regions of the gaps the next rung can search; at the end
 * rebuilds the new version into its stage from the matches and the literals and checks the digest. On a
 * mismatch (a short sum let a false match through) it starts pass 2 with full-length sums.
 */
import { ProtocolError, WireFormatError } from '../../core/errors.ts'
import { MAX_BLOCK_SIZE, type Frame, type Half, type ReceiverContext } from '../../core/strategy.ts'
import { FrameReader, FrameWriter } from '../../core/wire.ts'
import { createStreamDigest } from '../shared/stream-digest.ts'
import type { StrongHasher } from '../shared/strong-hash.ts'
import { gapsOf, mergeMatches, type Gap, type Match } from './rounds-gaps.ts'
import { contextPieces, decodeLiterals } from './rounds-literals.ts'
import { messageFrames, MessageReader, readRuns, TAG_ACK, TAG_FINAL, TAG_HELD, TAG_INDEX, TAG_MATCH, TAG_SIG, TAG_VERDICT } from './rounds-frames.ts'
import { gapVerified, isEdgeRound, roundEdgeChecks, nextRound, roundBlock, roundGaps, roundHashBits, roundStrongBits, senderRoundBits, senderSigns, worthAnother, type RoundsSetup } from './rounds-plan.ts'
import { failedGroups, groupByGap, passedMatches, writeVerdict } from './rounds-verify.ts'
import { receiverSearch, senderSumsBytes, writeHeld } from './rounds-index.ts'
import { regionSums } from './rounds-search.ts'
import { edgeMatches, edgeSums } from './rounds-edges.ts'

export class RoundsReceiver implements Half {
  done = false
  private matches: Match[] = []
  private pass = 0
  private round = 0
  private newSize = -1
  /** The gaps of the last verified round whose hash disagreed (indices among its gaps with matches), told to the sender next. */
  private failed: number[] = []
  /** Gaps whose matches a failed hash dropped, over the receiver's life (tests read it). */
  failedGaps = 0
  private readonly reader: MessageReader
  private readonly old: Uint8Array

  constructor(
    private readonly who: string,
    private readonly ctx: ReceiverContext,
    private readonly setup: Omit<RoundsSetup, 'pass'>,
    private readonly hasher: StrongHasher,
  ) {
    this.reader = new MessageReader(who, MAX_BLOCK_SIZE)
    this.old = ctx.replica.read(0, ctx.replica.size)
  }

  async step(inbox: readonly Uint8Array[]): Promise<Frame[]> {
    if (this.pass === 0 && this.setup.direction !== 'sender-first') return this.sign(1, 0)
    const out: Frame[] = []
    for (const f of inbox) {
      if (this.done) throw new ProtocolError(this.who, 'a frame after the sync ended')
      const msg = this.reader.accept(f)
      if (!msg) continue
      if (msg[0] === TAG_MATCH) out.push(...this.matched(msg[1]))
      else if (msg[0] === TAG_INDEX) out.push(...this.searchSigned(msg[1]))
      else if (msg[0] === TAG_FINAL) out.push(...(await this.rebuild(msg[1])))
      else throw new ProtocolError(this.who, `the receiver got message tag ${msg[0]}`)
    }
    return out
  }

  /** The signature of `round`: sums of the blocks of every searchable gap's old region. */
  private sign(pass: number, round: number): Frame[] {
    if (pass !== this.pass) [this.pass, this.matches, this.newSize] = [pass, [], -1]
    this.round = round
    const setup = { ...this.setup, pass }
    const gaps = roundGaps(round, this.matches, this.newSize, this.old.length)
    const strong = roundStrongBits(setup, round, gaps, this.old.length)
    const most = strong.reduce((a, b) => Math.max(a, b), 0)
    if (round === 0) {
      this.ctx.telemetry.set('strong_bytes', Math.ceil(most / 8))
      this.ctx.telemetry.set('delta_passes', pass)
    }
    const w = new FrameWriter(64).varint(pass).varint(round).varint(this.old.length).varint(most)
    if (gapVerified(setup) && round > 0) writeVerdict(w, this.failed)
    const head = w.length
    const B = roundBlock(setup, round)
    const sums = isEdgeRound(setup, round) ? edgeSums(this.old, roundEdgeChecks(setup, gaps, B), B, most, this.hasher) : regionSums(this.old, gaps, B, strong, this.hasher)
    return messageFrames(TAG_SIG, w.bytes(sums).finish(), head, 'signature')
  }

  /** A round the sender signed (sender-first): the replica searched against its sums, the held blocks answered, and the next round signed at once if the receiver signs it. */
  private searchSigned(body: Uint8Array): Frame[] {
    const r = new FrameReader(this.who, body)
    const round = r.varint() === 1 ? r.varint() : r.fail('a sender-signed round outside pass 1')
    if (round === 0 ? this.pass !== 0 : round !== this.round) r.fail(`the sender signed round ${round}, this receiver expects ${this.pass === 0 ? 0 : this.round}`)
    const newSize = r.bounded('new size', 2 ** 50)
    if (round > 0 && newSize !== this.newSize) r.fail(`the new size changed from ${this.newSize} to ${newSize}`)
    ;[this.pass, this.newSize, this.round] = [1, newSize, round]
    const setup = { ...this.setup, pass: 1 }
    const gaps = roundGaps(round, this.matches, newSize, this.old.length)
    const strong = senderRoundBits(setup, round, gaps, newSize)
    const most = strong.reduce((a, b) => Math.max(a, b), 0)
    if (r.bounded('strong bits', 8 * setup.digestLength) !== most) r.fail(`round ${round}'s sums are not the ${most} bits this receiver works out (another ladder or bound?)`)
    const B = roundBlock(setup, round)
    if (r.remaining !== senderSumsBytes(gaps, B, newSize, strong)) r.fail(`round ${round} sent ${r.remaining} sum bytes, this receiver expects ${senderSumsBytes(gaps, B, newSize, strong)}`)
    if (round === 0) {
      this.ctx.telemetry.set('strong_bytes', Math.ceil(most / 8))
      this.ctx.telemetry.set('delta_passes', 1)
    }
    const found = receiverSearch(this.old, gaps, B, newSize, strong, r.bytes(r.remaining), this.hasher)
    const goOn = worthAnother(setup, round, this.matches, found.flat(), newSize, this.old.length)
    const w = new FrameWriter(256).varint(1).varint(round).varint(this.old.length).u8(goOn ? 1 : 0)
    const head = w.length
    writeHeld(w, found, gaps, B, newSize)
    this.matches = mergeMatches(this.matches, found.flat())
    const frames = messageFrames(TAG_HELD, w.finish(), head, 'copy')
    this.round = goOn ? nextRound(setup, round, this.matches, newSize, this.old.length) : -1
    return this.round >= 0 && !senderSigns(setup, this.round) ? [...frames, ...this.sign(1, this.round)] : frames
  }

  /** A round's matches: merged in, then the next rung's signature (none when the final message follows). */
  private matched(body: Uint8Array): Frame[] {
    const r = new FrameReader(this.who, body)
    if (r.varint() !== this.pass || r.varint() !== this.round) r.fail(`matches for another pass or round than ${this.pass}/${this.round}`)
    const newSize = r.bounded('new size', 2 ** 50)
    if (this.newSize >= 0 && newSize !== this.newSize) r.fail(`the new size changed from ${this.newSize} to ${newSize}`)
    this.newSize = newSize
    const goOn = r.u8() === 1
    const gaps = roundGaps(this.round, this.matches, newSize, this.old.length)
    const B = roundBlock(this.setup, this.round)
    const checks = isEdgeRound(this.setup, this.round) ? roundEdgeChecks(this.setup, gaps, B) : undefined
    const found = checks ? edgeMatches(checks, B, r.bytes(Math.ceil(checks.length / 8))) : readRuns(r, gaps, B, newSize)
    const setup = { ...this.setup, pass: this.pass }
    const verified = gapVerified(setup)
    this.matches = mergeMatches(this.matches, verified ? this.check(r, gaps, found) : found)
    r.end()
    const next = goOn ? nextRound(setup, this.round, this.matches, newSize, this.old.length) : -1
    this.round = next
    // Verified, with no round to sign: the verdict goes up alone, and the sender answers with the literals.
    if (next < 0 && verified) {
      const w = new FrameWriter(16).varint(this.pass)
      writeVerdict(w, this.failed)
      return messageFrames(TAG_VERDICT, w.finish(), w.length, 'control')
    }
    return next < 0 || senderSigns(setup, next) ? [] : this.sign(this.pass, next)
  }

  /** A verified round's gap hashes checked against the old blocks the matches name: the matches of the gaps that agree. */
  private check(r: FrameReader, gaps: readonly Gap[], found: Match[]): Match[] {
    const groups = groupByGap(gaps, found)
    const h = roundHashBits({ ...this.setup, pass: this.pass }, gaps)
    this.failed = failedGroups(this.old, groups, h, r.bytes(Math.ceil((groups.length * h) / 8)), this.hasher)
    this.failedGaps += this.failed.length
    return passedMatches(groups, this.failed)
  }

  /** The new version into the stage (copies from the old, literals between), checked against the sender's digest. */
  private async rebuild(body: Uint8Array): Promise<Frame[]> {
    const r = new FrameReader(this.who, body)
    if (r.varint() !== this.pass || this.round !== -1) r.fail('a final message before the last round ended')
    const form = r.u8()
    const literalSize = r.bounded('literal bytes', this.newSize)
    const theirs = r.bytes(r.u8())
    const t = this.ctx.telemetry
    const ref = contextPieces(this.matches, (m) => this.old.subarray(m.o, m.o + m.len))
    const literals = await decodeLiterals(this.who, form, literalSize, r.bytes(r.remaining), ref, t)
    if (literals.length !== literalSize) throw new WireFormatError(this.who, `${literals.length} plain literal bytes, the header says ${literalSize}`)
    const digest = await createStreamDigest('xxh128')
    const put = (at: number, bytes: Uint8Array) => {
      this.ctx.staged.write(at, bytes)
      digest.update(bytes)
    }
    let lit = 0
    let m = 0
    for (const g of [...gapsOf(this.matches, this.newSize, this.old.length), undefined]) {
      for (; m < this.matches.length && (!g || this.matches[m]!.n < g.newStart); m++) put(this.matches[m]!.n, ref[m]!)
      if (!g) break
      const n = g.newEnd - g.newStart
      if (lit + n > literalSize) throw new WireFormatError(this.who, `the gaps need more than the ${literalSize} literal bytes sent`)
      put(g.newStart, literals.subarray(lit, (lit += n)))
    }
    if (lit !== literalSize) throw new WireFormatError(this.who, `the gaps use ${lit} of the ${literalSize} literal bytes sent`)
    this.ctx.staged.truncate(this.newSize)
    if (equal(digest.digest(), theirs)) {
      this.done = true
      return [{ bytes: Uint8Array.of(TAG_ACK), kind: 'control' }]
    }
    if (this.pass === 2) throw new Error(`${this.who}: the rebuilt version's digest disagrees with the sender's even with full-length sums (a strategy bug)`)
    return this.sign(2, 0)
  }
}

function equal(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false
  return true
}
