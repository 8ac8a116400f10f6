import { createRequire } from 'node:module'

/**
 * zstd from @mongodb-js/zstd, called through its native bindings: the package's own JS wrapper (1.2.2)
 * drops the level argument, so every level compressed like the default (test/compression.test.ts checks
 * levels make a difference).
 */
const bindings = createRequire(import.meta.url)('@mongodb-js/zstd/bindings.js') as {
  compress(data: Buffer, level?: number): Promise<Buffer>
  decompress(data: Buffer): Promise<Buffer>
}

export function zstdCompress(data: Uint8Array, level: number): Promise<Buffer> {
  return bindings.compress(Buffer.from(data.buffer, data.byteOffset, data.length), level)
}

export function zstdDecompress(data: Uint8Array): Promise<Buffer> {
  return bindings.decompress(Buffer.from(data.buffer, data.byteOffset, data.length))
}
