/**
 * Running a real tool (zstd, xdelta3, rdiff, rsync) as a child process with its CPU measured.
 *
 * process.cpuUsage() sees only this process. Each tool therefore runs under
 * `bash -c '"$@"; rc=$?; times >&N; exit $rc'`: bash's `times` prints the user and system time of the
 * children bash has waited for (getrusage(RUSAGE_CHILDREN): the kernel's own accounting, to the
 * millisecond, including anything the tool forked and waited for). A half charges that to its side with
 * ctx.telemetry.chargeChildCpu; bash's own start-up is not charged (it is not the tool's work).
 *
 * One-shot tools (`runTool`: argv, cwd and env in, stdout, stderr and exit out) start through this
 * process's spawner (tool-spawner.ts), so the fork is of a small bash, not of this process; tools whose
 * stdin/stdout are streamed live (`startTool`: rsync, LiveTool, the HTTP clients) keep the direct spawn.
 */
import { spawn, type ChildProcess, type StdioOptions } from 'node:child_process'
import { ToolError } from '../../core/errors.ts'
import { findOnPath } from '../../core/find-on-path.ts'
import { killGroup, own } from '../../core/cleanup.ts'
import { spawner, spawnerEnabled } from './tool-spawner.ts'

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

/**
 * Runs a tool to completion; throws with its stderr when it fails. Returns its stdout and CPU. `env`
 * holds `KEY=VALUE`s set for the tool. Through the spawner unless DELTABENCH_SPAWNER=0.
 */
export async function runTool(who: string, argv: readonly string[], cwd?: string, env: readonly string[] = []): Promise<{ stdout: string; cpuMs: number }> {
  const e = spawnerEnabled() ? await runSpawned(argv, cwd, env) : await runDirect(argv, cwd, env)
  if (e.code !== 0) throw new ToolError(`${who}: \`${argv.join(' ')}\` failed (${e.signal ?? `exit ${e.code}`}): ${e.stderr || 'no message'}`)
  return { stdout: e.stdout, cpuMs: e.cpuMs }
}

async function runSpawned(argv: readonly string[], cwd = '', env: readonly string[]): Promise<ToolExit & { stdout: string }> {
  const t = spawner().run(argv, cwd, env)
  try {
    const e = await t.exit
    return { code: e.code, signal: e.signal, cpuMs: parseTimes(e.times), stderr: e.stderr.slice(0, 4096).trim(), stdout: e.stdout }
  } finally {
    t.kill() // ends the tree if the wait was cut short (the spawner died)
  }
}

async function runDirect(argv: readonly string[], cwd: string | undefined, env: readonly string[]): Promise<ToolExit & { stdout: string }> {
  const t = startTool(env.length > 0 ? ['env', ...env, ...argv] : argv, { stdio: ['ignore', 'pipe', 'pipe'], cwd })
  let stdout = ''
  t.child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()))
  try {
    return { ...(await t.exit), stdout }
  } finally {
    t.kill() // ends the tree if the wait was cut short (a spawn error)
  }
}
