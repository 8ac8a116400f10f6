/**
 * The new version as `rsync-rounds` rebuilds it: its matched pieces (from the old version) and its gaps
 * (literal bytes), in order; and the literals coded against the matched context R (the matched pieces in
 * the new version's order, which both sides can build) with rsync-context's codec, in a temp folder this
 * module owns. Plain when coding would not make them smaller.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { ToolError } from '../../core/errors.ts'
import type { Telemetry } from '../../core/strategy.ts'
import { makeTempDir, removeTempDir } from '../../core/temp-dir.ts'
import { CONTEXT_CODECS, decodeIn, encodeIn, runCodec, type CodecJob, type ContextCodecName } from './context-codec.ts'
import { writePieces } from './context-reference.ts'
import { gapsOf, type Match } from './rounds-gaps.ts'

/** The literal bytes of the new version: its gaps' bytes, in order. */
export function literalPieces(src: Uint8Array, matches: readonly Match[]): Uint8Array[] {
  return gapsOf(matches, src.length, 0).map((g) => src.subarray(g.newStart, g.newEnd))
}

/** R: the matched bytes in the new version's order, read from `at` (the sender's new, the receiver's old). */
export function contextPieces(matches: readonly Match[], read: (m: Match) => Uint8Array): Uint8Array[] {
  return matches.map(read)
}

/** The literal form on the wire: 0 plain, else the codec's index + 1. */
export type LiteralForm = number

export interface CodedLiterals {
  form: LiteralForm
  bytes: Uint8Array
}

function sizeOf(pieces: readonly Uint8Array[]): number {
  let n = 0
  for (const p of pieces) n += p.length
  return n
}

function concat(pieces: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(sizeOf(pieces))
  let at = 0
  for (const p of pieces) {
    out.set(p, at)
    at += p.length
  }
  return out
}

/** Codes the literals against R with `codec` (child process, CPU charged), or keeps them plain if that is not smaller. */
export async function codeLiterals(who: string, codec: ContextCodecName, level: number, literals: Uint8Array[], ref: Uint8Array[], t: Telemetry): Promise<CodedLiterals> {
  const literalSize = sizeOf(literals)
  if (literalSize === 0) return { form: 0, bytes: new Uint8Array(0) }
  const job: CodecJob = { codec, level, refSize: sizeOf(ref), literalSize, tuned: true }
  const dir = makeTempDir(`${who}-send`)
  try {
    const refPath = job.refSize > 0 ? join(dir, 'ref') : undefined
    if (refPath) writePieces(refPath, ref)
    writePieces(join(dir, 'lit'), literals)
    t.chargeChildCpu(await runCodec(who, encodeIn(dir, job, refPath)))
    const coded = new Uint8Array(readFileSync(join(dir, 'coded')))
    return coded.length < literalSize ? { form: CONTEXT_CODECS.indexOf(codec) + 1, bytes: coded } : { form: 0, bytes: concat(literals) }
  } finally {
    removeTempDir(dir)
  }
}

/**
 * The literals back from their wire form, exactly `literalSize` bytes. A decoder that fails or gives
 * another length had an R unlike the sender's (a false match): zeros stand in, and the digest starts the redo pass.
 */
export async function decodeLiterals(who: string, form: LiteralForm, literalSize: number, payload: Uint8Array, ref: Uint8Array[], t: Telemetry): Promise<Uint8Array> {
  if (form === 0) return payload
  const codec = CONTEXT_CODECS[form - 1]!
  const job: CodecJob = { codec, level: 0, refSize: sizeOf(ref), literalSize }
  const out = new Uint8Array(literalSize)
  const dir = makeTempDir(`${who}-recv`)
  try {
    const refPath = job.refSize > 0 ? join(dir, 'ref') : undefined
    if (refPath) writePieces(refPath, ref)
    writePieces(join(dir, 'coded'), [payload])
    t.chargeChildCpu(await runCodec(who, decodeIn(dir, job, refPath)))
    const lit = readFileSync(join(dir, 'lit'))
    if (lit.length === literalSize) out.set(lit)
  } catch (err) {
    if (!(err instanceof ToolError)) throw err
  } finally {
    removeTempDir(dir)
  }
  return out
}
