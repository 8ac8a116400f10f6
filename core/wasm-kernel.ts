/**
 * Instantiating a committed WebAssembly kernel (the rolling scan, the FastCDC loop): each module is
 * compiled once per process from its base64 bytes, and each caller gets an instance of its own.
 */

/** The parts of the WebAssembly API used here (@types/node 20 declares few of them; Node 20 has them all). */
interface WasmApi {
  Module: new (bytes: Uint8Array) => object
  Instance: new (module: object, imports: object) => { exports: unknown }
}
const wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly

/** A mutable global a kernel exports (its value read and set from JavaScript). */
export interface WasmGlobal {
  value: number
}

// A few KB each: compiling synchronously takes about a millisecond, so once per process is plenty.
const compiled = new Map<string, object>()

/** A new instance of the kernel whose module is `base64`, its exports typed by the caller. */
export function instantiateKernel<E>(base64: string): E {
  let module = compiled.get(base64)
  if (!module) compiled.set(base64, (module = new wasm.Module(Buffer.from(base64, 'base64'))))
  return new wasm.Instance(module, {}).exports as E
}
