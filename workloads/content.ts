import { gzipSync } from 'fflate'
import { ConfigError } from '../core/errors.ts'
import { Rng } from '../core/seeded-random.ts'

/**
 * Content models: what the bytes look like matters as much as the edits. Random data defeats
 * compression, text repeats words (weak-sum collisions, good compression), sparse data is mostly zero
 * blocks (rsync's known worst case: every zero block has the same weak sum).
 */
export const CONTENT_MODELS = {
  random: 'uniform random bytes (incompressible, like encrypted data)',
  text: 'English-like words and lines from a seeded vocabulary (compressible, repetitive)',
  sparse: 'mostly zero 4 KiB pages, one in eight filled with random bytes (a thin-provisioned disk)',
  zeros: 'all zero bytes',
  periodic: 'one random pattern of 64 B-4 KiB repeated (weak-sum collisions at every period: adversarial for rolling checksums)',
  compressed: 'a gzip stream of text (real deflate output: high entropy, but with headers and block structure)',
  mixed: 'segments of 16 KiB-1 MiB, each random, text, sparse or compressed',
} as const
export type ContentModel = keyof typeof CONTENT_MODELS

export function parseContent(name: string): ContentModel {
  if (!(name in CONTENT_MODELS)) throw new ConfigError(`unknown content model "${name}"; choose one of ${Object.keys(CONTENT_MODELS).join(', ')}`)
  return name as ContentModel
}

const LETTERS = 'etaoinshrdlcumwfgypbvkjxqz'

/** The vocabulary as one byte run: word k is bytes[starts[k], starts[k + 1]). */
interface Vocabulary {
  bytes: Uint8Array
  starts: Int32Array
}

/** Words in the vocabulary (a power of two is not required; the pick scales a uniform by it). */
const VOCABULARY_WORDS = 4096

let vocabulary: Vocabulary | undefined
/** A fixed 4096-word vocabulary (from its own constant seed: the same words for every run). */
function words(): Vocabulary {
  if (vocabulary) return vocabulary
  const rng = new Rng('deltabench-vocabulary')
  const list: Uint8Array[] = []
  for (let i = 0; i < VOCABULARY_WORDS; i++) {
    const len = 1 + rng.logRange(1, 11)
    const w = new Uint8Array(len)
    // Skewed letter choice (frequent letters first) so text compresses like prose.
    for (let j = 0; j < len; j++) w[j] = LETTERS.charCodeAt(Math.floor(LETTERS.length * rng.float() ** 2))
    list.push(w)
  }
  const starts = new Int32Array(VOCABULARY_WORDS + 1)
  for (let i = 0; i < VOCABULARY_WORDS; i++) starts[i + 1] = starts[i]! + list[i]!.length
  const bytes = new Uint8Array(starts[VOCABULARY_WORDS]!)
  list.forEach((w, i) => bytes.set(w, starts[i]!))
  vocabulary = { bytes, starts }
  return vocabulary
}

function fillText(rng: Rng, out: Uint8Array): void {
  const { bytes, starts } = words()
  let i = 0
  let onLine = 0
  const n = out.length
  while (i < n) {
    // Squaring a uniform skews picks toward the first (short, common) words, roughly Zipf-like.
    const f = rng.float()
    const k = Math.floor(f * f * VOCABULARY_WORDS)
    const at = starts[k]!
    const take = Math.min(starts[k + 1]! - at, n - i)
    // Words are 2-12 bytes: a byte loop beats a TypedArray.set call per word by far.
    for (let j = 0; j < take; j++) out[i + j] = bytes[at + j]!
    i += take
    if (i < n) out[i++] = ++onLine >= 12 ? 10 : 32
    if (onLine >= 12) onLine = 0
  }
}

function fillSparse(rng: Rng, out: Uint8Array): void {
  out.fill(0)
  for (let p = 0; p < out.length; p += 4096) {
    if (rng.u32() % 8 === 0) rng.fill(out.subarray(p, Math.min(p + 4096, out.length)))
  }
}

/** Text compressed per member; 64 KiB in gives a member of ~20 KiB, as a log rotated into .gz would. */
const MEMBER_TEXT = 64 << 10

/**
 * Already-compressed data: gzip members of seeded text, back to back (a valid multi-member gzip stream,
 * cut where `out` ends). fflate is pure JavaScript, so the same text deflates to the same bytes on every
 * machine; Node's zlib may pick other matches depending on the CPU's SIMD support.
 */
function fillCompressed(rng: Rng, out: Uint8Array): void {
  let i = 0
  while (i < out.length) {
    // Text deflates to ~0.56 of its size: twice the room left (plus the gzip header) fills it in one member.
    const text = new Uint8Array(Math.min(MEMBER_TEXT, 2 * (out.length - i) + 64))
    fillText(rng, text)
    // mtime 0: a fixed header (gzip's timestamp would otherwise come from the clock).
    const member = gzipSync(text, { level: 6, mtime: 0 })
    const take = Math.min(member.length, out.length - i)
    out.set(take === member.length ? member : member.subarray(0, take), i)
    i += take
  }
}

const MIXED = ['random', 'text', 'sparse', 'compressed'] as const

/** Fills out with content of the model, every byte from rng. */
export function fillContent(rng: Rng, model: ContentModel, out: Uint8Array): Uint8Array {
  switch (model) {
    case 'random':
      return rng.fill(out)
    case 'text':
      fillText(rng, out)
      return out
    case 'sparse':
      fillSparse(rng, out)
      return out
    case 'zeros':
      return out.fill(0)
    case 'periodic': {
      // The pattern's length is drawn first, then its bytes; the fill repeats it by doubling copies.
      const period = rng.range(64, 4096)
      const n = Math.min(period, out.length)
      rng.fill(out.subarray(0, n))
      for (let have = n; have < out.length; have *= 2) out.copyWithin(have, 0, Math.min(have, out.length - have))
      return out
    }
    case 'compressed':
      fillCompressed(rng, out)
      return out
    case 'mixed': {
      let i = 0
      while (i < out.length) {
        const len = Math.min(rng.logRange(16 << 10, 1 << 20), out.length - i)
        const pick = MIXED[rng.int(MIXED.length)]!
        fillContent(rng, pick, out.subarray(i, i + len))
        i += len
      }
      return out
    }
  }
}

export function makeContent(rng: Rng, model: ContentModel, length: number): Uint8Array {
  return fillContent(rng, model, new Uint8Array(length))
}
