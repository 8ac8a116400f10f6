import { imageBytes } from './helpers.ts'
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { resolveRun } from '../harness/config.ts'
import { WorkloadError } from '../core/errors.ts'
import { prepareWorkload } from '../harness/prepare-workload.ts'
import { MemoryVolume } from '../core/volume.ts'
import { applyMutation, NO_OBSERVER } from '../workloads/apply-mutations.ts'
import { sqlite } from '../workloads/sqlite-oltp-db.ts'
import { sqliteOltp } from '../workloads/sqlite-oltp.ts'
import { parseWal, walMutations, WAL_FRAME_HEADER_BYTES, WAL_HEADER_BYTES } from '../workloads/sqlite-wal.ts'
import type { Mutation } from '../workloads/workload.ts'
import { fingerprint } from './workload-fingerprint.ts'
import { defaultOptions } from '../core/options.ts'

const scratch = mkdtempSync(join(tmpdir(), 'deltabench-sqlite-test-'))
afterAll(() => rmSync(scratch, { recursive: true, force: true }))

/** A WAL-mode database with autocheckpoint off, as the workload runs it. */
function openWal(path: string, pageSize = 4096) {
  const db = new (sqlite())(path)
  db.pragma(`page_size = ${pageSize}`)
  db.pragma('journal_mode = WAL')
  db.pragma('wal_autocheckpoint = 0')
  return db
}

function apply(base: Uint8Array, muts: readonly Mutation[]): Uint8Array {
  const v = new MemoryVolume(base)
  for (const m of muts) applyMutation(v, m, NO_OBSERVER)
  return v.snapshot()
}

describe('SQLite WAL reader', () => {
  it('the WAL trace applied to the previous file gives exactly the checkpointed file: growth, updates, deletes, VACUUM', () => {
    const path = join(scratch, 'wal.db')
    const db = openWal(path, 1024)
    db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, v BLOB)')
    db.pragma('wal_checkpoint(TRUNCATE)')
    const steps: [string, () => void][] = [
      ['grow', () => db.transaction(() => { for (let i = 0; i < 400; i++) db.prepare('INSERT INTO t (v) VALUES (?)').run(Buffer.alloc(200, i)) })()],
      ['update', () => db.prepare('UPDATE t SET v = ? WHERE id % 7 = 0').run(Buffer.alloc(150, 9))],
      ['delete', () => db.prepare('DELETE FROM t WHERE id > 50').run()],
      ['vacuum', () => db.exec('VACUUM')],
    ]
    const sizes: number[] = []
    for (const [what, step] of steps) {
      const before = new Uint8Array(readFileSync(path))
      step()
      const wal = parseWal(readFileSync(`${path}-wal`))
      expect(wal.pageSize, what).toBe(1024)
      expect(wal.uncommittedFrames, what).toBe(0)
      const muts = walMutations(wal, before.length)
      for (const m of muts) if (m.kind === 'overwrite') expect([m.at % 1024, m.bytes.length], what).toEqual([0, 1024])
      db.pragma('wal_checkpoint(TRUNCATE)')
      const after = readFileSync(path)
      expect(Buffer.from(apply(before, muts)).equals(after), what).toBe(true)
      expect(wal.commits.at(-1)!.dbPages * 1024, what).toBe(after.length)
      sizes.push(after.length)
    }
    db.close()
    // The steps grew the file, then VACUUM shrank it.
    expect(sizes[0]).toBeGreaterThan(100 << 10)
    expect(sizes[3]).toBeLessThan(sizes[2]!)
  })

  it('stops at a frame whose checksum breaks, dropping the unfinished commit; refuses a file that is not a WAL', () => {
    const path = join(scratch, 'broken.db')
    const db = openWal(path)
    db.exec('CREATE TABLE t (v)')
    db.exec('INSERT INTO t VALUES (1)')
    const good = new Uint8Array(readFileSync(`${path}-wal`))
    db.close()
    const commits = parseWal(good).commits.length
    expect(commits).toBe(2)
    // Flip a byte in the page of the last frame: its checksum fails, so the last commit is not there.
    const frame = WAL_FRAME_HEADER_BYTES + 4096
    const bad = new Uint8Array(good)
    bad[good.length - frame + WAL_FRAME_HEADER_BYTES + 100]! ^= 0xff
    expect(parseWal(bad).commits.length).toBe(commits - 1)
    expect(() => parseWal(new Uint8Array(WAL_HEADER_BYTES))).toThrow(WorkloadError)
    expect(() => parseWal(new Uint8Array(10))).toThrow(/shorter than its 32-byte header/)
    expect(parseWal(new Uint8Array(0)).commits).toEqual([])
  })

  it('a frame past the end of the file grows it first (the gap reads as zeros until written)', () => {
    const page = (n: number) => new Uint8Array(512).fill(n)
    const muts = walMutations({ pageSize: 512, commits: [{ frames: [{ pgno: 4, data: page(4) }, { pgno: 2, data: page(2) }], dbPages: 4 }], uncommittedFrames: 0 }, 512)
    expect(muts.map((m) => (m.kind === 'truncate' ? `truncate ${m.size}` : `write ${m.at}`))).toEqual(['truncate 1536', 'write 1536', 'write 512'])
  })
})

describe('sqlite-oltp', () => {
  const opts = { ...defaultOptions(sqliteOltp), transactions: 40, vacuumEvery: 3 }

  it('is deterministic for a seed: the same base and trace in another process; another seed differs', () => {
    const here = fingerprint('sqlite-oltp', '5', 200_000, 3, opts)
    const child = spawnSync(process.execPath, ['--import', 'tsx', new URL('./workload-fingerprint.ts', import.meta.url).pathname, 'sqlite-oltp', '5', '200000', '3', JSON.stringify(opts)], { encoding: 'utf8' })
    expect(child.stderr.replace(/^npm warn.*\n/gm, '')).toBe('')
    expect(child.stdout.trim()).toBe(here)
    expect(fingerprint('sqlite-oltp', '6', 200_000, 3, opts)).not.toBe(here)
  })

  it('builds a base of the size asked for; its trace is whole pages; epochs grow and shrink; the result is a sound database', () => {
    const size = 512 << 10
    const p = prepareWorkload(sqliteOltp, { ...opts, transactions: 60 }, { size, epochs: 6, seed: '3', content: 'text' })
    expect(p.base.size).toBeGreaterThanOrEqual(size)
    expect(p.base.size).toBeLessThan(size * 1.1 + (64 << 10))
    expect(p.base.size % 4096).toBe(0)
    const sizes = [p.base.size]
    let v = imageBytes(p.base)
    for (const e of p.epochs) {
      for (const m of e) {
        if (m.kind === 'overwrite') expect([m.at % 4096, m.bytes.length]).toEqual([0, 4096])
        else expect(m.kind).toBe('truncate')
      }
      v = apply(v, e)
      sizes.push(v.length)
    }
    // The oracle counts the distinct pages written: at most the frames, at least one page an epoch.
    p.oracle.forEach((o, i) => {
      const frames = p.epochs[i]!.filter((m) => m.kind === 'overwrite').length
      expect(o!.newBytes).toBeGreaterThanOrEqual(4096)
      expect(o!.newBytes).toBeLessThanOrEqual(frames * 4096)
    })
    const deltas = sizes.slice(1).map((s, i) => s - sizes[i]!)
    expect(deltas.some((d) => d > 0), `sizes ${sizes}`).toBe(true)
    expect(deltas.some((d) => d < 0), `sizes ${sizes}`).toBe(true)
    // The last volume, rebuilt from the trace alone, is a database SQLite finds sound, with every row counted.
    const file = join(scratch, 'rebuilt.db')
    writeFileSync(file, v)
    const db = new (sqlite())(file)
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok')
    const counted = db.prepare('SELECT sum(rows) AS n FROM counters').get() as { n: number }
    const stored = [0, 1, 2, 3].reduce((a, t) => a + (db.prepare(`SELECT count(*) AS n FROM t${t}`).get() as { n: number }).n, 0)
    db.close()
    expect(stored).toBeGreaterThan(0)
    expect(counted.n).toBe(stored - baseRows(imageBytes(p.base)))
  })

  it('checks its options before anything runs', () => {
    expect(() => resolveRun({ workloads: ['sqlite-oltp'], overrides: { 'sqlite-oltp': { pageSize: 3000 } } })).toThrow(/pageSize must be a power of two from 512 to 65536/)
    expect(() => resolveRun({ workloads: ['sqlite-oltp'], overrides: { 'sqlite-oltp': { tables: 0 } } })).toThrow(/tables must be a whole number from 1/)
  })
})

/** Rows in the base database (the counters start at 0 there, so the epochs' counts are relative to it). */
function baseRows(base: Uint8Array): number {
  const file = join(scratch, 'base.db')
  writeFileSync(file, base)
  const db = new (sqlite())(file)
  const n = [0, 1, 2, 3].reduce((a, t) => a + (db.prepare(`SELECT count(*) AS n FROM t${t}`).get() as { n: number }).n, 0)
  db.close()
  return n
}
