import { existsSync, readFileSync, statSync } from 'node:fs'
import { ConfigError } from '../core/errors.ts'
import { defineOptions, type OptionsOf } from '../core/options.ts'
import { CHUNK, MemoryVolume } from '../core/volume.ts'
import type { Mutation, Workload } from './workload.ts'

// Both are required: validate refuses the empty default with the flag to give.
const OPTIONS = defineOptions({
  base: { type: 'string', default: '', description: 'the old image the replica holds' },
  target: { type: 'string', default: '', description: 'the new image the source becomes' },
})
export type FilePairOptions = OptionsOf<typeof OPTIONS>

function load(path: string): Uint8Array {
  const b = readFileSync(path)
  return new Uint8Array(b.buffer, b.byteOffset, b.length)
}

/**
 * The user's own data: one sync from an old image to a new one. Only the two images are known, so there
 * is no write trace (tracking strategies cannot run) and no edit list (no oracle bound).
 */
export const filePair: Workload<FilePairOptions> = {
  name: 'file-pair',
  summary: 'your own data: --base old.img --target new.img, one sync (no write trace, no oracle)',
  options: OPTIONS,
  sizedByData: true,
  hasWriteTrace: false,
  validate(o) {
    for (const what of ['base', 'target'] as const) {
      const path = o[what]
      if (!path) throw new ConfigError(`file-pair needs --${what} <file>`)
      if (!existsSync(path)) throw new ConfigError(`--${what} ${path}: no such file`)
      if (!statSync(path).isFile()) throw new ConfigError(`--${what} ${path}: not a regular file`)
    }
  },
  create(_params, o) {
    const base = load(o.base)
    return {
      epochs: 1,
      base: () => new MemoryVolume(base),
      epoch() {
        const target = load(o.target)
        const out: Mutation[] = [{ kind: 'truncate', size: target.length }]
        for (let off = 0; off < target.length; off += CHUNK) {
          out.push({ kind: 'overwrite', at: off, bytes: target.subarray(off, Math.min(off + CHUNK, target.length)) })
        }
        return out
      },
    }
  },
}
