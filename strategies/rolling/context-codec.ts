/**
 * The codecs `rsync-context` codes its literal runs with, against the matched context R: zstd with R as
 * the --patch-from reference (long-range matching, its window covering R and the literals), or xdelta3
 * (VCDIFF) with R as its source. Each runs as Debian's tool in a child process; the caller charges its CPU.
 * With an empty R (nothing matched) the literals are coded alone.
 */
import { join } from 'node:path'
import { runToolCached, type CachedStep } from '../shared/tool-cache.ts'

export const CONTEXT_CODECS = ['zstd', 'xdelta3'] as const
export type ContextCodecName = (typeof CONTEXT_CODECS)[number]

/** The codec's tool and the Debian package that has it (for the skip reason and the error). */
export const CODEC_TOOLS: Record<ContextCodecName, { cmd: string; apt: string }> = {
  zstd: { cmd: 'zstd', apt: 'zstd' },
  xdelta3: { cmd: 'xdelta3', apt: 'xdelta3' },
}

/** What both sides know before coding: the codec and level, and the sizes of R and of the literals. */
export interface CodecJob {
  codec: ContextCodecName
  level: number
  refSize: number
  literalSize: number
  /** zstd only: the optimal parser searched harder (ZSTD_TUNING), as rsync-rounds codes its literals. */
  tuned?: boolean
}

/**
 * zstd's own advice for --patch-from at -19 ("Optimal parser notes"): one thread, longer target matches and a
 * longer chain. On the typescript pair's rsync-rounds literals it took 285,432 → 269,913 B (see
 * docs/rsync-family.md); the decoder needs none of it.
 */
export const ZSTD_TUNING = ['--single-thread', '--zstd=targetLength=4096,chainLog=30'] as const

/** zstd's window log: a power of two holding R and the literals, since matches reach back over both. */
function zstdLong(job: CodecJob): number {
  return Math.min(31, Math.max(10, Math.ceil(Math.log2(Math.max(job.refSize + job.literalSize, 1)))))
}

/** xdelta3's source window: all of R (its minimum is 512 KiB, its maximum 2 GiB). */
function xdeltaWindow(job: CodecJob): string {
  return String(Math.min(2 ** 31, Math.max(512 << 10, job.refSize)))
}

/**
 * The encoder's argv, coding `input` against `ref` (undefined for an empty R) into `output`. No checksum in
 * either format: the family's whole-volume digest already covers every rebuilt byte, and a wrong R on one
 * side must reach that digest (and its redo pass), not stop the decoder.
 */
export function encodeArgv(job: CodecJob, ref: string | undefined, input: string, output: string): string[] {
  if (job.codec === 'zstd') {
    const patch = ref === undefined ? [] : [`--patch-from=${ref}`]
    const tuning = job.tuned ? ZSTD_TUNING : []
    return ['zstd', '-q', '-f', `-${job.level}`, `--long=${zstdLong(job)}`, '--no-check', ...tuning, ...patch, input, '-o', output]
  }
  // -A: no application header (it would hold the temp files' names); -D -R: no external (de)compressors.
  const source = ref === undefined ? [] : ['-s', ref]
  return ['xdelta3', '-e', '-f', '-q', `-${job.level}`, '-A', '-n', '-D', '-R', '-B', xdeltaWindow(job), ...source, input, output]
}

/** The decoder's argv: rebuilds the literals into `output` from the coded `input` and `ref`. */
export function decodeArgv(job: CodecJob, ref: string | undefined, input: string, output: string): string[] {
  if (job.codec === 'zstd') {
    const patch = ref === undefined ? [] : [`--patch-from=${ref}`]
    // --long on decoding raises the decoder's memory limit to the window the encoder used.
    return ['zstd', '-q', '-d', '-f', `--long=${zstdLong(job)}`, ...patch, input, '-o', output]
  }
  const source = ref === undefined ? [] : ['-s', ref]
  return ['xdelta3', '-d', '-f', '-q', '-D', '-R', '-B', xdeltaWindow(job), ...source, input, output]
}

/** One codec run in its temp folder: the command, and the files it reads (R, if any, and its input) and writes. */
export interface CodecRun {
  argv: string[]
  step: CachedStep
}

type Argv = (job: CodecJob, ref: string | undefined, input: string, output: string) => string[]

/** One run in `dir` from file `from` into file `to`, reading `ref` too when there is one. */
function runIn(argv: Argv, dir: string, job: CodecJob, ref: string | undefined, from: string, to: string): CodecRun {
  const [input, output] = [join(dir, from), join(dir, to)]
  return { argv: argv(job, ref, input, output), step: { dir, inputs: ref === undefined ? [input] : [ref, input], outputs: [output] } }
}

/** The encoder's run in `dir`: its `lit` coded against `ref` into `coded`. */
export function encodeIn(dir: string, job: CodecJob, ref: string | undefined): CodecRun {
  return runIn(encodeArgv, dir, job, ref, 'lit', 'coded')
}

/** The decoder's run in `dir`: its `coded` decoded against `ref` into `lit`. */
export function decodeIn(dir: string, job: CodecJob, ref: string | undefined): CodecRun {
  return runIn(decodeArgv, dir, job, ref, 'coded', 'lit')
}

/**
 * Runs one codec command; returns the tool's CPU in ms (throws a ToolError with its stderr on failure).
 * Both codecs are deterministic for a given argv and input bytes, so in the fuzzer a run on byte-identical
 * files reuses the earlier output (tool-cache.ts; off everywhere else).
 */
export async function runCodec(who: string, run: CodecRun): Promise<number> {
  return (await runToolCached(who, run.argv, run.step)).cpuMs
}
