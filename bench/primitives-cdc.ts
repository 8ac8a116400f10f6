import type { Primitive } from './primitive.ts'
import { Rng } from '../core/seeded-random.ts'
import { chunkAll } from '../strategies/cdc/chunker.ts'
import { CasyncChunker } from '../strategies/cdc/casync-chunker.ts'
import { FastCdcJs } from '../strategies/cdc/fastcdc-js.ts'
import { FastCdcWasm } from '../strategies/cdc/fastcdc-kernel.ts'
import { FASTCDC_OPTIONS, fastCdcParams } from '../strategies/cdc/fastcdc-options.ts'
import { RonomonChunker } from '../strategies/cdc/ronomon.ts'
import { defaultsOf } from '../core/options.ts'

const BUFFER = 16 << 20

/**
 * The content-defined chunkers on random data, chunking a whole 16 MiB buffer per operation (the WASM
 * kernel's copy into its memory included), all at average 8 KiB (min 2 KiB, max 64 KiB; casync at
 * its own rule, min avg/4, max avg·4): FastCDC 2020 as the WASM kernel, the same and the 2016 form
 * as plain JS loops, ronomon's variant, and casync's buzhash chunker. `npm run bench:primitives -- cdc`.
 */
export function cdcPrimitives(): Primitive[] {
  const data = new Rng('primitives-cdc').bytes(BUFFER)
  const sizes = { min: 2048, avg: 8192, max: 65536 }
  const params = (form: 'v2016' | 'v2020' | 'ronomon') => fastCdcParams('bench', { ...defaultsOf(FASTCDC_OPTIONS), ...sizes, form })
  const chunkers = [
    new FastCdcWasm(params('v2020')),
    new FastCdcJs(params('v2020')),
    new FastCdcJs(params('v2016')),
    new RonomonChunker(params('ronomon')),
    new CasyncChunker('bench', { min: 2048, avg: 8192, max: 32768 }),
  ]
  return chunkers.map((c) => ({ group: 'cdc', variant: c.name, blockSize: 8192, bytesPerOp: BUFFER, fn: () => chunkAll(c, data).lengths.length }))
}
