/**
 * The wire form of `rsync-rounds`. Every message is a body split into frames: the first is
 * [tag, varint body length, piece], the rest [TAG_MORE, piece], so a long signature or literal run needs no
 * frame over FRAME_PAYLOAD_LIMIT. Bodies:
 *   SIG   (up)   pass, round, old size, the round's longest strong sum in bits, then one bit stream (rounds-bits.ts):
 *                per region block in gap order 16 weak bits and its gap's strong bits (rounds-plan.ts); an edge
 *                round's checks, the strong bits alone
 *   MATCH (down) pass, round, new size, whether a finer round follows (1) or FINAL (0), then per searched gap: run count, and per run the offset from the
 *                gap's cursor, zigzag(first block − the block after the previous run), block count
 *   FINAL (down) pass, literal form (0 plain, else the codec + 1), literal bytes, digest, then the literals
 *   ACK   (up)   one byte: the rebuilt version's digest agreed
 * With verify=gap (rounds-verify.ts), in pass 1 of a receiver-first sync:
 *   MATCH also ends with one bit stream: per gap where the round found matches, the first h bits of a hash of them
 *   SIG   of a round after the first carries, after its strong bits, the verdict on the last round: failed gap
 *                count, then per failed gap its index (among the gaps with matches) as a step from the last
 *   VERDICT (up) pass, then the verdict on the last round, when the receiver signs no further round; FINAL answers it
 * With direction=sender-first, every search round of pass 1 is instead (rounds-index.ts):
 *   INDEX (down) pass 1, round, new size, the round's longest strong sum in bits, then one bit stream: per signed
 *                gap the sums of its new blocks (round 0: the whole new version's)
 *   HELD  (up)   pass 1, round, old size, whether a finer round (its SIG follows at once if the receiver signs it)
 *                or FINAL comes next, then per signed gap: run count, and per run blocks skipped,
 *                zigzag(replica offset − the one expected), block count
 */
import type { Frame, FrameKind } from '../../core/strategy.ts'
import { FRAME_PAYLOAD_LIMIT, FrameReader, FrameWriter } from '../../core/wire.ts'
import type { Gap, Match } from './rounds-gaps.ts'
import { blockOffset, regionBlocks } from './rounds-gaps.ts'

export const TAG_SIG = 0x73 // 's'
export const TAG_MATCH = 0x6d // 'm'
export const TAG_FINAL = 0x66 // 'f'
export const TAG_MORE = 0x2b // '+'
export const TAG_ACK = 0x61 // 'a'
export const TAG_INDEX = 0x69 // 'i'
export const TAG_HELD = 0x68 // 'h'
export const TAG_VERDICT = 0x76 // 'v'

/**
 * A body as frames; `head` bytes of it (the message's own header) are control, the rest `kind`.
 */
export function messageFrames(tag: number, body: Uint8Array, head: number, kind: FrameKind): Frame[] {
  const frames: Frame[] = []
  let at = 0
  let left = head
  do {
    const w = new FrameWriter(64).u8(at === 0 ? tag : TAG_MORE)
    if (at === 0) w.varint(body.length)
    const prefix = w.length
    const n = Math.min(body.length - at, FRAME_PAYLOAD_LIMIT - prefix)
    const bytes = w.bytes(body.subarray(at, at + n)).finish()
    const control = prefix + Math.min(left, n)
    left -= Math.min(left, n)
    frames.push({ bytes, kind, split: { [kind]: bytes.length - control, control } })
    at += n
  } while (at < body.length)
  return frames
}

/** Gathers a message's frames; `accept` returns [tag, body] once the last piece is in. */
export class MessageReader {
  private tag = -1
  private body: Uint8Array | undefined
  private got = 0

  constructor(
    private readonly who: string,
    private readonly maxBody: number,
  ) {}

  accept(frame: Uint8Array): [number, Uint8Array] | undefined {
    const r = new FrameReader(this.who, frame)
    const tag = r.u8()
    if (tag === TAG_MORE) {
      if (!this.body) r.fail('a continuation frame with no message open')
    } else {
      if (this.body) r.fail(`a new message (tag ${tag}) before the last one ended`)
      this.tag = tag
      this.body = new Uint8Array(r.bounded('message length', this.maxBody))
      this.got = 0
    }
    const piece = r.bytes(r.remaining)
    if (this.got + piece.length > this.body!.length) r.fail('a message longer than its header says')
    this.body!.set(piece, this.got)
    this.got += piece.length
    if (this.got < this.body!.length) return undefined
    const done: [number, Uint8Array] = [this.tag, this.body!]
    this.body = undefined
    return done
  }
}

function zigzag(v: number): number {
  return v >= 0 ? 2 * v : -2 * v - 1
}

/** The region block at old offset `o` (the sender's own match, so it exists). */
function blockIndex(g: Gap, blockSize: number, o: number): number {
  const k = regionBlocks(g, blockSize)
  const j = (o - g.oldStart) / blockSize
  if (Number.isInteger(j) && j < k && blockOffset(g, blockSize, j) === o) return j
  for (let i = 0; i < k; i++) if (blockOffset(g, blockSize, i) === o) return i
  throw new Error(`rsync-rounds: a match at old offset ${o} is no block of its region (a strategy bug)`)
}

/** MATCH's runs: the matches found per searched gap, consecutive blocks joined into one run. */
export function writeRuns(w: FrameWriter, found: readonly Match[][], gaps: readonly Gap[], blockSize: number): void {
  let gi = 0
  for (const list of found) {
    while (regionBlocks(gaps[gi]!, blockSize) === 0) gi++
    const g = gaps[gi++]!
    const runs: { n: number; j: number; count: number }[] = []
    for (const m of list) {
      const j = blockIndex(g, blockSize, m.o)
      const last = runs[runs.length - 1]
      if (last && last.n + last.count * blockSize === m.n && last.j + last.count === j) last.count++
      else runs.push({ n: m.n, j, count: 1 })
    }
    w.varint(runs.length)
    let cursor = g.newStart
    let expected = 0
    for (const r of runs) {
      w.varint(r.n - cursor).varint(zigzag(r.j - expected)).varint(r.count)
      cursor = r.n + r.count * blockSize
      expected = r.j + r.count
    }
  }
}

/** Reads MATCH's runs back into matches, each checked to lie inside its gap and its region. */
export function readRuns(r: FrameReader, gaps: readonly Gap[], blockSize: number, newSize: number): Match[] {
  const out: Match[] = []
  for (const g of gaps) {
    const k = regionBlocks(g, blockSize)
    if (k === 0) continue
    const end = Math.min(g.newEnd, newSize)
    let cursor = g.newStart
    let expected = 0
    // A gap holds at most one run per block it can hold (not per region block: one block of zeros can match
    // at every block of a gap of zeros, each a run of its own since the block index does not advance).
    for (let runs = r.bounded('runs', Math.floor((end - g.newStart) / blockSize)); runs > 0; runs--) {
      const n = cursor + r.varint()
      const z = r.varint()
      const j = expected + (z % 2 === 0 ? z / 2 : -(z + 1) / 2)
      const count = r.varint()
      if (j < 0 || count < 1 || j + count > k || n + count * blockSize > end) r.fail(`a run of ${count} blocks from block ${j} at ${n} outside its gap or region`)
      // Block by block: a run may cross from a cut region's left window to its right one.
      for (let i = 0; i < count; i++) out.push({ n: n + i * blockSize, o: blockOffset(g, blockSize, j + i), len: blockSize })
      cursor = n + count * blockSize
      expected = j + count
    }
  }
  return out
}
