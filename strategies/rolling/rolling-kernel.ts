/**
 * The sender's rolling loop as a WebAssembly instance (source, layout and reasons: rolling-kernel-wat.ts).
 * One instance per scan: its memory holds the prefilter, the weak-sum table and the source chunk the
 * scan slides over, which the scan fills in place through `data`.
 */
import type { BlockIndex } from './block-index.ts'
import { ROLLING_KERNEL_BASE64 } from './rolling-kernel-wasm.ts'
import { instantiateKernel, type WasmGlobal } from '../../core/wasm-kernel.ts'
import { XXH128_RESERVED, Xxh128OnMemory } from '../shared/xxh128-kernel.ts'
import { KERNEL_DATA, KERNEL_STATE } from './rolling-kernel-wat.ts'
import { charOffset, rabinKarpPow, RK_ADJ, type WeakSumName } from './rolling-checksum.ts'

interface KernelExports {
  memory: { buffer: ArrayBuffer; grow(pages: number): number }
  bitmapShift: WasmGlobal
  table: WasmGlobal
  tableShift: WasmGlobal
  tableMask: WasmGlobal
  rollSigned(p: number, last: number, k: number, kOff: number): number
  rollUnsigned(p: number, last: number, k: number, kOff: number): number
  rollRabinKarp(p: number, last: number, k: number, mk: number, mkAdj: number): number
  sumSigned(p: number, k: number, off: number): void
  sumUnsigned(p: number, k: number, off: number): void
  sumRabinKarp(p: number, k: number): void
}

export class RollingKernel {
  private readonly ex: KernelExports
  /** The chunk area: `roll` reads [p, last + k) of it. */
  readonly data: Uint8Array
  /** s1, s2 (RabinKarp: the hash in [0]), hit, head: the window's state in the module's memory. */
  private readonly state: Int32Array
  private readonly kOff: number
  private readonly mk: number
  private readonly mkAdj: number
  private readonly off: number
  /** xxh128 over this module's memory: a window's strong digest where the chunk already is. */
  private readonly xxh: Xxh128OnMemory

  /**
   * @param index the sender's block index: its prefilter and table are copied into the module
   * @param capacity bytes of chunk the scan needs at most
   * @param kind the weak sum; `k` the window (block) length
   */
  constructor(
    index: BlockIndex,
    capacity: number,
    private readonly kind: WeakSumName,
    private readonly k: number,
  ) {
    this.ex = instantiateKernel<KernelExports>(ROLLING_KERNEL_BASE64)
    if (index.bitmap.byteLength > KERNEL_STATE) throw new Error(`rolling kernel: the prefilter is ${index.bitmap.byteLength} bytes, the module holds ${KERNEL_STATE}`)
    const slots = index.keys.length
    const table = (KERNEL_DATA + capacity + 7) & ~7
    const mem = this.ex.memory
    // After the table, room for the xxh128 kernel's secret and digest (stripe-aligned).
    const xxhAt = (table + slots * 8 + 63) & ~63
    const need = xxhAt + XXH128_RESERVED
    if (mem.buffer.byteLength < need) mem.grow(Math.ceil((need - mem.buffer.byteLength) / 65536))
    // Views are made after the last grow: growing detaches the buffer earlier views were made on.
    new Int32Array(mem.buffer, 0, index.bitmap.length).set(index.bitmap)
    const pairs = new Int32Array(mem.buffer, table, slots * 2)
    for (let i = 0; i < slots; i++) {
      pairs[2 * i] = index.keys[i]!
      pairs[2 * i + 1] = index.heads[i]!
    }
    this.ex.bitmapShift.value = index.bitmapShift
    this.ex.table.value = table
    this.ex.tableShift.value = index.tableShift
    this.ex.tableMask.value = index.tableMask
    this.xxh = new Xxh128OnMemory(mem, xxhAt)
    this.data = new Uint8Array(mem.buffer, KERNEL_DATA, capacity)
    this.state = new Int32Array(mem.buffer, KERNEL_STATE, 4)
    this.off = charOffset(kind)
    this.kOff = Math.imul(k, this.off)
    this.mk = rabinKarpPow(k)
    this.mkAdj = Math.imul(this.mk, RK_ADJ)
  }

  /** The weak-sum digest of the window the state is at. */
  digest(): number {
    const st = this.state
    return this.kind === 'rabin-karp' ? st[0]! : (st[0]! & 0xffff) | (st[1]! << 16)
  }

  /** After a roll: the first block whose weak sum the window has, or -1 when it stopped at `last`. */
  get head(): number {
    return this.state[2] === 1 ? this.state[3]! : -1
  }

  /** The xxh128 digest of the chunk's bytes [p, p + len), hashed in place (a new 16-byte array). */
  xxh128(p: number, len: number): Uint8Array {
    if (p < 0 || p + len > this.data.length) throw new Error(`rolling kernel: a strong hash of [${p}, ${p + len}) runs past the ${this.data.length}-byte chunk`)
    return this.xxh.hash(KERNEL_DATA + p, len)
  }

  /** Computes the sum of the window at chunk offset p afresh. */
  sum(p: number): void {
    if (p + this.k > this.data.length) throw new Error(`rolling kernel: a window at ${p} runs past the ${this.data.length}-byte chunk`)
    if (this.kind === 'rabin-karp') this.ex.sumRabinKarp(p, this.k)
    else if (this.kind === 'rsync') this.ex.sumSigned(p, this.k, this.off)
    else this.ex.sumUnsigned(p, this.k, this.off)
  }

  /**
   * Slides from the window at chunk offset p (tested) to the first window whose weak sum is in the
   * table, or to `last`; returns where it stopped (`head` tells which).
   */
  roll(p: number, last: number): number {
    if (last + this.k > this.data.length) throw new Error(`rolling kernel: a roll to ${last} reads past the ${this.data.length}-byte chunk`)
    switch (this.kind) {
      case 'rsync':
        return this.ex.rollSigned(p, last, this.k, this.kOff)
      case 'rollsum':
        return this.ex.rollUnsigned(p, last, this.k, this.kOff)
      default:
        return this.ex.rollRabinKarp(p, last, this.k, this.mk, this.mkAdj)
    }
  }
}
