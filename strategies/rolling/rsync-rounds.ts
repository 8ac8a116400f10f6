import { checkOptions, defineOptions, type OptionsOf } from '../../core/options.ts'
import type { Half, Strategy } from '../../core/strategy.ts'
import { missingTools } from '../shared/tool-process.ts'
import { createStrongHasher } from '../shared/strong-hash.ts'
import { CODEC_TOOLS, CONTEXT_CODECS } from './context-codec.ts'
import { parseEdges, parseLadder } from './rounds-ladder.ts'
import { ROUNDS_DIRECTIONS } from './rounds-plan.ts'
import { RoundsReceiver } from './rounds-receiver.ts'
import { RoundsSender } from './rounds-sender.ts'
import { VERIFY_MODES } from './rounds-verify.ts'

const NAME = 'rsync-rounds'
const OPTIONS = defineOptions({
  blockSize: { type: 'size', default: 8192, min: 1, max: 1 << 30, description: 'not used: the ladder sets every round\'s block size (the strategy runs once per workload and seed)' },
  ladder: { type: 'string', default: '8192,2048,512', description: 'block sizes of the rounds, coarse to fine, strictly decreasing, 16 B to 1 MiB, 1 to 6 rungs (units allowed: 8KiB); each finer round signs only the gaps the coarser ones left' },
  edges: { type: 'string', default: 'auto', description: "block sizes of the edge rounds after the ladder (continuation checks: each gap's first and last block checked at its one position, no weak filter), strictly decreasing, each below the ladder's last rung, 16 B up; auto halves the last rung twice (8192,2048,512 → 256,128); none for no edge rounds" },
  falseMatchBits: { type: 'number', integer: true, min: 8, max: 64, default: 20, description: 'strong sums are sized so that a sync lets a false match through with probability under 2^-falseMatchBits (the digest and the redo pass catch one anyway)' },
  direction: { type: 'enum', choices: ROUNDS_DIRECTIONS, default: 'receiver-first', description: "who signs the search rounds: receiver-first (the receiver's sums of its old regions go up, the sender searches and answers with matches) or sender-first (the sender's sums of its new gaps go down, the receiver searches its replica and answers with the blocks it holds); edge rounds and the redo pass are receiver-first either way" },
  verify: { type: 'enum', choices: VERIFY_MODES, default: 'gap', description: "how a false match is kept out at the falseMatchBits bound: sum (every strong sum long enough for its share of the bound) or gap (sums sized for their own gap, plus one hash per gap's matches that the receiver checks before they join the reference; a failed gap's matches are dropped; one more message after the last round); receiver-first pass 1 only, sender-first rounds and the redo pass size sums as sum" },
  codec: { type: 'enum', choices: CONTEXT_CODECS, default: 'zstd', description: 'codes the literals against the matched context: zstd (--patch-from, --long) or xdelta3 (VCDIFF); plain when not smaller' },
  zstdLevel: { type: 'number', integer: true, min: 1, max: 19, default: 19, description: "zstd's level when codec is zstd" },
  xdelta3Level: { type: 'number', integer: true, min: 0, max: 9, default: 9, description: "xdelta3's level when codec is xdelta3" },
})
export type RsyncRoundsOptions = OptionsOf<typeof OPTIONS>

/** xxh128: the strong sums and the whole-version digest (16 bytes, the redo pass's full length). */
const HASH = 'xxh128'

/**
 * Multi-round rsync: the receiver signs its old version in coarse blocks; the sender answers with the
 * matches; both then pair each unmatched gap of the new version with the old region between the same
 * matched neighbours, and the next, finer round signs only those regions, with strong sums as short as
 * the round's candidate count allows (rounds-ladder.ts). After the last round the literals go coded against
 * the matched context (rsync-context's codec) with a whole-version digest; a mismatch redoes the sync with
 * full-length sums. Every round's bytes and round trips cross the metered channel.
 */
export const rsyncRounds: Strategy<RsyncRoundsOptions, undefined> = {
  name: NAME,
  summary: 'multi-round rsync: a block ladder refining only the unmatched gaps, short sums per round, literals coded against the matched context',
  options: OPTIONS,
  needsWriteTrace: false,
  // A child process (the codec) per sync: a baseline-like cost, so it stays out of the default matrix.
  external: true,
  unavailable: () => missingTools(NAME, Object.values(CODEC_TOOLS)),
  ignoresBlockSize: () => true,
  validate: (o) => void parseEdges(NAME, o.edges, parseLadder(NAME, o.ladder)),

  async sender(ctx, o): Promise<Half> {
    const setup = await setupOf(o)
    return new RoundsSender(NAME, ctx, { setup, codec: o.codec, level: o.codec === 'zstd' ? o.zstdLevel : o.xdelta3Level }, setup.hasher)
  },

  async receiver(ctx, o): Promise<Half> {
    const setup = await setupOf(o)
    const missing = missingTools(NAME, [CODEC_TOOLS[o.codec]])
    if (missing) throw new Error(missing)
    ctx.telemetry.set('effective_block_size', [...setup.ladder, ...setup.edges].at(-1)!)
    return new RoundsReceiver(NAME, ctx, setup, setup.hasher)
  },
}

/** The options checked (a bad ladder is a ConfigError naming the fix) and what both halves plan with. */
async function setupOf(o: RsyncRoundsOptions) {
  checkOptions(NAME, OPTIONS, o)
  const ladder = parseLadder(NAME, o.ladder)
  const edges = parseEdges(NAME, o.edges, ladder)
  const hasher = await createStrongHasher(HASH)
  return { ladder, edges, bits: o.falseMatchBits, digestLength: hasher.digestLength, direction: o.direction, verify: o.verify, hasher }
}
