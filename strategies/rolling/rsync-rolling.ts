import { WireFormatError } from '../../core/errors.ts'
import { checkOptions, defineOptions, type OptionsOf } from '../../core/options.ts'
import { blockSizeOption, type Frame, type Half, type Strategy } from '../../core/strategy.ts'
import { BlockIndex } from './block-index.ts'
import { STEP_BUDGET, unknownFrame } from '../shared/block-stream.ts'
import { BLOCK_RULES, blockSizeFor, rsyncStrongBytes } from '../shared/block-size-rules.ts'
import { WEAK_SUMS } from './rolling-checksum.ts'
import { DeltaApplier, DeltaEncoder, TAG_ACK } from './rolling-delta.ts'
import { RollingScanner, type ScanCounters } from './rolling-scan.ts'
import { carrySums, computeSums, loadCachedSums, signatureFrames, SignatureReader, type BlockSums } from './rolling-signature.ts'
import { createStreamDigest } from '../shared/stream-digest.ts'
import { checkStrongBytes, MAX_DIGEST_BYTES, STRONG_HASHES, strongHasherFor } from '../shared/strong-hash.ts'

const OPTIONS = defineOptions({
  blockSize: blockSizeOption('block size when blockRule is fixed'),
  blockRule: { type: 'enum', choices: BLOCK_RULES, default: 'fixed', description: "fixed (blockSize), or from the replica's size: rsync (700 B to 700² B, then sqrt rounded down to ×8, max 128 KiB), librsync (256 B to 64 KiB, then sqrt rounded down to ×128)" },
  weakSum: { type: 'enum', choices: WEAK_SUMS, default: 'rsync', description: "rolling sum: rsync (s1/s2 over signed chars, bit-exact), rollsum (librsync's s1/s2, unsigned +31), rabin-karp (librsync's default)" },
  hash: { type: 'enum', choices: STRONG_HASHES, default: 'xxh128', description: 'strong hash per block and for the whole-volume digest' },
  // Held to the chosen hash's digest length when a half starts (strongBytesFor).
  strongBytes: { type: 'number', words: ['auto'], integer: true, min: 1, max: MAX_DIGEST_BYTES, default: 'auto', description: "strong-sum bytes per block on the wire: 1 to the digest length, or auto (rsync's s2length rule)" },
  // More candidates than a target may have blocks changes nothing.
  maxCandidates: { type: 'number', integer: true, min: 1, max: 2 ** 31, default: 1024, description: 'most candidate blocks checked at one offset (rsync: 1024)' },
  cache: { type: 'boolean', default: true, description: 'keep block sums between syncs; rehash only blocks the receiver wrote' },
})
export type RsyncRollingOptions = OptionsOf<typeof OPTIONS>
/** The schema, for a strategy that wraps this one's halves (rsync-context). */
export const RSYNC_ROLLING_OPTIONS = OPTIONS

const NAME = 'rsync-rolling'
const CACHE_KEY = 'sums'
/** Most blocks a target may have (bounds the receiver's written-blocks bitmap). */
const MAX_TARGET_BLOCKS = 2 ** 31

/** The strong length to send for a replica of `size` bytes in blocks of `blockSize`. */
function strongBytesFor(o: RsyncRollingOptions, size: number, blockSize: number, digestLength: number): number {
  return o.strongBytes === 'auto' ? Math.min(digestLength, rsyncStrongBytes(size, blockSize)) : o.strongBytes
}

/**
 * rsync's algorithm: the receiver sends a signature of its replica (weak sum + truncated strong sum per
 * block); the sender slides over its source one byte at a time, looks each weak sum up, confirms with
 * the strong sum, and sends coalesced copies of replica blocks and literal runs; the receiver rebuilds
 * into its stage from its committed replica. A whole-volume digest closes the stream; if it disagrees (a
 * truncated strong sum let a wrong block through) the receiver resends full-length sums and the delta is
 * made again, as rsync's redo does. Both passes cross the channel.
 */
export const rsyncRolling: Strategy<RsyncRollingOptions, undefined> = {
  name: NAME,
  summary: "rsync's rolling checksum: signature up, literal runs and block copies down, whole-volume digest",
  options: OPTIONS,
  needsWriteTrace: false,
  // A rule that picks the block size from the volume makes the sweep's block size irrelevant.
  ignoresBlockSize: (o) => o.blockRule !== 'fixed',
  validate: (o) => checkStrongBytes(NAME, o),

  async sender(ctx, o): Promise<Half> {
    checkOptions(NAME, OPTIONS, o)
    const hasher = await strongHasherFor(NAME, o)
    const reader = new SignatureReader(NAME, hasher.digestLength)
    const counters: ScanCounters = { weakHits: 0, falseAlarms: 0, matches: 0, maxChain: 0 }
    let pass = 0
    let scanner: RollingScanner | undefined
    let encoder: DeltaEncoder | undefined
    let waitingForAck = false
    let done = false
    const report = () => {
      const t = ctx.telemetry
      t.add('weak_hits', counters.weakHits)
      t.add('false_alarms', counters.falseAlarms)
      t.add('block_matches', counters.matches)
      t.max('max_chain', counters.maxChain)
      t.add('literal_data', encoder!.literalData)
      t.add('matched_data', encoder!.matchedData)
      Object.assign(counters, { weakHits: 0, falseAlarms: 0, matches: 0, maxChain: 0 })
    }
    return {
      get done() {
        return done
      },
      async step(inbox): Promise<Frame[]> {
        for (const f of inbox) {
          if (f.length === 1 && f[0] === TAG_ACK) {
            if (!waitingForAck) throw unknownFrame(NAME, f)
            done = true
            continue
          }
          if (!reader.accept(f)) throw unknownFrame(NAME, f)
        }
        if (done) return []
        const sig = reader.sig
        if (!scanner && reader.complete && sig && sig.pass === pass + 1) {
          // Both halves read the same options, so a signature that disagrees with them was damaged on the way.
          if (sig.weakSum !== o.weakSum || sig.hash !== o.hash) throw new WireFormatError(NAME, `the signature names ${sig.weakSum}/${sig.hash}, the options ${o.weakSum}/${o.hash}`)
          if (o.blockRule === 'fixed' && sig.blockSize !== o.blockSize) throw new WireFormatError(NAME, `the signature's block size ${sig.blockSize} is not the configured ${o.blockSize}`)
          pass = sig.pass
          waitingForAck = false
          const full = sig.count > 0 && sig.size % sig.blockSize === 0 ? sig.count : sig.count - 1
          const index = new BlockIndex(sig.weak, sig.count, (i) => i < full)
          encoder = new DeltaEncoder(await createStreamDigest(o.hash), pass, ctx.source.size)
          scanner = new RollingScanner(ctx.source, sig, index, hasher, o.weakSum, o.maxCandidates, encoder, counters)
        }
        if (!scanner) return []
        scanner.run(STEP_BUDGET)
        if (!scanner.done) return encoder!.take()
        encoder!.end()
        report()
        scanner = undefined
        waitingForAck = true
        return encoder!.take()
      },
    }
  },

  async receiver(ctx, o): Promise<Half> {
    checkOptions(NAME, OPTIONS, o)
    const hasher = await strongHasherFor(NAME, o)
    let sums: BlockSums | undefined
    let applier: DeltaApplier | undefined
    let pass = 0
    let done = false
    const startPass = async (n: number): Promise<void> => {
      pass = n
      const max = Math.min(2 ** 50, sums!.blockSize * MAX_TARGET_BLOCKS)
      applier = new DeltaApplier(NAME, ctx.replica, ctx.staged, sums!, await createStreamDigest(o.hash), max)
    }
    return {
      get done() {
        return done
      },
      async step(inbox): Promise<Frame[]> {
        if (!sums) {
          const rep = ctx.replica
          const blockSize = blockSizeFor(o.blockRule, rep.size, o.blockSize)
          const strong = strongBytesFor(o, rep.size, blockSize, hasher.digestLength)
          const cached = o.cache ? loadCachedSums(ctx.state, CACHE_KEY, o.weakSum, o.hash) : undefined
          const made = computeSums(rep, blockSize, o.weakSum, hasher, cached)
          sums = made.sums
          ctx.telemetry.set('effective_block_size', blockSize)
          ctx.telemetry.set('strong_bytes', strong)
          ctx.telemetry.set('sums_cached', made.fromCache)
          ctx.telemetry.set('delta_passes', 1)
          await startPass(1)
          return signatureFrames(sums, 1, strong, o.weakSum, o.hash)
        }
        for (const f of inbox) {
          if (done) throw unknownFrame(NAME, f)
          const end = applier!.accept(f)
          if (end === false) throw unknownFrame(NAME, f)
          if (!end) continue
          if (end.pass !== pass) throw unknownFrame(NAME, f)
          if (end.digestOk) {
            done = true
            if (o.cache) ctx.state.set(CACHE_KEY, carrySums(sums, applier!.targetSize, applier!.written, o.weakSum, o.hash))
            else ctx.state.delete(CACHE_KEY)
            return [{ bytes: Uint8Array.of(TAG_ACK), kind: 'control' }]
          }
          if (pass === 2) throw new Error(`${NAME}: the rebuilt volume's digest disagrees with the source's even with full-length strong sums (a strategy bug, or a replica changed behind the receiver's cache)`)
          // A truncated strong sum let a wrong block through: resend full-length sums and start over.
          ctx.telemetry.set('delta_passes', 2)
          await startPass(2)
          return signatureFrames(sums, 2, hasher.digestLength, o.weakSum, o.hash)
        }
        return []
      },
    }
  },
}
