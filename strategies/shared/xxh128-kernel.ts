/**
 * XXH3-128 as a WebAssembly instance (source, layout and reasons: xxh128-kernel-wat.ts): the digest of
 * hash-wasm's `xxh128`, computed where the bytes are. A caller either reads its blocks straight into
 * `input(n)` and hashes them there, or hands any bytes over, which are copied in once, a batch at a time.
 * Xxh128Stream is the same digest fed piece by piece (the whole-volume digests of stream-digest.ts).
 */
import { instantiateKernel } from '../../core/wasm-kernel.ts'
import { XXH128_KERNEL_BASE64 } from './xxh128-kernel-wasm.ts'
import { XXH128_ON_MEMORY_BASE64 } from './xxh128-on-memory-wasm.ts'
import { XXH_FREE, XXH_STREAM_STATE } from './xxh128-kernel-wat.ts'

interface KernelExports {
  memory: { buffer: ArrayBuffer; grow(pages: number): number }
  hash128(p: number, len: number, out: number): void
  hashBlocks(p: number, count: number, blockSize: number, lastLen: number, out: number): void
  streamInit(st: number): void
  streamUpdate(st: number, p: number, len: number): void
  streamDigest(st: number, out: number): void
}

export const XXH128_BYTES = 16
/** Most digests one hashBlocks call writes: 64 KiB of them, after which they are copied out. */
const BATCH_BLOCKS = 4096
const OUT = XXH_FREE
/** The input area, after the digests; 64-byte aligned (a stripe). */
const INPUT = OUT + BATCH_BLOCKS * XXH128_BYTES
/** The input area a kernel starts with: copied-in batches are at most this long (blocks longer go one at a time). */
const DEFAULT_INPUT = 1 << 20

export class Xxh128Kernel {
  private readonly ex: KernelExports
  /** All of the module's memory; remade after a grow (growing detaches the old buffer). */
  private mem: Uint8Array
  private capacity = 0

  constructor(capacity = DEFAULT_INPUT) {
    this.ex = instantiateKernel<KernelExports>(XXH128_KERNEL_BASE64)
    this.mem = new Uint8Array(this.ex.memory.buffer)
    this.reserve(capacity)
  }

  private reserve(n: number): void {
    if (n <= this.capacity) return
    const need = INPUT + n
    const have = this.ex.memory.buffer.byteLength
    if (have < need) this.ex.memory.grow(Math.ceil((need - have) / 65536))
    this.mem = new Uint8Array(this.ex.memory.buffer)
    this.capacity = this.mem.length - INPUT
  }

  /**
   * A view of the first n bytes of the input area, to read blocks into and hash in place: valid until a
   * call asks for more room than the area has (which grows the memory and detaches old views).
   */
  input(n: number): Uint8Array {
    this.reserve(n)
    return this.mem.subarray(INPUT, INPUT + n)
  }

  /** Where `data` starts in the module's memory, or -1 when it is not a view of the input area. */
  private at(data: Uint8Array): number {
    return data.buffer === this.mem.buffer && data.byteOffset >= INPUT ? data.byteOffset : -1
  }

  /** The digest of `data` (a new 16-byte array): hashed in place when it is a view of the input area. */
  hash(data: Uint8Array): Uint8Array {
    let p = this.at(data)
    if (p < 0) {
      this.reserve(data.length)
      this.mem.set(data, INPUT)
      p = INPUT
    }
    this.ex.hash128(p, data.length, OUT)
    return this.mem.slice(OUT, OUT + XXH128_BYTES)
  }

  /**
   * The digests of the consecutive blocks of `data` (each blockSize bytes, the last possibly shorter), 16
   * bytes each, into `out` from `outAt`: in place when data is a view of the module's memory, otherwise
   * copied in a batch at a time. One call into the module per batch, not three per block.
   */
  hashBlocks(data: Uint8Array, blockSize: number, out: Uint8Array, outAt = 0): void {
    if (!(blockSize >= 1)) throw new RangeError(`xxh128 kernel: block size ${blockSize} must be at least 1`)
    const count = Math.ceil(data.length / blockSize)
    if (outAt < 0 || outAt + count * XXH128_BYTES > out.length) throw new RangeError(`xxh128 kernel: ${count} digests from ${outAt} do not fit a ${out.length}-byte output`)
    const inPlace = this.at(data)
    const perBatch = inPlace >= 0 ? BATCH_BLOCKS : Math.max(1, Math.min(BATCH_BLOCKS, Math.floor(this.capacity / blockSize)))
    for (let first = 0; first < count; first += perBatch) {
      const n = Math.min(perBatch, count - first)
      const from = first * blockSize
      const to = Math.min(data.length, from + n * blockSize)
      let p = inPlace + from
      if (inPlace < 0) {
        this.reserve(to - from)
        this.mem.set(data.subarray(from, to), INPUT)
        p = INPUT
      }
      this.ex.hashBlocks(p, n, blockSize, to - from - (n - 1) * blockSize, OUT)
      out.set(this.mem.subarray(OUT, OUT + n * XXH128_BYTES), outAt + first * XXH128_BYTES)
    }
  }
}

/** A stream's state in its own instance, then its digest, then the input area (64-byte aligned). */
const STREAM_STATE = XXH_FREE
const STREAM_OUT = STREAM_STATE + XXH_STREAM_STATE
const STREAM_INPUT = STREAM_STATE + 512
/** Pieces shorter than this are gathered in the input area and fed together (a call per 16-byte block digest cost more than its hashing). */
const STREAM_SMALL = 4096
/** The input area a stream starts with: pieces it copies in go a batch of this size at a time (small: a stream is made per sync, and fresh memory costs more than calls). */
const STREAM_DEFAULT_INPUT = 64 << 10

/**
 * XXH3-128 fed piece by piece (hash-wasm's streaming `xxh128`, bit for bit, for every split), with the
 * state in the module's memory: a piece that is a view of `input(n)` is hashed where it is; any other
 * piece is copied in once (a batch at a time; small ones gathered) and hashed there. hash-wasm's copies
 * each piece into its own memory too, and hashed at about half this speed (`npm run bench:primitives --
 * xxh128`, the stream rows).
 */
export class Xxh128Stream {
  private readonly ex: KernelExports
  private readonly mem: Uint8Array
  private readonly capacity: number
  /** Bytes of small pieces gathered at the start of the input area, not yet fed. */
  private used = 0
  private finished = false

  constructor(capacity = STREAM_DEFAULT_INPUT) {
    if (!(capacity >= STREAM_SMALL)) throw new RangeError(`xxh128 stream: an input area of ${capacity} bytes is below the ${STREAM_SMALL} it gathers`)
    this.ex = instantiateKernel<KernelExports>(XXH128_KERNEL_BASE64)
    const need = STREAM_INPUT + capacity
    const have = this.ex.memory.buffer.byteLength
    if (have < need) this.ex.memory.grow(Math.ceil((need - have) / 65536))
    this.mem = new Uint8Array(this.ex.memory.buffer) // never grown again: views stay valid
    this.capacity = capacity
    this.ex.streamInit(STREAM_STATE)
  }

  /** Starts a new digest (the one before is forgotten). */
  reset(): void {
    this.ex.streamInit(STREAM_STATE)
    this.used = 0
    this.finished = false
  }

  /**
   * A view of the first n bytes of the input area (n ≤ the capacity) to read a piece into and feed with
   * update(view), hashed in place: valid until the next update or input.
   */
  input(n: number): Uint8Array {
    if (!(n >= 0 && n <= this.capacity)) throw new RangeError(`xxh128 stream: input(${n}) is outside its ${this.capacity}-byte input area`)
    this.flush()
    return this.mem.subarray(STREAM_INPUT, STREAM_INPUT + n)
  }

  update(bytes: Uint8Array): void {
    if (this.finished) throw new Error('xxh128 stream: update after digest; reset() first')
    const n = bytes.length
    if (bytes.buffer === this.mem.buffer && bytes.byteOffset >= STREAM_INPUT) {
      this.flush()
      this.ex.streamUpdate(STREAM_STATE, bytes.byteOffset, n)
      return
    }
    if (n < STREAM_SMALL) {
      if (this.used + n > this.capacity) this.flush()
      this.mem.set(bytes, STREAM_INPUT + this.used)
      this.used += n
      return
    }
    this.flush()
    for (let at = 0; at < n; at += this.capacity) {
      const piece = bytes.subarray(at, Math.min(n, at + this.capacity))
      this.mem.set(piece, STREAM_INPUT)
      this.ex.streamUpdate(STREAM_STATE, STREAM_INPUT, piece.length)
    }
  }

  /** The digest of everything fed since creation or reset (a new 16-byte array); feed no more after it. */
  digest(): Uint8Array {
    if (this.finished) throw new Error('xxh128 stream: digest taken twice; reset() first')
    this.flush()
    this.finished = true
    this.ex.streamDigest(STREAM_STATE, STREAM_OUT)
    return this.mem.slice(STREAM_OUT, STREAM_OUT + XXH128_BYTES)
  }

  private flush(): void {
    if (this.used === 0) return
    this.ex.streamUpdate(STREAM_STATE, STREAM_INPUT, this.used)
    this.used = 0
  }
}

/** Bytes another kernel keeps free for Xxh128OnMemory: the 192-byte secret and a digest, a stripe-aligned 256. */
export const XXH128_RESERVED = 256

/** The parts of the WebAssembly API used here (as core/wasm-kernel.ts: @types/node 20 declares few of them). */
interface WasmApi {
  Module: new (bytes: Uint8Array) => object
  Instance: new (module: object, imports: object) => { exports: unknown }
  Global: new (descriptor: { value: 'i32'; mutable: boolean }, value: number) => object
}
const wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly
let onMemoryModule: object | undefined

/**
 * XXH3-128 over another module's memory (the rolling kernel's, where the scan reads the source): the
 * digest of bytes that module already holds, with no copy. The owner keeps [reservedAt, reservedAt +
 * XXH128_RESERVED) free and in bounds before this is made (the secret is written there now).
 */
export class Xxh128OnMemory {
  private readonly ex: Pick<KernelExports, 'hash128' | 'hashBlocks'>
  private readonly out: number

  constructor(
    private readonly memory: { buffer: ArrayBuffer },
    reservedAt: number,
  ) {
    if (reservedAt % 64 !== 0 || reservedAt + XXH128_RESERVED > memory.buffer.byteLength) throw new RangeError(`xxh128 kernel: the reserved area at ${reservedAt} must be 64-byte aligned and inside the ${memory.buffer.byteLength}-byte memory`)
    onMemoryModule ??= new wasm.Module(Buffer.from(XXH128_ON_MEMORY_BASE64, 'base64'))
    const secret = new wasm.Global({ value: 'i32', mutable: false }, reservedAt)
    this.ex = new wasm.Instance(onMemoryModule, { env: { memory, secret } }).exports as KernelExports
    this.out = reservedAt + 192
  }

  /** The digest of the memory's bytes [p, p + len) (a new 16-byte array). */
  hash(p: number, len: number): Uint8Array {
    this.ex.hash128(p, len, this.out)
    return new Uint8Array(this.memory.buffer, this.out, XXH128_BYTES).slice()
  }
}
