import { ToolError } from '../../core/errors.ts'
/**
 * A long-running tool whose byte stream is relayed through the metered channel (the rsync baseline:
 * client in the sender half, server in the receiver half). The halves advance in steps, the tools run
 * on their own, so a step must know when its tool has said all it will say until the peer answers:
 * it returns once the tool's whole process tree is asleep (blocked, in Linux's state S) and no output
 * arrived over two consecutive polls, or once the tool exited. A tool that is computing (state R or D)
 * is waited for, however long it takes (up to a hard limit).
 */
import type { ChildProcess, StdioOptions } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { startTool, type ToolExit } from './child-tool.ts'

const POLL_MS = 1
/** A step that waits longer than this for a tool to settle fails the sync. */
const STEP_LIMIT_MS = 10 * 60_000

/** True when every process in the tree under `pid` is asleep or gone (Linux /proc). */
export function treeAsleep(pid: number): boolean {
  let stat: string
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
  } catch {
    return true // gone
  }
  // The state follows the command name, which is in parentheses and may itself contain spaces.
  const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3)
  // R running, D in the kernel, Z exited and not yet reaped (its parent is about to wake): all busy.
  if (state === 'R' || state === 'D' || state === 'Z') return false
  let children: string
  try {
    children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8')
  } catch {
    return true
  }
  for (const c of children.trim().split(/\s+/)) if (c && !treeAsleep(Number(c))) return false
  return true
}

/**
 * Waits until the tool under `pid` has exited, or its whole tree is asleep and `received()` (bytes it
 * produced, however they reach us) stayed the same over two polls (twenty when it was not just `fed`
 * and has said nothing yet: an empty step counts towards the harness's stall limit).
 */
export async function settleTree(who: string, pid: number | undefined, received: () => number, exited: () => boolean, fed: boolean): Promise<void> {
  const t0 = Date.now()
  const start = received()
  let seen = start
  let quiet = 0
  while (!exited()) {
    await new Promise((r) => setTimeout(r, POLL_MS))
    if (received() !== seen) {
      seen = received()
      quiet = 0
    } else if (pid === undefined || treeAsleep(pid)) {
      if (++quiet >= (fed || received() !== start ? 2 : 20)) return
    } else {
      quiet = 0
    }
    if (Date.now() - t0 > STEP_LIMIT_MS) throw new ToolError(`${who}: no progress for ${STEP_LIMIT_MS / 1000} s`)
  }
}

export class LiveTool {
  readonly child: ChildProcess
  readonly exit: Promise<ToolExit>
  exited: ToolExit | undefined
  private readonly killGroup: () => void
  private chunks: Uint8Array[] = []
  private received = 0

  /**
   * Starts the tool; its stream is read from `outFd` and written to `inFd` (descriptors of the tool).
   */
  constructor(
    argv: readonly string[],
    stdio: StdioOptions[],
    private readonly inFd: number,
    outFd: number,
    cwd?: string,
  ) {
    // startTool gives it a process group of its own, so a failed sync can stop the tool and everything it started.
    const t = startTool(argv, { stdio, cwd })
    this.child = t.child
    this.exit = t.exit
    this.killGroup = t.kill
    t.exit.then(
      (e) => (this.exited = e),
      (err: Error) => (this.exited = { code: null, signal: null, cpuMs: 0, stderr: err.message }),
    )
    this.child.stdio[outFd]!.on('data', (d: Buffer) => {
      this.chunks.push(new Uint8Array(d.buffer, d.byteOffset, d.length))
      this.received += d.length
    })
    this.child.stdio[inFd]!.on('error', () => {
      // The tool closed its end early (it failed or finished): its exit status says why.
    })
  }

  send(bytes: Uint8Array): void {
    const s = this.child.stdio[this.inFd] as NodeJS.WritableStream
    s.write(bytes)
  }

  /** Ends the stream into the tool (the peer hung up). */
  endInput(): void {
    ;(this.child.stdio[this.inFd] as NodeJS.WritableStream).end()
  }

  /** What the tool wrote since the last take. */
  take(): Uint8Array[] {
    const out = this.chunks
    this.chunks = []
    return out
  }

  /**
   * Waits until the tool has exited or is blocked with nothing more to say (see the file comment).
   * `fed` says whether the tool was just given input: if not, and it says nothing, it is given longer
   * (20 polls) before the step gives up, since an empty step counts towards the harness's stall limit.
   */
  async settle(fed: boolean): Promise<void> {
    await settleTree(this.child.spawnargs.join(' '), this.child.pid, () => this.received, () => this.exited !== undefined, fed)
    if (this.exited !== undefined) await this.exit
  }

  /** Stops the tool and everything it started (after a failure elsewhere, or when the sync is over). */
  kill(): void {
    this.killGroup()
  }
}
