/**
 * A hash of everything a workload produces for a seed: the base volume and every epoch's mutations.
 * Run as a script (`node --import tsx test/workload-fingerprint.ts <workload> <seed> <size> <epochs>
 * [options JSON]`) it prints the hash, so a test can compare two separate processes.
 */
import { createHash } from 'node:crypto'
import { findWorkload } from '../harness/config.ts'
import { prepareWorkload } from '../harness/prepare-workload.ts'
import { imageBytes } from './helpers.ts'
import type { ContentModel } from '../workloads/content.ts'
import { defaultOptions } from '../core/options.ts'

export function fingerprint(name: string, seed: string, size: number, epochs: number, options: Record<string, unknown> = {}, content: ContentModel = 'mixed'): string {
  const w = findWorkload(name)
  const p = prepareWorkload(w, { ...defaultOptions(w), ...options }, { size, epochs, seed, content })
  const h = createHash('sha256').update(imageBytes(p.base))
  p.epochs.forEach((muts, e) => {
    h.update(`epoch ${e + 1}\n`)
    for (const m of muts) {
      h.update(`${m.kind} ${m.kind === 'truncate' ? m.size : m.at} ${m.kind === 'delete' ? m.length : ''}\n`)
      if (m.kind === 'overwrite' || m.kind === 'insert') h.update(m.bytes)
    }
  })
  return h.digest('hex')
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].replace(/^.*\/test\//, '/test/'))) {
  const [name, seed, size, epochs, options] = process.argv.slice(2)
  process.stdout.write(fingerprint(name!, seed!, Number(size), Number(epochs), options ? (JSON.parse(options) as Record<string, unknown>) : {}) + '\n')
}
