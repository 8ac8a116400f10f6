import type { Primitive } from './primitive.ts'
import { BlockIndex } from '../strategies/rolling/block-index.ts'
import { blockWeakSums, rabinKarpPow, WEAK_SUMS } from '../strategies/rolling/rolling-checksum.ts'
import { RollingKernel } from '../strategies/rolling/rolling-kernel.ts'
import { BlockSumsKernel } from '../strategies/rolling/block-sums-kernel.ts'
import { rollRabinKarp, rollS1S2Pow2 } from './rolling-js-baseline.ts'
import { Rng } from '../core/seeded-random.ts'

const BUFFER = 4 << 20
const WINDOW = 4096

/**
 * The rsync-rolling building blocks: the rolling loop over a volume where nothing matches (an empty
 * prefilter, so it never leaves the loop: the no-match case's inner speed), as the WASM kernel the
 * sender runs and as the JavaScript loop it replaced (bench/rolling-js-baseline.ts), measured in one
 * run; block weak sums for the signature; and weak-sum lookups in the block index.
 */
export async function extraPrimitives(): Promise<Primitive[]> {
  const data = new Rng('primitives-rolling').bytes(BUFFER)
  const signed = new Int8Array(data.buffer, data.byteOffset, data.length)
  const emptyBitmap = new Int32Array(1 << 17) // the 512 KiB prefilter, no bit set
  const last = BUFFER - WINDOW - 2
  const noBlocks = new BlockIndex(new Int32Array(0), 0)
  const kernelSlide = (kind: 'rsync' | 'rabin-karp', label: string): Primitive => {
    const kernel = new RollingKernel(noBlocks, BUFFER, kind, WINDOW)
    kernel.data.set(data)
    return {
      group: 'rolling',
      variant: `${label} slide, WASM kernel`,
      blockSize: WINDOW,
      bytesPerOp: last,
      fn: () => {
        kernel.sum(0)
        return kernel.roll(0, last)
      },
    }
  }
  const out: Primitive[] = [
    kernelSlide('rsync', 'rsync s1/s2'),
    kernelSlide('rabin-karp', 'rabin-karp'),
    {
      group: 'rolling',
      variant: 'rsync s1/s2 slide, JavaScript (replaced)',
      blockSize: WINDOW,
      bytesPerOp: last,
      fn: () => rollS1S2Pow2(signed, 0, last, WINDOW, 12, 0, emptyBitmap, new Int32Array(8)),
    },
    {
      group: 'rolling',
      variant: 'rabin-karp slide, JavaScript (replaced)',
      blockSize: WINDOW,
      bytesPerOp: last,
      fn: () => rollRabinKarp(data, 0, last, WINDOW, rabinKarpPow(WINDOW), emptyBitmap, new Int32Array(8)),
    },
  ]
  const count = BUFFER / WINDOW
  for (const kind of WEAK_SUMS) {
    out.push({ group: 'block-weak-sums', variant: kind, blockSize: WINDOW, bytesPerOp: BUFFER, fn: () => blockWeakSums(kind, data, 0, count, WINDOW, WINDOW, new Int32Array(count), 0) })
  }
  // The signature's WASM SIMD sums over the same bytes, already in the kernel's memory as the signature reads them.
  const sumsKernel = new BlockSumsKernel(BUFFER)
  sumsKernel.area(BUFFER).set(data)
  for (const kind of ['rsync', 'rollsum'] as const) {
    out.push({ group: 'block-weak-sums', variant: `${kind}, WASM kernel`, blockSize: WINDOW, bytesPerOp: BUFFER, fn: () => sumsKernel.sums(kind, count, WINDOW, WINDOW, new Int32Array(count), 0) })
  }
  // 16,384 blocks' sums in the index; a million lookups of random sums (most miss, as on a changed volume).
  const weak = new Int32Array(16_384)
  const rng = new Rng('primitives-index')
  for (let i = 0; i < weak.length; i++) weak[i] = rng.u32() | 0
  const index = new BlockIndex(weak, weak.length)
  const probes = new Int32Array(1 << 20)
  for (let i = 0; i < probes.length; i++) probes[i] = i % 4 === 0 ? weak[i % weak.length]! : rng.u32() | 0
  out.push({
    group: 'block-index',
    variant: 'lookups (millions/s in the MB/s column)',
    blockSize: 0,
    bytesPerOp: probes.length,
    fn: () => {
      let hits = 0
      for (let i = 0; i < probes.length; i++) if (index.maybe(probes[i]!) && index.first(probes[i]!) >= 0) hits++
      return hits
    },
  })
  return out
}
