/**
 * The sender half of `rsync-rounds`: answers each round's signature with the matches it finds in that
 * round's gaps, and after the last round sends the literals (coded against the matched context) and the
 * whole-version digest. A signature of pass 2 (the receiver's digest disagreed) starts over with no matches.
 */
import { ProtocolError } from '../../core/errors.ts'
import type { Frame, Half, SenderContext } from '../../core/strategy.ts'
import { FrameReader, FrameWriter } from '../../core/wire.ts'
import { MAX_BLOCK_SIZE } from '../../core/strategy.ts'
import type { ContextCodecName } from './context-codec.ts'
import { createStreamDigest } from '../shared/stream-digest.ts'
import type { StrongHasher } from '../shared/strong-hash.ts'
import { matchedBytes, mergeMatches, type Match } from './rounds-gaps.ts'
import { codeLiterals, contextPieces, literalPieces } from './rounds-literals.ts'
import { messageFrames, MessageReader, TAG_ACK, TAG_FINAL, TAG_HELD, TAG_INDEX, TAG_MATCH, TAG_SIG, TAG_VERDICT, writeRuns } from './rounds-frames.ts'
import { gapVerified, isEdgeRound, roundEdgeChecks, nextRound, roundBlock, roundCount, roundGaps, roundHashBits, roundStrongBits, senderRoundBits, senderSigns, signatureBytes, worthAnother, type RoundsSetup } from './rounds-plan.ts'
import { groupByGap, groupHashes, passedMatches, readVerdict } from './rounds-verify.ts'
import { readHeld, senderSums } from './rounds-index.ts'
import { searchGaps } from './rounds-search.ts'
import { checkEdges, edgeMatches } from './rounds-edges.ts'

export interface RoundsSenderOptions {
  setup: Omit<RoundsSetup, 'pass'>
  codec: ContextCodecName
  level: number
}

export class RoundsSender implements Half {
  done = false
  private matches: Match[] = []
  /** A verified round's matches by gap, joining `matches` once the receiver's verdict says which passed (verify=gap). */
  private pending: Match[][] | undefined
  private pass = 0
  /** The round the sender signed last (sender-first). */
  private signing = -1
  /** The replica's size, from the receiver's first answer (sender-first). */
  private oldSize = 0
  private readonly reader: MessageReader
  private readonly src: Uint8Array

  constructor(
    private readonly who: string,
    private readonly ctx: SenderContext,
    private readonly o: RoundsSenderOptions,
    private readonly hasher: StrongHasher,
  ) {
    this.reader = new MessageReader(who, MAX_BLOCK_SIZE)
    this.src = ctx.source.read(0, ctx.source.size)
  }

  /** The matches so far (after the sync: the final list R was built from), for bench/rounds-driver.ts. */
  matchList(): readonly Match[] {
    return this.matches
  }

  async step(inbox: readonly Uint8Array[]): Promise<Frame[]> {
    if (this.o.setup.direction === 'sender-first' && this.pass === 0) {
      this.pass = 1
      return this.sign(0)
    }
    const out: Frame[] = []
    for (const f of inbox) {
      if (this.done) throw new ProtocolError(this.who, 'a frame after the sync ended')
      if (f.length === 1 && f[0] === TAG_ACK) {
        this.done = true
        continue
      }
      const msg = this.reader.accept(f)
      if (!msg) continue
      if (msg[0] === TAG_SIG) out.push(...(await this.round(msg[1])))
      else if (msg[0] === TAG_HELD) out.push(...(await this.held(msg[1])))
      else if (msg[0] === TAG_VERDICT) out.push(...(await this.verdict(msg[1])))
      else throw new ProtocolError(this.who, `the sender got message tag ${msg[0]}, expected a signature or held blocks`)
    }
    return out
  }

  /** A round the sender signs (sender-first, rounds-index.ts): its gaps' new blocks' sums; round 0 signs the whole new version. */
  private sign(round: number): Frame[] {
    const setup = { ...this.o.setup, pass: 1 }
    const newSize = this.src.length
    // Round 0's gap is the whole new version against an old size the sender does not know (and needs not).
    const gaps = roundGaps(round, this.matches, newSize, round === 0 ? 0 : this.oldSize)
    const strong = senderRoundBits(setup, round, gaps, newSize)
    this.signing = round
    const w = new FrameWriter(64).varint(1).varint(round).varint(newSize).varint(strong.reduce((a, b) => Math.max(a, b), 0))
    const head = w.length
    return messageFrames(TAG_INDEX, w.bytes(senderSums(this.src, gaps, roundBlock(setup, round), strong, this.hasher)).finish(), head, 'signature')
  }

  /** The receiver's answer to a round the sender signed: the new blocks it holds; then the next round the sender signs, or the literals. */
  private async held(body: Uint8Array): Promise<Frame[]> {
    const r = new FrameReader(this.who, body)
    if (r.varint() !== 1 || this.pass !== 1 || r.varint() !== this.signing) r.fail(`held blocks for another pass or round than 1/${this.signing}`)
    const setup = { ...this.o.setup, pass: 1 }
    const round = this.signing
    const oldSize = r.bounded('old size', 2 ** 50)
    if (round > 0 && oldSize !== this.oldSize) r.fail(`the old size changed from ${this.oldSize} to ${oldSize}`)
    this.oldSize = oldSize
    const goOn = r.u8() === 1
    const newSize = this.src.length
    const found = readHeld(r, roundGaps(round, this.matches, newSize, oldSize), roundBlock(setup, round), newSize, oldSize)
    r.end()
    this.matches = mergeMatches(this.matches, found)
    if (!goOn) return this.final(1)
    const next = nextRound(setup, round, this.matches, newSize, oldSize)
    // A next round the receiver signs (an edge round) has its signature in the same flight as these blocks.
    return next >= 0 && senderSigns(setup, next) ? this.sign(next) : []
  }

  /** One round: the signature's region sums searched in this round's gaps, the matches sent back. */
  private async round(body: Uint8Array): Promise<Frame[]> {
    const r = new FrameReader(this.who, body)
    const pass = r.bounded('pass', 2)
    const setup = { ...this.o.setup, pass }
    const round = r.bounded('round', roundCount(setup) - 1)
    const oldSize = r.varint()
    const strong = r.bounded('strong bits', 8 * setup.digestLength)
    if (pass !== this.pass) [this.pass, this.matches, this.pending] = [pass, [], undefined]
    // A verified round's verdict comes in the next round's signature header.
    const verified = gapVerified(setup)
    if (verified && round > 0) this.settle(r)
    const newSize = this.src.length
    const gaps = roundGaps(round, this.matches, newSize, oldSize)
    const mine = roundStrongBits(setup, round, gaps, oldSize)
    const most = mine.reduce((a, b) => Math.max(a, b), 0)
    if (strong !== most) throw new ProtocolError(this.who, `round ${round} signs sums of up to ${strong} bits, this sender works out ${most} (another ladder or bound?)`)
    const B = roundBlock(setup, round)
    const sums = r.bytes(r.remaining)
    const expected = signatureBytes(setup, round, gaps, oldSize)
    if (sums.length !== expected) throw new ProtocolError(this.who, `round ${round} sent ${sums.length} sum bytes, this sender expects ${expected}`)
    const edge = isEdgeRound(setup, round)
    const checks = edge ? roundEdgeChecks(setup, gaps, B) : []
    const bits = edge ? checkEdges(this.src, checks, B, strong, sums, this.hasher) : new Uint8Array(0)
    const found = edge ? [edgeMatches(checks, B, bits)] : searchGaps(this.src, gaps, B, mine, sums, this.hasher)
    const goOn = worthAnother(setup, round, this.matches, found.flat(), newSize, oldSize)
    const w = new FrameWriter(256).varint(pass).varint(round).varint(newSize).u8(goOn ? 1 : 0)
    const head = w.length
    if (edge) w.bytes(bits)
    else writeRuns(w, found, gaps, B)
    if (verified) {
      // Each gap's matches wait for the receiver's check of their hash (rounds-verify.ts).
      this.pending = groupByGap(gaps, found.flat())
      w.bytes(groupHashes(this.src, this.pending, roundHashBits(setup, gaps), this.hasher))
    } else this.matches = mergeMatches(this.matches, found.flat())
    const frames = messageFrames(TAG_MATCH, w.finish(), head, 'copy')
    // Verified: the literals wait for the verdict, so they are coded against the R the receiver builds.
    if (!goOn && !verified) frames.push(...(await this.final(pass)))
    return frames
  }

  /** The receiver's verdict on the last verified round: the gaps that passed join the matches. */
  private settle(r: FrameReader): void {
    if (!this.pending) r.fail('a verdict with no verified round open')
    this.matches = mergeMatches(this.matches, passedMatches(this.pending!, readVerdict(r, this.pending!.length)))
    this.pending = undefined
  }

  /** The verdict on the last round (the receiver signs no further round): then the literals. */
  private async verdict(body: Uint8Array): Promise<Frame[]> {
    const r = new FrameReader(this.who, body)
    if (r.varint() !== this.pass) r.fail(`a verdict for another pass than ${this.pass}`)
    this.settle(r)
    r.end()
    return this.final(this.pass)
  }

  /** The literals, coded against R where that is smaller, and the digest of the whole new version. */
  private async final(pass: number): Promise<Frame[]> {
    const t = this.ctx.telemetry
    const literals = literalPieces(this.src, this.matches)
    const ref = contextPieces(this.matches, (m) => this.src.subarray(m.n, m.n + m.len))
    const coded = await codeLiterals(this.who, this.o.codec, this.o.level, literals, ref, t)
    const digest = await createStreamDigest('xxh128')
    digest.update(this.src)
    const d = digest.digest()
    const matched = matchedBytes(this.matches)
    t.add('matched_data', matched)
    t.add('literal_data', this.src.length - matched)
    t.add('block_matches', this.matches.length)
    const w = new FrameWriter(64 + coded.bytes.length).varint(pass).u8(coded.form).varint(this.src.length - matched).u8(d.length).bytes(d)
    const head = w.length
    return messageFrames(TAG_FINAL, w.bytes(coded.bytes).finish(), head, 'literal')
  }
}
