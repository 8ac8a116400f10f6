/**
 * Small release tarballs for the release-series tests, made here so no test needs the registry: a
 * ustar archive (512-byte header per file, data padded to 512, two zero blocks at the end) shaped like
 * what `npm pack` produces (files under package/, fixed mtime), gzipped.
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import { makeContent } from '../workloads/content.ts'
import { Rng } from '../core/seeded-random.ts'

function octal(n: number, width: number): string {
  return n.toString(8).padStart(width - 1, '0') + '\0'
}

export function tar(files: readonly (readonly [string, Uint8Array])[]): Uint8Array {
  const blocks: Uint8Array[] = []
  for (const [name, data] of files) {
    const h = new Uint8Array(512)
    const put = (text: string, at: number) => h.set(Buffer.from(text, 'latin1'), at)
    put(name, 0)
    put(octal(0o644, 8), 100)
    put(octal(0, 8), 108)
    put(octal(0, 8), 116)
    put(octal(data.length, 12), 124)
    put(octal(499162500, 12), 136) // 1985-10-26, the mtime npm pack writes
    put('        ', 148) // checksum field counts as spaces while summing
    put('0', 156)
    put('ustar\0' + '00', 257)
    let sum = 0
    for (const b of h) sum += b
    put(octal(sum, 7) + ' ', 148)
    blocks.push(h, data, new Uint8Array((512 - (data.length % 512)) % 512))
  }
  blocks.push(new Uint8Array(1024))
  return Buffer.concat(blocks)
}

/**
 * Writes `releases` gzipped tarballs of a made-up package into dir (pkg-1.0.0.tgz, pkg-1.0.1.tgz, …,
 * pkg-1.0.10.tgz so version order differs from plain string order). Each release edits one file,
 * grows another, and now and then adds a file, as releases do. Returns the uncompressed tars in order.
 */
export function writeReleaseSeries(dir: string, releases: number, seed = 'fixture'): Uint8Array[] {
  mkdirSync(dir, { recursive: true })
  const rng = new Rng(seed)
  const files: [string, Uint8Array][] = [
    ['package/package.json', Buffer.from('{"name":"pkg","version":"1.0.0"}\n')],
    ['package/index.js', makeContent(rng, 'text', 20_000)],
    ['package/lib/core.js', makeContent(rng, 'text', 60_000)],
    ['package/README.md', makeContent(rng, 'text', 8_000)],
  ]
  const out: Uint8Array[] = []
  for (let r = 0; r < releases; r++) {
    if (r > 0) {
      files[0]![1] = Buffer.from(`{"name":"pkg","version":"1.0.${r}"}\n`)
      const core = files[2]![1]
      const at = rng.int(core.length)
      files[2]![1] = Buffer.concat([core.subarray(0, at), makeContent(rng, 'text', rng.range(10, 400)), core.subarray(at + rng.int(200))])
      files[1]![1] = Buffer.concat([files[1]![1], makeContent(rng, 'text', 300)])
      if (r % 3 === 0) files.push([`package/lib/extra-${r}.js`, makeContent(rng, 'text', 5_000)])
    }
    const t = tar(files)
    out.push(t)
    writeFileSync(join(dir, `pkg-1.0.${r}.tgz`), gzipSync(t))
  }
  return out
}
