/**
 * FastCDC: every published vector set (cut lengths and gear hashes, test/fixtures/fastcdc/, see its
 * README) in every form that claims it, the WASM kernel's binary is its text compiled, the 2016 and
 * 2020 forms cut alike on random data, min and max hold, and bad options are refused.
 */
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { compileFastCdcKernel } from '../scripts/build-wasm.ts'
import { ConfigError } from '../core/errors.ts'
import { Rng } from '../core/seeded-random.ts'
import { chunkAll, type Chunker } from '../strategies/cdc/chunker.ts'
import { FastCdcJs } from '../strategies/cdc/fastcdc-js.ts'
import { FastCdcWasm } from '../strategies/cdc/fastcdc-kernel.ts'
import { FASTCDC_KERNEL_BASE64 } from '../strategies/cdc/fastcdc-kernel-wasm.ts'
import { FASTCDC_OPTIONS, fastCdcParams, type FastCdcOptions } from '../strategies/cdc/fastcdc-options.ts'
import { RonomonChunker } from '../strategies/cdc/ronomon.ts'
import { defaultsOf } from '../core/options.ts'

const FIXTURES = new URL('./fixtures/fastcdc/', import.meta.url)
interface VectorSet {
  version: 'v2016' | 'v2020' | 'ronomon'
  test: string
  min: number
  avg: number
  max: number
  normalization: number | null
  seed: number
  lengths: number[]
  gear_hashes_at_cut: string[]
}
const vectors = JSON.parse(readFileSync(new URL('sekien-cut-points.json', FIXTURES), 'utf8')) as { file_bytes: number; sets: VectorSet[] }
const image = readFileSync(new URL('SekienAkashita.jpg', FIXTURES))

const opts = (o: Partial<FastCdcOptions>): FastCdcOptions => ({ ...defaultsOf(FASTCDC_OPTIONS), ...o })

/** Every chunker that runs a form: the JS loop, and for v2020 the WASM kernel too. */
function chunkers(o: FastCdcOptions): Chunker[] {
  const p = fastCdcParams('fastcdc', o)
  if (p.form === 'ronomon') return [new RonomonChunker(p)]
  return p.form === 'v2020' ? [new FastCdcJs(p), new FastCdcWasm(p)] : [new FastCdcJs(p)]
}

describe('fastcdc: the published vectors', () => {
  it('has the twelve sets and the image they were made on', () => {
    expect(vectors.sets).toHaveLength(12)
    expect(image.length).toBe(vectors.file_bytes)
  })

  for (const s of vectors.sets) {
    it(`${s.version} ${s.test}: every cut length and gear hash`, () => {
      const o = opts({ form: s.version, min: s.min, avg: s.avg, max: s.max, normalization: s.normalization ?? 1, seed: s.seed })
      for (const c of chunkers(o)) {
        const got = chunkAll(c, image, true)
        expect(got.lengths, c.name).toEqual(s.lengths)
        expect(got.hashes.map(String), c.name).toEqual(s.gear_hashes_at_cut)
      }
    })
  }

  it('a wrong seed or a wrong level does not pass (the check can fail)', () => {
    const s = vectors.sets.find((x) => x.test === 'test_cut_sekien_16k_chunks' && x.version === 'v2020')!
    for (const o of [{ seed: 1 }, { normalization: 2 }]) {
      const got = chunkAll(new FastCdcJs(fastCdcParams('fastcdc', opts({ min: s.min, avg: s.avg, max: s.max, ...o }))), image, true)
      expect(got.hashes.map(String)).not.toEqual(s.gear_hashes_at_cut)
    }
  })
})

describe('fastcdc: the WASM kernel', () => {
  it('the committed binary is fastcdc-kernel-wat.ts compiled (run `npm run build:wasm` after editing it)', async () => {
    const fresh = await compileFastCdcKernel()
    expect(Buffer.from(FASTCDC_KERNEL_BASE64, 'base64').equals(Buffer.from(fresh))).toBe(true)
  })

  it('cuts as the JS loop on data longer than its window (refills), with hashes', () => {
    const data = new Rng('fastcdc-window').bytes(9 << 20)
    const o = opts({ min: 1024, avg: 4096, max: 3 << 20 })
    const [js, wasm] = chunkers(o).map((c) => chunkAll(c, data, true))
    expect(wasm).toEqual(js)
  })
})

describe('fastcdc: 2016 and 2020 forms', () => {
  const rng = new Rng('fastcdc-forms')
  for (const [min, avg, max, level] of [[64, 256, 1024, 0], [2048, 8192, 65536, 1], [4096, 16384, 65536, 2], [256, 1024, 8192, 3]] as const) {
    it(`cut alike on random data (min ${min}, avg ${avg}, max ${max}, level ${level})`, () => {
      for (let k = 0; k < 4; k++) {
        const data = rng.bytes(((1 << 20) + k * 2) & ~1) // even lengths: see the odd-tail test
        const a = chunkAll(new FastCdcJs(fastCdcParams('f', opts({ form: 'v2016', min, avg, max, normalization: level }))), data, true)
        const b = chunkAll(new FastCdcWasm(fastCdcParams('f', opts({ form: 'v2020', min, avg, max, normalization: level }))), data, true)
        expect(b.lengths).toEqual(a.lengths)
        expect(a.lengths.length).toBeGreaterThan(data.length / max)
        // The 2020 form reports the hash as it stood when tested: shifted left one at an even position.
        // (Not the last chunk: an odd remainder's last byte is not hashed by the 2020 form.)
        b.hashes.slice(0, -1).forEach((h, i) => expect([a.hashes[i], (a.hashes[i]! << 1n) & 0xffffffffffffffffn]).toContain(h))
      }
    })
  }

  it('with an odd remainder the 2020 form steps over the last byte the 2016 form tests (the crate does the same)', () => {
    const rng2 = new Rng('fastcdc-odd-tail')
    const o = { min: 64, avg: 256, max: 1024, normalization: 0 }
    const v16 = new FastCdcJs(fastCdcParams('f', opts({ ...o, form: 'v2016' })))
    const v20 = new FastCdcJs(fastCdcParams('f', opts({ ...o, form: 'v2020' })))
    let found = 0
    for (let k = 0; k < 5000 && found < 3; k++) {
      const data = rng2.bytes(301) // one chunk: center = remaining = 301, odd
      const a = v16.cut(data, 0, data.length)
      const b = v20.cut(data, 0, data.length)
      if (a === 300) {
        expect(b).toBe(301)
        found++
      } else expect(b).toBe(a)
    }
    expect(found).toBe(3)
  })
})

describe('fastcdc: sizes and options', () => {
  it('every chunk but the last is within [min, max] in every form', () => {
    const data = new Rng('fastcdc-bounds').bytes(2 << 20)
    data.fill(0, 300_000, 700_000) // zeros never match: max-size chunks
    for (const form of ['v2016', 'v2020', 'ronomon'] as const) {
      for (const c of chunkers(opts({ form, min: 1000, avg: 4096, max: 10_000 }))) {
        const { lengths } = chunkAll(c, data)
        expect(lengths.reduce((s, n) => s + n, 0)).toBe(data.length)
        expect(Math.min(...lengths.slice(0, -1)), c.name).toBeGreaterThan(form === 'ronomon' ? 1000 : 999)
        expect(Math.max(...lengths), c.name).toBe(10_000)
      }
    }
  })

  it('refuses bad options with a ConfigError naming the fix', () => {
    const bad: Partial<FastCdcOptions>[] = [
      { min: 8192, avg: 4096 },
      { avg: 65536, max: 32768 },
      { min: 10 },
      { avg: 100 },
      { max: 32 << 20 },
      { normalization: 4 },
      { normalization: 1.5 },
      { seed: -1 },
      { form: 'ronomon', seed: 3 },
      { form: 'ronomon', normalization: 2 },
    ]
    for (const o of bad) expect(() => fastCdcParams('fastcdc', opts(o)), JSON.stringify(o)).toThrow(ConfigError)
    expect(() => fastCdcParams('fastcdc', opts({ min: 8192, avg: 4096 }))).toThrow(/min ≤ avg ≤ max.*--opt fastcdc\.min=/)
    expect(() => fastCdcParams('fastcdc', opts({}))).not.toThrow()
  })
})

describe('fastcdc: the reused kernel', () => {
  it('cuts as a fresh kernel does, also when the same array changed in place between passes', () => {
    const p = fastCdcParams('fastcdc', opts({ form: 'v2020', min: 256, avg: 1024, max: 4096 }))
    const data = new Rng('reused-kernel').bytes(256 << 10)
    const first = FastCdcWasm.reused(p)
    const before = chunkAll(first, data).lengths
    expect(before).toEqual(chunkAll(new FastCdcWasm(p), data).lengths)
    // The same array, other bytes: a kernel that kept its window would cut the old ones.
    new Rng('reused-kernel-2').fill(data.subarray(0, 128 << 10))
    const again = FastCdcWasm.reused(p)
    expect(again).toBe(first)
    const after = chunkAll(again, data).lengths
    expect(after).toEqual(chunkAll(new FastCdcWasm(p), data).lengths)
    expect(after).not.toEqual(before)
    expect(FastCdcWasm.reused(fastCdcParams('fastcdc', opts({ form: 'v2020', min: 256, avg: 2048, max: 8192 })))).not.toBe(first)
  })
})
