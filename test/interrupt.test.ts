/**
 * Ownership of processes and folders (issue 17 items 1 and 6): each test runs the real CLI or fuzzer as a
 * child with its own TMPDIR (so every deltabench-* folder it makes is ours to count) and a marker in its
 * environment (inherited by every worker and tool, so any process it leaves behind is found in /proc).
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { liveResources, own, releaseAll } from '../core/cleanup.ts'
import { findOnPath } from '../core/find-on-path.ts'

const ROOT = join(import.meta.dirname, '..')
const scratch = mkdtempSync(join(tmpdir(), 'deltabench-interrupt-test-'))
const started: Child[] = []
afterAll(() => {
  // A failing case may have left processes (that is what it tests): end them, ours by their marker, by process group.
  for (const c of started) for (const p of leftProcesses(c)) killGroupOf(Number(p.split(' ')[0]))
  rmSync(scratch, { recursive: true, force: true })
})

const groupOf = (pid: number | 'self') => {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2])
}

/** Kills a leftover and its process group (a tool's), or only itself when it shares ours (a CLI child). */
function killGroupOf(pid: number): void {
  try {
    const pgid = groupOf(pid)
    process.kill(pgid === groupOf('self') ? pid : -pgid, 'SIGKILL')
  } catch {
    // gone
  }
}

interface Child {
  proc: ChildProcess
  tmp: string
  marker: string
  stderr: () => string
  done: Promise<{ code: number | null; signal: NodeJS.Signals | null }>
}

let n = 0
function start(cmd: string, args: string[]): Child {
  const tmp = join(scratch, `tmp-${n}`)
  mkdirSync(tmp)
  const marker = `deltabench-test-${process.pid}-${n++}`
  const proc = spawn(cmd, args, { cwd: ROOT, env: { ...process.env, TMPDIR: tmp, DELTABENCH_TEST_OWNER: marker }, stdio: ['ignore', 'pipe', 'pipe'] })
  let err = ''
  proc.stderr!.on('data', (d: Buffer) => (err += d.toString()))
  proc.stdout!.resume()
  const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) => proc.on('exit', (code, signal) => r({ code, signal })))
  const c = { proc, tmp, marker, stderr: () => err, done }
  started.push(c)
  return c
}

/** deltabench-* folders in the child's TMPDIR. */
const leftFolders = (c: Child) => readdirSync(c.tmp).filter((f) => f.startsWith('deltabench-'))

/** Processes still alive that carry the child's marker (itself, its workers, its tools). */
function leftProcesses(c: Child): string[] {
  const out: string[] = []
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      if (!readFileSync(`/proc/${pid}/environ`, 'latin1').split('\0').includes(`DELTABENCH_TEST_OWNER=${c.marker}`)) continue
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
      if (stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) === 'Z') continue
      out.push(`${pid} ${readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ')}`)
    } catch {
      // gone meanwhile, or not ours to read
    }
  }
  return out
}

async function waitFor(what: () => boolean, ms: number): Promise<boolean> {
  for (const t0 = Date.now(); Date.now() - t0 < ms; await new Promise((r) => setTimeout(r, 50))) if (what()) return true
  return what()
}

/** Processes can take a moment to go after their parent; a leak is one still there after 3 s. */
async function processesLeft(c: Child): Promise<string[]> {
  await waitFor(() => leftProcesses(c).length === 0, 3000)
  return leftProcesses(c)
}

const cli = (...args: string[]) => start(process.execPath, [join(ROOT, 'bin', 'deltabench.js'), ...args])
const SMALL = ['--workloads', 'random-overwrite', '--block-sizes', '4096', '--size', '1MiB', '--epochs', '2', '--no-progress', '--no-report', '--floor', 'off']
const noRsync = !findOnPath('rsync')
const RSYNC_SKIP = noRsync ? ' (skipped: rsync not found on PATH: install with `apt-get install rsync`)' : ''

describe('the owner registry (core/cleanup.ts)', () => {
  it('releases newest first, once, and keeps going past a release that throws', () => {
    const log: string[] = []
    const a = own('a', () => log.push('a'))
    own('b', () => {
      throw new Error('b fails')
    })
    own('c', () => log.push('c'))
    const d = own('d', () => log.push('d'))
    d.disown()
    a.release()
    expect(liveResources()).toEqual(['b', 'c'])
    expect(releaseAll()).toBe(2)
    a.release()
    expect(log).toEqual(['a', 'c'])
    expect(liveResources()).toEqual([])
  })
})

describe.skipIf(noRsync)(`processes and temp folders end with their owner${RSYNC_SKIP}`, () => {
  it('a fuzz run of real rsync exits when done and leaves no process and no temp folder', async () => {
    const c = start(process.execPath, ['--import', 'tsx', 'bench/fuzz.ts', '--cases', '12', '--strategy', 'rsync'])
    const timer = setTimeout(() => c.proc.kill('SIGKILL'), 150_000)
    const end = await c.done
    clearTimeout(timer)
    expect(end, c.stderr()).toEqual({ code: 0, signal: null })
    expect(await processesLeft(c)).toEqual([])
    expect(leftFolders(c)).toEqual([])
  }, 180_000)

  it('SIGINT during run --storage file: exit 130, manifest "interrupted", the resume command, nothing left', async () => {
    const out = join(scratch, 'run-sigint')
    const c = cli('run', '--strategies', 'rsync,fixed-block-compare', '--seeds', '1,2,3,4', ...SMALL, '--storage', 'file', '--out', out)
    // Mid-run: the volume folder exists and rsync is at work.
    const busy = await waitFor(() => leftFolders(c).some((f) => f.startsWith('deltabench-volumes-')) && leftFolders(c).some((f) => f.startsWith('deltabench-rsync-')), 60_000)
    expect(busy, `the run never got going: ${c.stderr()}`).toBe(true)
    c.proc.kill('SIGINT')
    const end = await c.done
    expect(end.code, c.stderr()).toBe(130)
    expect(JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')).status).toBe('interrupted')
    expect(c.stderr()).toMatch(/interrupted: \d+ of 8 cells finished/)
    expect(c.stderr()).toContain(`continue with: npx deltabench run --strategies rsync,fixed-block-compare --seeds 1,2,3,4`)
    expect(c.stderr()).toContain(`--out ${out} --resume`)
    expect(await processesLeft(c)).toEqual([])
    expect(leftFolders(c)).toEqual([])
  }, 120_000)

  it('a --jobs 2 --storage file run leaves no worker and no volume folder, done or interrupted', async () => {
    const ok = cli('run', '--strategies', 'rsync,fixed-block-compare', ...SMALL, '--storage', 'file', '--jobs', '2', '--out', join(scratch, 'jobs-ok'))
    const end = await ok.done
    expect(end.code, ok.stderr()).toBe(0)
    expect(await processesLeft(ok)).toEqual([])
    expect(leftFolders(ok)).toEqual([])

    const out = join(scratch, 'jobs-sigint')
    const cut = cli('run', '--strategies', 'rsync,fixed-block-compare', ...SMALL, '--seeds', '1,2,3,4,5,6', '--storage', 'file', '--jobs', '2', '--out', out)
    const busy = await waitFor(() => existsSync(join(out, 'rows.jsonl')) && readFileSync(join(out, 'rows.jsonl'), 'utf8').length > 0, 90_000)
    expect(busy, `the run never got going: ${cut.stderr()}`).toBe(true)
    cut.proc.kill('SIGINT') // the parent alone, as `kill -INT` does (a terminal's Ctrl-C reaches the workers too)
    expect((await cut.done).code, cut.stderr()).toBe(130)
    expect(await processesLeft(cut)).toEqual([])
    expect(leftFolders(cut)).toEqual([])
    expect(JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')).status).toBe('interrupted')
  }, 240_000)
})
