import { createXXHash128 } from 'hash-wasm'
import type { Primitive } from './primitive.ts'
import { MemoryVolume } from '../core/volume.ts'
import { Rng } from '../core/seeded-random.ts'
import { BlockHashes } from '../strategies/shared/block-hashes.ts'
import { createStrongHasher } from '../strategies/shared/strong-hash.ts'
import { Xxh128Kernel } from '../strategies/shared/xxh128-kernel.ts'

const BUFFER = 4 << 20
export const XXH128_BLOCK_SIZES = [512, 4096, 65536] as const
const GROUP = 'xxh128'
export const RAW_HASH_WASM = 'raw: hash-wasm, one 4 MiB buffer'
export const RAW_KERNEL = 'raw: kernel, one 4 MiB buffer'
export const KERNEL_IN_PLACE = 'kernel, one 4 MiB buffer already in its memory'
export const IN_STRATEGY = 'in-strategy: fixed-block-compare signature (BlockHashes)'
const MANIFEST = 'in-strategy: snapshot-diff manifest (BlockHashes.all)'
const BEFORE = 'before: hash-wasm, a call per block'

/**
 * Block hashing against raw xxh128, measured in one run (issue 18): raw is one big buffer hashed by
 * hash-wasm or by our kernel (each given a JS buffer, which both copy into their memory); in-strategy is
 * what fixed-block-compare, snapshot-diff's manifests and rsync-rolling's signature run (BlockHashes or
 * hashBlocks over volume bytes, a batch at a time); "before" is the per-block hash-wasm call they made.
 * The kernel over bytes already in its memory is shown as the ceiling.
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
  const one = (variant: string, fn: () => unknown): Primitive => ({ group: GROUP, variant, blockSize: BUFFER, bytesPerOp: BUFFER, fn })
  const out: Primitive[] = [
    one(RAW_HASH_WASM, () => {
      hw.init()
      hw.update(data)
      return hw.digest('binary')
    }),
    one(RAW_KERNEL, () => kernel.hash(data)),
    one(KERNEL_IN_PLACE, () => kernel.hash(area)),
  ]
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
    // A fresh manifest array per op (1/32 of the bytes at 512 B), as snapshot-diff makes one per sync.
    out.push({ group: GROUP, variant: MANIFEST, blockSize: bs, bytesPerOp: BUFFER, fn: () => new BlockHashes(volume, bs, hasher).all() })
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
  const head = ['block', 'fixed-block-compare', 'of raw', 'of in-place', 'manifest', 'of raw', 'before (hash-wasm)', 'raw']
  return [
    head,
    ...XXH128_BLOCK_SIZES.map((bs) => {
      const mine = get(IN_STRATEGY, bs)
      const manifest = get(MANIFEST, bs)
      return [String(bs), mine?.toFixed(0) ?? '-', pct(mine, raw), pct(mine, ceiling), manifest?.toFixed(0) ?? '-', pct(manifest, raw), get(BEFORE, bs)?.toFixed(0) ?? '-', raw.toFixed(0)]
    }),
  ]
}
