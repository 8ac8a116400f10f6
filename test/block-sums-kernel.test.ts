/**
 * The signature's WASM block weak sums: the committed binary is its text compiled, and the digests equal
 * blockWeakSums (the JavaScript the signature used before) for both s1/s2 sums, any block size and a
 * short last block, on random and low-entropy bytes.
 */
import { describe, expect, it } from 'vitest'
import { compileBlockSumsKernel } from '../scripts/build-wasm.ts'
import { BLOCK_SUMS_KERNEL_BASE64 } from '../strategies/rolling/block-sums-kernel-wasm.ts'
import { BlockSumsKernel } from '../strategies/rolling/block-sums-kernel.ts'
import { blockWeakSums } from '../strategies/rolling/rolling-checksum.ts'
import { Rng } from '../core/seeded-random.ts'

describe('block sums kernel', () => {
  it('the committed binary is block-sums-kernel-wat.ts compiled (run `npm run build:wasm` after editing it)', async () => {
    expect(Buffer.from(BLOCK_SUMS_KERNEL_BASE64, 'base64').equals(Buffer.from(await compileBlockSumsKernel()))).toBe(true)
  })

  it.each(['rsync', 'rollsum'] as const)('%s: the digests of blockWeakSums at every block size tried', (kind) => {
    const rng = new Rng(`block-sums-${kind}`)
    const data = rng.bytes(200_000)
    data.fill(0xff, 1000, 40_000) // long runs of high bytes: the sums wrap
    data.fill(0, 50_000, 60_000)
    const k = new BlockSumsKernel(data.length)
    k.area(data.length).set(data)
    for (const bs of [1, 3, 15, 16, 17, 64, 700, 4096, 16384, 65536, 200_000]) {
      for (const length of [data.length, data.length - 5]) {
        const count = Math.ceil(length / bs)
        const lastLen = length - (count - 1) * bs
        const want = new Int32Array(count + 2)
        const got = new Int32Array(count + 2)
        blockWeakSums(kind, data, 0, count, bs, lastLen, want, 2)
        k.sums(kind, count, bs, lastLen, got, 2)
        expect(Buffer.from(got.buffer).equals(Buffer.from(want.buffer)), `block ${bs}, length ${length}`).toBe(true)
      }
    }
  })
})
