import { ToolError } from '../../core/errors.ts'
import type { Frame, Half } from '../../core/strategy.ts'
/**
 * Running real tools (rdiff, rsync, xdelta3, zstd) as baselines: finding them, running them on temp
 * files, and measuring their CPU.
 *
 * CPU: process.cpuUsage() sees only this process. Each tool therefore runs under
 * `bash -c '"$@"; rc=$?; times >&N; exit $rc'`: bash's `times` prints the user and system time of the
 * children bash has waited for (getrusage(RUSAGE_CHILDREN): the kernel's own accounting, to the
 * millisecond, including anything the tool forked and waited for). A half charges that to its side with
 * ctx.telemetry.chargeChildCpu; bash's own start-up is not charged (it is not the tool's work).
 */
import { spawn, type ChildProcess, type StdioOptions } from 'node:child_process'
import { closeSync, fstatSync, linkSync, openSync, rmSync, writeSync } from 'node:fs'
import { findOnPath } from '../../core/find-on-path.ts'
import { killGroup, own } from '../../core/cleanup.ts'
import { makeTempDir, removeTempDir } from '../../core/temp-dir.ts'
import { FileVolume, type ReadonlyVolume, type Volume } from '../../core/volume.ts'
import { readFully } from '../../core/read-fully.ts'

// Generic enough for the engine too (harness/floor-tools.ts), so they live in core/; re-exported for this family.
export { findOnPath, makeTempDir, removeTempDir }

/** The skip reason for a strategy whose tool is missing (undefined when every tool is there). */
export function missingTools(strategy: string, tools: readonly { cmd: string; apt: string }[]): string | undefined {
  const missing = tools.filter((t) => !findOnPath(t.cmd))
  if (missing.length === 0) return undefined
  const pkgs = [...new Set(missing.map((t) => t.apt))].join(' ')
  return `${strategy} needs ${missing.map((t) => t.cmd).join(', ')}, not found on PATH: install with \`apt-get install ${pkgs}\``
}

/** How a tool run ended. */
export interface ToolExit {
  code: number | null
  signal: NodeJS.Signals | null
  /** User + system CPU of the tool (and its waited-for children), ms. */
  cpuMs: number
  stderr: string
}

/** A started tool: the child (bash) with its pipes, and its end. */
export interface StartedTool {
  child: ChildProcess
  exit: Promise<ToolExit>
  /** Kills the tool's whole process group (bash, the tool, anything it started); harmless once it is gone. */
  kill(): void
}

/** Parses bash `times` output: the second line holds the children's user and system time. */
export function parseTimes(text: string): number {
  const lines = text.trim().split('\n')
  const m = /(\d+)m([\d.]+)s\s+(\d+)m([\d.]+)s/.exec(lines[1] ?? '')
  if (!m) return 0
  return (Number(m[1]) * 60 + Number(m[2]) + Number(m[3]) * 60 + Number(m[4])) * 1000
}

/**
 * Starts `argv` under bash with `times` written to one extra pipe after the tool exits. `stdio` are the
 * tool's own descriptors (0, 1, 2 and any extra ones); the times pipe comes after them.
 *
 * Every tool gets a process group of its own (detached), so `kill` ends the whole tree (rsync forks a
 * receiver and a remote shell), and it is registered with the process-wide owner (core/cleanup.ts)
 * until it has exited, so an error, an exit or Ctrl-C that ends this process ends the tool too.
 */
export function startTool(argv: readonly string[], opts: { stdio?: StdioOptions[]; cwd?: string } = {}): StartedTool {
  const stdio = [...(opts.stdio ?? ['ignore', 'pipe', 'pipe'])] as StdioOptions[]
  const timesFd = stdio.length
  // The tool runs with the times pipe closed, so only bash holds it and its end comes with bash's exit.
  const script = `"$@" ${timesFd}>&-; rc=$?; times >&${timesFd}; exit $rc`
  const child = spawn('bash', ['-c', script, 'bash', ...argv], { stdio: [...stdio, 'pipe'] as never, cwd: opts.cwd, detached: true })
  const kill = () => void killGroup(child.pid)
  const owned = own(`${argv[0]} process group ${child.pid}`, kill)
  let times = ''
  let stderr = ''
  child.stdio[timesFd]?.on('data', (d: Buffer) => (times += d.toString()))
  child.stderr?.on('data', (d: Buffer) => {
    if (stderr.length < 4096) stderr += d.toString()
  })
  const exit = new Promise<ToolExit>((resolve, reject) => {
    child.on('error', (err) => {
      owned.disown()
      reject(err)
    })
    child.on('close', (code, signal) => {
      // bash is gone and every pipe closed; anything of the tree still running (it closed its pipes) goes with it.
      owned.release()
      resolve({ code, signal, cpuMs: parseTimes(times), stderr: stderr.trim() })
    })
  })
  return { child, exit, kill: owned.release }
}

/** Runs a tool to completion; throws with its stderr when it fails. Returns its stdout and CPU. */
export async function runTool(who: string, argv: readonly string[], cwd?: string): Promise<{ stdout: string; cpuMs: number }> {
  const t = startTool(argv, { stdio: ['ignore', 'pipe', 'pipe'], cwd })
  let stdout = ''
  t.child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()))
  let e: ToolExit
  try {
    e = await t.exit
  } finally {
    t.kill() // ends the tree if the wait was cut short (a spawn error)
  }
  if (e.code !== 0) throw new ToolError(`${who}: \`${argv.join(' ')}\` failed (${e.signal ?? `exit ${e.code}`}): ${e.stderr || 'no message'}`)
  return { stdout, cpuMs: e.cpuMs }
}

// ---- temp files ----------------------------------------------------------------------------------

const IO_CHUNK = 8 << 20

/**
 * A file at `path` holding the volume's bytes for a tool to read: a hard link to the volume's own file
 * when it is file-backed (no copy), else written chunk by chunk. Always at `path`: tools record file
 * names in their output (xdelta3's header, rsync's file list), so the name must not depend on storage.
 */
export function volumeAsFile(vol: ReadonlyVolume, path: string): string {
  if (vol instanceof FileVolume) {
    try {
      rmSync(path, { force: true })
      linkSync(vol.path, path)
      return path
    } catch {
      // Another file system: fall through to a copy.
    }
  }
  const fd = openSync(path, 'w')
  try {
    for (let off = 0; off < vol.size; off += IO_CHUNK) {
      const b = vol.read(off, Math.min(IO_CHUNK, vol.size - off))
      for (let done = 0; done < b.length; ) done += writeSync(fd, b, done, b.length - done)
    }
  } finally {
    closeSync(fd)
  }
  return path
}

/**
 * Writes a tool's output file into the staged volume, only the 64 KiB pieces that differ from the
 * replica (the stage starts as the replica), so the stage's memory follows what changed.
 */
export function fileIntoStage(path: string, staged: Volume, replica: ReadonlyVolume): void {
  const fd = openSync(path, 'r')
  try {
    const size = fstatSync(fd).size
    const piece = 64 << 10
    const buf = new Uint8Array(IO_CHUNK)
    for (let off = 0; off < size; off += IO_CHUNK) {
      const n = Math.min(IO_CHUNK, size - off)
      const got = readFully(fd, buf, 0, n, off)
      if (got < n) throw new Error(`${path}: ended early at ${off + got}`)
      for (let p = 0; p < n; p += piece) {
        const len = Math.min(piece, n - p)
        const mine = buf.subarray(p, p + len)
        const at = off + p
        const same = at + len <= replica.size && Buffer.from(mine.buffer, mine.byteOffset, len).equals(replica.read(at, len))
        if (!same) staged.write(at, mine) // the stage copies what it is given
      }
    }
    staged.truncate(size)
  } finally {
    closeSync(fd)
  }
}

/** What a tool half's step gets besides its inbox: its temporary directory, and a way to say it is done. */
export interface ToolStep {
  /** The half's own temporary directory, made the first time it is asked for. */
  readonly dir: string
  /** Marks the half done; its directory goes once the step returns. */
  finish(): void
}

/**
 * A half of a real-tool strategy: `work` runs each step in the half's own temporary directory. The directory
 * goes (after `stop`, e.g. killing a tool still running) when a step throws, once the half is done, and when
 * the harness closes the half (the sync ended another way: the other half failed, the exchange stalled), so
 * no way a sync ends leaves a file or a process behind; a half that never needed a directory never makes one.
 */
export function toolHalf(name: string, work: (inbox: readonly Uint8Array[], step: ToolStep) => Promise<Frame[]>, stop?: () => void): Half {
  let dir: string | undefined
  let done = false
  const step: ToolStep = {
    get dir() {
      return (dir ??= makeTempDir(name))
    },
    finish: () => {
      done = true
    },
  }
  const cleanUp = () => {
    if (dir !== undefined) removeTempDir(dir)
    dir = undefined
  }
  const close = () => {
    stop?.()
    cleanUp()
  }
  return {
    get done() {
      return done
    },
    async step(inbox) {
      try {
        return await work(inbox, step)
      } catch (err) {
        close()
        throw err
      } finally {
        if (done) cleanUp()
      }
    },
    close,
  }
}
