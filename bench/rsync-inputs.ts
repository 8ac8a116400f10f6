/**
 * The inputs of `npm run bench:rsync`, every byte from the seed: a base volume of random and text
 * segments (16 KiB-1 MiB each, as the `mixed` model but without its zero pages) and four targets:
 *   scattered  1,000 overwrites of 100 random bytes at uniform offsets (most blocks still match)
 *   insdel     100 inserts and 100 deletes of 1-1,000 bytes (everything after an edit shifts)
 *   append     16 MiB of new random/text data at the end
 *   unrelated  a volume from another seed: nothing matches
 * Written once to a directory named by seed and size, and reused while its stamp matches.
 */
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, writeFileSync, writeSync } from 'node:fs'
import { join } from 'node:path'
import { MemoryVolume } from '../core/volume.ts'
import { applyMutation, NO_OBSERVER } from '../workloads/apply-mutations.ts'
import { fillContent } from '../workloads/content.ts'
import { Rng } from '../core/seeded-random.ts'
import type { Mutation } from '../workloads/workload.ts'

export const CASES = ['scattered', 'insdel', 'append', 'unrelated'] as const
export type BenchCase = (typeof CASES)[number]

export interface BenchInputs {
  dir: string
  base: string
  targets: Record<BenchCase, string>
}

/** Random and text segments of 16 KiB-1 MiB, chosen by the seed. */
export function randomTextVolume(rng: Rng, size: number): Uint8Array {
  const out = new Uint8Array(size)
  for (let i = 0; i < size; ) {
    const len = Math.min(rng.logRange(16 << 10, 1 << 20), size - i)
    fillContent(rng, rng.int(2) === 0 ? 'random' : 'text', out.subarray(i, i + len))
    i += len
  }
  return out
}

function edits(kind: BenchCase, rng: Rng, size: number): Mutation[] {
  const out: Mutation[] = []
  if (kind === 'scattered') {
    for (let i = 0; i < 1000; i++) out.push({ kind: 'overwrite', at: rng.int(size - 100), bytes: rng.bytes(100) })
  } else if (kind === 'insdel') {
    let now = size
    for (let i = 0; i < 200; i++) {
      const len = rng.range(1, 1000)
      if (i % 2 === 0) {
        out.push({ kind: 'insert', at: rng.int(now + 1), bytes: randomTextVolume(rng, len) })
        now += len
      } else {
        out.push({ kind: 'delete', at: rng.int(now - len + 1), length: len })
        now -= len
      }
    }
  } else if (kind === 'append') {
    out.push({ kind: 'overwrite', at: size, bytes: randomTextVolume(rng, 16 << 20) })
  }
  return out
}

function writeFile(path: string, bytes: Uint8Array): void {
  const fd = openSync(path, 'w')
  try {
    for (let done = 0; done < bytes.length; ) done += writeSync(fd, bytes, done, Math.min(64 << 20, bytes.length - done))
  } finally {
    closeSync(fd)
  }
}

/** Builds (or reuses) the inputs under `root`. */
export function benchInputs(root: string, seed: string, size: number, log: (s: string) => void = () => {}): BenchInputs {
  const dir = join(root, `deltabench-bench-rsync-${seed}-${size}`)
  const targets = Object.fromEntries(CASES.map((c) => [c, join(dir, `${c}.img`)])) as Record<BenchCase, string>
  const inputs = { dir, base: join(dir, 'base.img'), targets }
  const stamp = join(dir, 'stamp.json')
  const want = JSON.stringify({ seed, size, version: 1 })
  if (existsSync(stamp) && readFileSync(stamp, 'utf8') === want) return inputs
  mkdirSync(dir, { recursive: true })
  const rng = new Rng(`bench-rsync/${seed}`)
  log(`building inputs in ${dir} (seed ${seed}, ${size} bytes)`)
  const base = randomTextVolume(rng.fork('base'), size)
  writeFile(inputs.base, base)
  for (const c of CASES) {
    const r = rng.fork(c)
    if (c === 'unrelated') {
      writeFile(targets[c], randomTextVolume(r, size))
      continue
    }
    const v = new MemoryVolume(base)
    for (const m of edits(c, r, size)) applyMutation(v, m, NO_OBSERVER, `bench ${c}`)
    writeFile(targets[c], v.read(0, v.size))
  }
  writeFileSync(stamp, want)
  return inputs
}
