/**
 * The WASM rolling kernel: the committed binary is its text compiled, and it stops exactly where a
 * per-byte JavaScript reference (RollingSum + BlockIndex) finds a weak-sum hit, with the same sums.
 */
import { describe, expect, it } from 'vitest'
import { compileRollingKernel } from '../scripts/build-wasm.ts'
import { BlockIndex } from '../strategies/rolling/block-index.ts'
import { RollingKernel } from '../strategies/rolling/rolling-kernel.ts'
import { ROLLING_KERNEL_BASE64 } from '../strategies/rolling/rolling-kernel-wasm.ts'
import { RollingSum, WEAK_SUMS, weakSum, type WeakSumName } from '../strategies/rolling/rolling-checksum.ts'
import { Rng } from '../core/seeded-random.ts'

describe('rolling kernel: build', () => {
  it('the committed binary is rolling-kernel-wat.ts compiled (run `npm run build:wasm` after editing it)', async () => {
    const fresh = await compileRollingKernel()
    expect(Buffer.from(ROLLING_KERNEL_BASE64, 'base64').equals(Buffer.from(fresh))).toBe(true)
  })
})

/** Bytes where a few windows repeat (real hits) among random and low-entropy stretches (prefilter noise). */
function testData(rng: Rng, n: number): Uint8Array {
  const d = rng.bytes(n)
  for (let i = 0; i < n; i += 997) d.fill(i % 3 === 0 ? 0 : 0x41, i, Math.min(n, i + 200))
  return d
}

describe.each(WEAK_SUMS)('rolling kernel: %s', (kind: WeakSumName) => {
  const rng = new Rng(`kernel-${kind}`)

  it('computes window sums equal to weakSum at any length', () => {
    const data = testData(rng, 4096)
    const index = new BlockIndex(new Int32Array(0), 0)
    for (const k of [1, 2, 3, 4, 5, 7, 64, 700, 1001]) {
      const kernel = new RollingKernel(index, data.length, kind, k)
      kernel.data.set(data)
      for (const p of [0, 1, 13, 4096 - k]) {
        kernel.sum(p)
        expect(kernel.digest() >>> 0, `k=${k} p=${p}`).toBe(weakSum(kind, data, p, k) >>> 0)
      }
    }
  })

  for (const k of [4, 5, 64, 333]) {
    it(`stops exactly where a per-byte reference finds a weak-sum hit (window ${k})`, () => {
      const n = 60_000
      const data = testData(rng, n)
      // The table holds the sums of 40 windows of the data (hits), and 3,000 random sums, which set
      // enough prefilter bits that many offsets probe the table and miss.
      const weak = new Int32Array(3040)
      for (let i = 0; i < 40; i++) weak[i] = weakSum(kind, data, rng.int(n - k), k)
      for (let i = 40; i < weak.length; i++) weak[i] = rng.u32() | 0
      const index = new BlockIndex(weak, weak.length)
      const kernel = new RollingKernel(index, n, kind, k)
      kernel.data.set(data)

      const ref = new RollingSum(kind)
      for (let i = 0; i < k; i++) ref.rollIn(data[i]!)
      const expected: number[] = []
      for (let p = 1; p + k <= n; p++) {
        ref.rotate(data[p - 1]!, data[p + k - 1]!)
        if (index.first(ref.digest()) >= 0) expected.push(p)
      }
      expect(expected.length).toBeGreaterThan(30)

      const got: number[] = []
      kernel.sum(0)
      let p = 0
      const last = n - k
      // Rolls in strides of odd lengths, so every tail path (fewer than four windows left) is taken too.
      const strides = [1, 2, 3, 5, 4099]
      for (let s = 0; p < last; s++) {
        const stop = kernel.roll(p, Math.min(last, p + strides[s % strides.length]!))
        if (kernel.head >= 0) {
          got.push(stop)
          expect(kernel.head).toBe(index.first(kernel.digest()))
        }
        expect(kernel.digest() >>> 0, `sum at ${stop}`).toBe(weakSum(kind, data, stop, k) >>> 0)
        p = stop
      }
      expect(got).toEqual(expected)
    })
  }

  it('refuses a roll or a sum that would read past its chunk', () => {
    const kernel = new RollingKernel(new BlockIndex(new Int32Array(0), 0), 100, kind, 10)
    expect(() => kernel.roll(0, 91)).toThrow(/reads past the 100-byte chunk/)
    expect(() => kernel.sum(91)).toThrow(/runs past the 100-byte chunk/)
  })
})
