/**
 * FastCDC 2020 as a WebAssembly instance (source, layout and reasons: fastcdc-kernel-wat.ts). The
 * kernel reads its own memory, so the data goes in by windows: a window holds at least 2 × max bytes
 * and is refilled from the chunk's start when a chunk could run past it.
 */
import type { Chunker } from './chunker.ts'
import { gearTables } from './gear-table.ts'
import type { FastCdcParams } from './fastcdc-options.ts'
import { FASTCDC_DATA, FASTCDC_GEAR, FASTCDC_GEAR_LS, FASTCDC_STATE } from './fastcdc-kernel-wat.ts'
import { FASTCDC_KERNEL_BASE64 } from './fastcdc-kernel-wasm.ts'
import { instantiateKernel } from '../../core/wasm-kernel.ts'

interface KernelExports {
  memory: { buffer: ArrayBuffer; grow(pages: number): number }
  cut(p: number, n: number): number
}

/** Default window: large enough that refills are rare, small enough to stay in cache-friendly memory. */
const WINDOW = 4 << 20

export class FastCdcWasm implements Chunker {
  readonly name = 'fastcdc-v2020-wasm'
  private readonly ex: KernelExports
  private readonly window: Uint8Array
  private readonly hash: BigUint64Array
  /** What the window holds: data[from, from + held) of `source`. */
  private source: Uint8Array | undefined
  private from = 0
  private held = 0

  constructor(private readonly p: FastCdcParams) {
    if (p.form !== 'v2020') throw new Error(`fastcdc-kernel: the kernel runs the v2020 form, not ${p.form}`)
    this.ex = instantiateKernel<KernelExports>(FASTCDC_KERNEL_BASE64)
    const size = Math.max(WINDOW, 2 * p.max)
    const mem = this.ex.memory
    const need = FASTCDC_DATA + size
    if (mem.buffer.byteLength < need) mem.grow(Math.ceil((need - mem.buffer.byteLength) / 65536))
    // Views are made after the grow: growing detaches the buffer earlier views were made on.
    const { gear, gearLs } = gearTables(p.seed)
    new BigUint64Array(mem.buffer, FASTCDC_GEAR, 256).set(gear.words)
    new BigUint64Array(mem.buffer, FASTCDC_GEAR_LS, 256).set(gearLs.words)
    this.hash = new BigUint64Array(mem.buffer, FASTCDC_STATE, 3)
    this.hash[1] = p.maskS
    this.hash[2] = p.maskL
    new Uint32Array(mem.buffer, FASTCDC_STATE + 24, 3).set([p.min, p.avg, p.max])
    this.window = new Uint8Array(mem.buffer, FASTCDC_DATA, size)
  }

  lastHash(): bigint {
    return this.hash[0]!
  }

  cut(data: Uint8Array, start: number, end: number): number {
    const need = Math.min(end, start + this.p.max)
    if (data !== this.source || start < this.from || need > this.from + this.held) {
      const n = Math.min(end - start, this.window.length)
      this.window.set(data.subarray(start, start + n))
      this.source = data
      this.from = start
      this.held = n
    }
    return this.ex.cut(start - this.from, end - start)
  }

  /** Forgets the window (call when the data it copied may have changed in place). */
  reset(): void {
    this.source = undefined
  }

  /**
   * A kernel for these parameters, reused across calls in this process: a fresh instance's window is
   * fresh memory, and on the harness's virtual machines faulting its pages in cost more than cutting a
   * 16 MiB volume (~40 ms a sync). The window is forgotten, so the caller starts clean. Use it within one
   * synchronous pass (chunkVolume): a second caller in between would move its window.
   */
  static reused(p: FastCdcParams): FastCdcWasm {
    const key = `${p.form}/${p.min}/${p.avg}/${p.max}/${p.normalization}/${p.seed}/${p.maskS}/${p.maskL}`
    let k = kept.get(key)
    if (k) kept.delete(key)
    else k = new FastCdcWasm(p)
    kept.set(key, k) // re-inserted: the Map's order is the recency order
    if (kept.size > KEEP) kept.delete(kept.keys().next().value!)
    k.reset()
    return k
  }
}

/** Kernels kept by FastCdcWasm.reused: a sweep's block sizes, each window 4-8 MiB. */
const KEEP = 8
const kept = new Map<string, FastCdcWasm>()
