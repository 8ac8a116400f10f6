import { closeSync, mkdtempSync, openSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { readFully } from '../core/read-fully.ts'

/** How many bytes one readSync may return at most: a short read, as a pipe or a network file system gives. */
const limit = vi.hoisted(() => ({ bytes: Infinity }))
vi.mock('node:fs', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs')>()
  const readSync = (fd: number, buf: Uint8Array, off: number, len: number, pos: number) => fs.readSync(fd, buf, off, Math.min(len, limit.bytes), pos)
  return { ...fs, readSync, default: { ...fs, readSync } }
})

const bytes = Uint8Array.from({ length: 1000 }, (_, i) => (i * 31 + 7) & 0xff)

function withFile<T>(f: (fd: number) => T): T {
  const path = join(mkdtempSync(join(tmpdir(), 'read-fully-')), 'data')
  writeFileSync(path, bytes)
  const fd = openSync(path, 'r')
  try {
    return f(fd)
  } finally {
    closeSync(fd)
  }
}

describe('readFully', () => {
  afterEach(() => {
    limit.bytes = Infinity
  })

  it('keeps reading through short reads until it has every byte asked for', () => {
    limit.bytes = 7
    const out = new Uint8Array(300)
    expect(withFile((fd) => readFully(fd, out, 0, 300, 100))).toBe(300)
    expect(out).toEqual(bytes.subarray(100, 400))
  })

  it('writes at the buffer offset and reads from the file position, leaving the rest of the buffer alone', () => {
    const out = new Uint8Array(20).fill(0xee)
    expect(withFile((fd) => readFully(fd, out, 5, 10, 990))).toBe(10)
    expect(out.subarray(0, 5)).toEqual(new Uint8Array(5).fill(0xee))
    expect(out.subarray(5, 15)).toEqual(bytes.subarray(990, 1000))
    expect(out.subarray(15)).toEqual(new Uint8Array(5).fill(0xee))
  })

  it('stops at the end of the file and says how much it read, the rest of the buffer untouched', () => {
    limit.bytes = 3
    const out = new Uint8Array(50).fill(0xee)
    expect(withFile((fd) => readFully(fd, out, 0, 50, 980))).toBe(20)
    expect(out.subarray(0, 20)).toEqual(bytes.subarray(980))
    expect(out.subarray(20)).toEqual(new Uint8Array(30).fill(0xee))
    expect(withFile((fd) => readFully(fd, out, 0, 50, 5000))).toBe(0)
  })

  it('reads nothing when asked for nothing', () => {
    expect(withFile((fd) => readFully(fd, new Uint8Array(0), 0, 0, 0))).toBe(0)
  })
})
