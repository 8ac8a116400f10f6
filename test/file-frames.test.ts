import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { makeTempDir, removeTempDir } from '../strategies/tools/child-tool.ts'
import { FileFrameStream, FileReceiver } from '../strategies/tools/file-frames.ts'
import { Rng } from '../core/seeded-random.ts'

describe('FileFrameStream', () => {
  it('hands a file over a budget at a time, and the receiver rebuilds it exactly', () => {
    const dir = makeTempDir('file-frames-test')
    try {
      const src = join(dir, 'src')
      const bytes = new Rng('file-frames').bytes((5 << 20) + 12345)
      writeFileSync(src, bytes)
      const stream = new FileFrameStream(src, 'literal')
      const rx = new FileReceiver('test', join(dir, 'dst'), 1 << 30)
      const sizes: number[] = []
      while (!stream.done) {
        const frames = stream.next(2 << 20)
        sizes.push(frames.reduce((a, f) => a + f.bytes.length, 0))
        for (const f of frames) expect(rx.accept(f.bytes)).toBe(true)
      }
      expect(sizes.length).toBe(3) // 2 MiB, 2 MiB, the rest
      expect(Math.max(...sizes)).toBeLessThanOrEqual((2 << 20) + 64)
      expect(rx.complete).toBe(true)
      expect(Buffer.from(readFileSync(join(dir, 'dst'))).equals(Buffer.from(bytes))).toBe(true)
      expect(stream.next(1 << 20)).toEqual([])
    } finally {
      removeTempDir(dir)
    }
  })

  it('sends the header of an empty file and is done', () => {
    const dir = makeTempDir('file-frames-test')
    try {
      writeFileSync(join(dir, 'empty'), new Uint8Array(0))
      const stream = new FileFrameStream(join(dir, 'empty'), 'literal')
      expect(stream.next(1 << 20)).toHaveLength(1)
      expect(stream.done).toBe(true)
    } finally {
      removeTempDir(dir)
    }
  })
})
