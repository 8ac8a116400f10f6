/**
 * The lock on a run folder (issue 17, item 5): a run and a --resume of the same --out cannot both write it; a
 * stale lock (its pid dead on this host) is taken over with a note; the lock goes on success, error and signals.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { hostname, tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { acquireRunLock, LOCK_FILE } from '../harness/run-lock.ts'

const BIN = new URL('../bin/deltabench.js', import.meta.url).pathname
const root = mkdtempSync(join(tmpdir(), 'deltabench-runlock-'))
afterAll(() => rmSync(root, { recursive: true, force: true }))

const cli = (args: string[]) => {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', env: { ...process.env, CI: 'true' } })
  return { code: r.status, out: r.stdout, err: r.stderr }
}
let n = 0
const fresh = () => join(root, `case-${++n}`)
const rowsOf = (dir: string) => readFileSync(join(dir, 'rows.jsonl'), 'utf8').trim().split('\n')

/** 2 strategies × 2 workloads × 2 block sizes × 1 seed × 1 epoch = 8 rows. */
const RUN = ['run', '--strategies', 'fixed-block-compare,changed-block-bitmap', '--workloads', 'random-overwrite,append', '--block-sizes', '4096,8192', '--size', '128KiB', '--epochs', '1', '--seeds', '1', '--no-report', '--no-progress', '--floor', 'off']
const ROWS = 8

const lockOf = (pid: number, host = hostname()) => JSON.stringify({ pid, host, started: '2024-01-01T00:00:00.000Z', what: 'run' }) + '\n'

/** A pid that was a process and is no longer one. */
function deadPid(): number {
  return spawnSync(process.execPath, ['-e', '']).pid!
}

async function until(what: string, ok: () => boolean, child: ChildProcess): Promise<void> {
  for (let i = 0; i < 1200 && !ok(); i++) {
    if (child.exitCode !== null) throw new Error(`the run ended (${child.exitCode}) before ${what}`)
    await new Promise((r) => setTimeout(r, 50))
  }
  if (!ok()) throw new Error(`timed out waiting for ${what}`)
}

const exited = (child: ChildProcess) => new Promise<number | null>((r) => (child.exitCode !== null ? r(child.exitCode) : child.once('exit', (code) => r(code))))

describe('the lock on a run folder', () => {
  it('a --resume of a folder a live run is writing is refused, naming the run; the run ends with exactly its rows', async () => {
    const out = fresh()
    const a = spawn(process.execPath, [BIN, ...RUN, '--out', out], { stdio: 'ignore', env: { ...process.env, CI: 'true' } })
    try {
      // The manifest is written under the lock: from then on the run holds the folder. Stopped there, it
      // stays alive and holding for as long as the second command takes, however slow the machine.
      await until('the manifest', () => existsSync(join(out, 'manifest.json')), a)
      a.kill('SIGSTOP')
      const b = cli([...RUN, '--out', out, '--resume'])
      expect(b.code).toBe(2)
      expect(b.err).toMatch(new RegExp(`is in use by deltabench run \\(pid ${a.pid} on ${hostname()}, since .*\\); wait for it to finish`))
      a.kill('SIGCONT')
      expect(await exited(a)).toBe(0)
    } finally {
      a.kill('SIGCONT')
      a.kill('SIGKILL')
    }
    expect(rowsOf(out)).toHaveLength(ROWS)
    expect(existsSync(join(out, LOCK_FILE))).toBe(false)
  })

  it('a stale lock (its pid gone) is taken over with a note, and the resume completes', () => {
    const out = fresh()
    expect(cli([...RUN, '--out', out]).code).toBe(0)
    const pid = deadPid()
    writeFileSync(join(out, LOCK_FILE), lockOf(pid))
    const r = cli([...RUN, '--out', out, '--resume'])
    expect(r.code, r.err).toBe(0)
    expect(r.err).toMatch(new RegExp(`took over the stale lock of deltabench run \\(pid ${pid} on ${hostname()}, since 2024-01-01T00:00:00.000Z\\): that process is gone`))
    expect(rowsOf(out)).toHaveLength(ROWS)
    expect(existsSync(join(out, LOCK_FILE))).toBe(false)
  })

  it('a live lock, or one from another host, is refused and left alone with the run', () => {
    const out = fresh()
    expect(cli([...RUN, '--out', out]).code).toBe(0)
    const rows = readFileSync(join(out, 'rows.jsonl'), 'utf8')
    for (const [lock, message] of [
      [lockOf(process.pid), `is in use by deltabench run \\(pid ${process.pid} on ${hostname()}`],
      [lockOf(process.pid, 'elsewhere.example'), 'is in use by deltabench run \\(pid \\d+ on elsewhere.example, .*another host; wait for it to finish, or, if it is gone, delete'],
    ] as const) {
      writeFileSync(join(out, LOCK_FILE), lock)
      const r = cli([...RUN, '--out', out, '--resume'])
      expect(r.code).toBe(2)
      expect(r.err).toMatch(new RegExp(message))
      expect(readFileSync(join(out, LOCK_FILE), 'utf8')).toBe(lock)
      expect(readFileSync(join(out, 'rows.jsonl'), 'utf8')).toBe(rows)
    }
  })

  it('is released when a run is stopped by SIGTERM, and when it fails', async () => {
    const out = fresh()
    const a = spawn(process.execPath, [BIN, ...RUN, '--out', out], { stdio: 'ignore', env: { ...process.env, CI: 'true' } })
    try {
      await until('the manifest', () => existsSync(join(out, 'manifest.json')), a)
      a.kill('SIGTERM')
      await exited(a)
    } finally {
      a.kill('SIGKILL')
    }
    expect(a.signalCode ?? a.exitCode).not.toBe(0)
    expect(existsSync(join(out, LOCK_FILE))).toBe(false)
    // A resume refused for another config releases the lock it took.
    const other = cli([...RUN, '--out', out, '--resume', '--epochs', '2'])
    expect(other.code).toBe(2)
    expect(other.err).toMatch(/different config/)
    expect(readdirSync(out)).not.toContain(LOCK_FILE)
  })

  it('in-process: exclusive, released once, and the holder named', () => {
    const dir = fresh()
    mkdirSync(dir)
    const lock = acquireRunLock(dir, 'tune')
    expect(JSON.parse(readFileSync(lock.path, 'utf8'))).toMatchObject({ pid: process.pid, host: hostname(), what: 'tune' })
    expect(() => acquireRunLock(dir, 'run')).toThrow(/is in use by deltabench tune \(pid \d+/)
    lock.release()
    lock.release()
    expect(existsSync(lock.path)).toBe(false)
    writeFileSync(lock.path, 'not json')
    expect(() => acquireRunLock(dir, 'run')).toThrow(/not a deltabench lock file; if no deltabench is using .*, delete/)
  })
})
