/**
 * The block ladder of `rsync-rounds` (coarse to fine, e.g. 8192,1024,128) and the strong-sum length each
 * round sends, chosen from the round's candidate count so that the chance of any false match in a sync
 * stays below 2^-falseMatchBits.
 */
import { ConfigError } from '../../core/errors.ts'

/** Finest and coarsest rung a ladder may hold; most rungs in each ladder (each costs a round trip). */
export const MIN_RUNG = 16
export const MAX_RUNG = 1 << 20
export const MAX_RUNGS = 6

/** Parses `8192,1024,128` (units allowed: 8KiB) into strictly decreasing block sizes, or says how to fix it. */
export function parseLadder(who: string, text: string): number[] {
  return parseRungs(`${who}.ladder`, text, 'ladder=8192,1024,128')
}

/**
 * Edge rungs `edges=auto` gives: the last rung halved twice. A check costs ~5 bytes and at b bytes extends
 * a neighbour by ~b/2 on average, and an extended byte saved ~0.1 coded literal byte at zstd -19 on the
 * typescript pair: so 256 and 128 pay after a 512 ladder and 64 and 32 do not (542,102 B with 256,128,
 * 563,816 B down to 32, 550,337 B with 256 alone: bench/rounds-driver.ts and the README's run).
 */
export const AUTO_EDGE_RUNGS = 2

/**
 * Parses the edge ladder (`256,128,64,32`, `auto` or `none`): strictly decreasing block sizes, each finer
 * than the search ladder's last rung (an edge check at a search rung's size finds what that search found
 * already). `auto` halves the last rung AUTO_EDGE_RUNGS times (none below MIN_RUNG).
 */
export function parseEdges(who: string, text: string, ladder: readonly number[]): number[] {
  if (/^\s*(none)?\s*$/i.test(text)) return []
  const last = ladder[ladder.length - 1]!
  if (/^\s*auto\s*$/i.test(text)) {
    const auto: number[] = []
    for (let b = last >> 1; b >= MIN_RUNG && auto.length < AUTO_EDGE_RUNGS; b >>= 1) auto.push(b)
    return auto
  }
  const edges = parseRungs(`${who}.edges`, text, 'edges=256,128,64,32, edges=auto or edges=none')
  if (edges[0]! >= last) throw new ConfigError(`${who}.edges: edge rung ${edges[0]} is not finer than the ladder's last rung ${last}; start the edges below it, e.g. edges=${last / 2},${last / 4}`)
  return edges
}

function parseRungs(key: string, text: string, example: string): number[] {
  const parts = text.split(',').map((s) => s.trim())
  const sizes = parts.map((p) => {
    const m = /^(\d+)\s*(k|kib|m|mib)?$/i.exec(p)
    if (!m) throw new ConfigError(`${key}: "${p}" is not a block size; write e.g. ${example}`)
    const unit = m[2]?.toLowerCase()
    return Number(m[1]) * (unit === undefined ? 1 : unit.startsWith('k') ? 1024 : 1 << 20)
  })
  if (sizes.length < 1 || sizes.length > MAX_RUNGS) throw new ConfigError(`${key}: ${sizes.length} rungs; give 1 to ${MAX_RUNGS} block sizes, e.g. ${example}`)
  for (const [i, s] of sizes.entries()) {
    if (s < MIN_RUNG || s > MAX_RUNG) throw new ConfigError(`${key}: block size ${s} is outside ${MIN_RUNG} B to ${MAX_RUNG} B; pick rungs in that range`)
    if (i > 0 && s >= sizes[i - 1]!) throw new ConfigError(`${key}: ${text} is not strictly decreasing (coarse blocks first); write e.g. ${example}`)
  }
  return sizes
}

/**
 * Strong-sum bits for `comparisons` (offset, block) checks that get `1 / share` of a sync's false-match
 * budget: a check passes by chance with probability 2^-strong, so the checks stay under 2^-bits / share
 * when strong ≥ log2 comparisons + bits + log2 share (only the strong sum is counted: the 16-bit weak filter
 * is a rolling sum whose bits are not uniform on text). At least 8 bits, at most the digest's.
 */
export function strongBitsFor(comparisons: number, bits: number, share: number, digestBits: number): number {
  const need = Math.log2(Math.max(1, comparisons)) + bits + Math.log2(share)
  return Math.min(digestBits, Math.max(8, Math.ceil(need)))
}
