import { createXXHash128 } from 'hash-wasm'
import type { Primitive } from './primitive.ts'
import { MemoryVolume } from '../core/volume.ts'
import { Rng } from '../core/seeded-random.ts'
import { BlockHashes } from '../strategies/shared/block-hashes.ts'
import { createStrongHasher } from '../strategies/shared/strong-hash.ts'
import { Xxh128Kernel, Xxh128Stream } from '../strategies/shared/xxh128-kernel.ts'
import { serializeManifest, takeManifest } from '../strategies/tracking/block-manifest.ts'

const BUFFER = 4 << 20
export const XXH128_BLOCK_SIZES = [512, 4096, 65536] as const
const GROUP = 'xxh128'
export const RAW_HASH_WASM = 'raw: hash-wasm, one 4 MiB buffer'
export const RAW_KERNEL = 'raw: kernel, one 4 MiB buffer'
export const KERNEL_IN_PLACE = 'kernel, one 4 MiB buffer already in its memory'
export const IN_STRATEGY = 'in-strategy: fixed-block-compare signature (BlockHashes)'
const MANIFEST = 'in-strategy: snapshot-diff manifest (takeManifest + serializeManifest)'
const MANIFEST_REUSED = 'BlockHashes.all into a reused array'
const MANIFEST_FRESH = 'BlockHashes.all into a fresh array'
export const STREAM_HASH_WASM = 'stream: hash-wasm xxh128, 16 KiB pieces'
export const STREAM_KERNEL = 'stream: kernel (stream-digest.ts), 16 KiB pieces'
const STREAM_PIECE = 16 << 10
const BEFORE = 'before: hash-wasm, a call per block'

/**
 * Block hashing against raw xxh128, measured in one run (issue 18): raw is one big buffer hashed by
 * hash-wasm or by our kernel (each given a JS buffer, which both copy into their memory); in-strategy is
 * what fixed-block-compare, snapshot-diff's manifests and rsync-rolling's signature run (BlockHashes or
 * hashBlocks over volume bytes, a batch at a time); "before" is the per-block hash-wasm call they made.
 * The kernel over bytes already in its memory is shown as the ceiling. The stream rows are the whole-volume
 * digest fed piece by piece: hash-wasm's streaming xxh128 (used until now) and the kernel's.
 */
export async function xxh128Primitives(): Promise<Primitive[]> {
  const data = new Rng('primitives-xxh128').bytes(BUFFER)
  const volume = new MemoryVolume(data)
  const hw = await createXXHash128()
  const kernel = new Xxh128Kernel(BUFFER)
  const area = kernel.input(BUFFER)
  area.set(data)
  const hasher = await createStrongHasher('xxh128')
  const signature = new Uint8Array((BUFFER / XXH128_BLOCK_SIZES[0]) * 16)
  const stream = new Xxh128Stream() // what stream-digest.ts makes for xxh128
  const one = (variant: string, fn: () => unknown): Primitive => ({ group: GROUP, variant, blockSize: BUFFER, bytesPerOp: BUFFER, fn })
  const out: Primitive[] = [
    one(RAW_HASH_WASM, () => {
      hw.init()
      hw.update(data)
      return hw.digest('binary')
    }),
    one(RAW_KERNEL, () => kernel.hash(data)),
    one(KERNEL_IN_PLACE, () => kernel.hash(area)),
    // The whole-volume digest as the delta's receiver feeds it (literal pieces); each op a new digest.
    one(STREAM_HASH_WASM, () => {
      hw.init()
      for (let at = 0; at < BUFFER; at += STREAM_PIECE) hw.update(data.subarray(at, at + STREAM_PIECE))
      return hw.digest('binary')
    }),
    one(STREAM_KERNEL, () => {
      const d = stream
      for (let at = 0; at < BUFFER; at += STREAM_PIECE) d.update(data.subarray(at, at + STREAM_PIECE))
      const out = d.digest()
      d.reset()
      return out
    }),
  ]
  const reused = new Uint8Array((BUFFER / XXH128_BLOCK_SIZES[0]) * 16)
  for (const bs of XXH128_BLOCK_SIZES) {
    const blocks = BUFFER / bs
    out.push({
      group: GROUP,
      variant: IN_STRATEGY,
      blockSize: bs,
      bytesPerOp: BUFFER,
      fn: () => {
        // As the receiver's signature is written: every block's digest, copied out a frame at a time.
        new BlockHashes(volume, bs, hasher).copyTruncated(0, blocks, 16, signature, 0)
      },
    })
    // What snapshot-diff runs per sync: one manifest, hashed into its serialized form (1/32 of the bytes at 512 B).
    out.push({ group: GROUP, variant: MANIFEST, blockSize: bs, bytesPerOp: BUFFER, fn: () => serializeManifest(takeManifest(volume, bs, hasher)) })
    // The same hashing into fresh memory and into memory already touched: what the allocation costs.
    out.push({ group: GROUP, variant: MANIFEST_FRESH, blockSize: bs, bytesPerOp: BUFFER, fn: () => new BlockHashes(volume, bs, hasher).all() })
    out.push({ group: GROUP, variant: MANIFEST_REUSED, blockSize: bs, bytesPerOp: BUFFER, fn: () => new BlockHashes(volume, bs, hasher).all(reused) })
    out.push({
      group: GROUP,
      variant: BEFORE,
      blockSize: bs,
      bytesPerOp: BUFFER,
      fn: () => {
        for (let o = 0; o < BUFFER; o += bs) {
          hw.init()
          hw.update(volume.read(o, bs))
          hw.digest('binary')
        }
      },
    })
  }
  return out
}

interface Row {
  group: string
  variant: string
  block_size: number
  mb_per_s: number
}

/** Raw and in-strategy side by side: in-strategy as a share of raw (the faster raw) at each block size. */
export function xxh128Table(rows: readonly Row[]): string[][] | undefined {
  const get = (variant: string, bs = BUFFER) => rows.find((r) => r.group === GROUP && r.variant === variant && r.block_size === bs)?.mb_per_s
  const rawHw = get(RAW_HASH_WASM)
  const rawK = get(RAW_KERNEL)
  if (rawHw === undefined || rawK === undefined) return undefined
  const raw = Math.max(rawHw, rawK)
  const ceiling = get(KERNEL_IN_PLACE)
  const pct = (a: number | undefined, b: number | undefined) => (a !== undefined && b ? `${((a / b) * 100).toFixed(0)}%` : '-')
  const head = ['block', 'fixed-block-compare', 'of raw', 'of in-place', 'manifest', 'of raw', 'all(), fresh array', 'all(), reused array', 'before (hash-wasm)', 'raw']
  return [
    head,
    ...XXH128_BLOCK_SIZES.map((bs) => {
      const mine = get(IN_STRATEGY, bs)
      const manifest = get(MANIFEST, bs)
      const mbs = (variant: string) => get(variant, bs)?.toFixed(0) ?? '-'
      return [String(bs), mbs(IN_STRATEGY), pct(mine, raw), pct(mine, ceiling), mbs(MANIFEST), pct(manifest, raw), mbs(MANIFEST_FRESH), mbs(MANIFEST_REUSED), mbs(BEFORE), raw.toFixed(0)]
    }),
  ]
}
