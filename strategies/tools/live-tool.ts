import { ToolError } from '../../core/errors.ts'
/**
 * A long-running tool whose byte stream is relayed through the metered channel (the rsync baseline:
 * client in the sender half, server in the receiver half). The halves advance in steps, the tools run
 * on their own, so a step must know when its tool has said all it will say until the peer answers:
 * it returns once the tool's whole process tree is asleep (blocked, in Linux's state S) and no bytes
 * moved either way over two consecutive polls, or once the tool exited. A tool that is computing (state
 * R or D) is waited for, however long it takes (up to a hard limit).
 *
 * "Moved" includes bytes going into the tool: its input is queued here and written to its pipe as the
 * tool reads. A fast reader drains its pipe and sleeps until this process refills it, so it looks asleep
 * and silent at nearly every poll while megabytes wait for it here: before that counted, a step returned
 * with the tool's input undelivered, the empty steps ran into the harness's stall limit, and rsync's
 * `unrelated` case (256 MiB of literal data) failed under load with "neither half sends anything".
 */
import type { ChildProcess, StdioOptions } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { startTool, type ToolExit } from './child-tool.ts'

const POLL_MS = 1
/** Input goes to the tool in writes of at most this (a default pipe's capacity), so what it has taken shows at this grain or finer. */
const SLICE = 64 << 10
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
 * Waits until the tool under `pid` has exited, or its whole tree is asleep and neither `received()`
 * (bytes it produced, however they reach us) nor `delivered()` (bytes of its input its pipe took) moved
 * over two polls (twenty when it was not just `fed` and has said nothing yet: an empty step counts
 * towards the harness's stall limit). A tool asleep with input still queued for it and none taken is
 * blocked on something else, so it settles too: the stall limit, not the 10-minute one, then ends it.
 */
export async function settleTree(who: string, pid: number | undefined, received: () => number, exited: () => boolean, fed: boolean, delivered: () => number = () => 0): Promise<void> {
  const t0 = Date.now()
  const start = received()
  let seen = start
  let taken = delivered()
  let quiet = 0
  while (!exited()) {
    await new Promise((r) => setTimeout(r, POLL_MS))
    if (received() !== seen || delivered() !== taken) {
      seen = received()
      taken = delivered()
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
  /** Input not yet handed to the pipe, oldest first, and the slice being written (its length; 0 when none). */
  private queue: Uint8Array[] = []
  private writing = 0
  /** Bytes of input whose write completed. */
  private written = 0
  private endRequested = false
  private inputBroken = false

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

  /** Queues `bytes` for the tool; they reach its pipe a slice at a time, as it reads. */
  send(bytes: Uint8Array): void {
    if (this.inputBroken || bytes.length === 0) return
    this.queue.push(bytes)
    this.pump()
  }

  /** Ends the stream into the tool (the peer hung up), once what is queued has gone. */
  endInput(): void {
    this.endRequested = true
    this.pump()
  }

  /** Bytes of input the tool's pipe has taken, counting a slice that is partly written. */
  get delivered(): number {
    if (this.writing === 0) return this.written
    // libuv's count of the slice's bytes not yet in the pipe (it shrinks on partial writes); absent, the slice counts once done.
    const left = (this.child.stdio[this.inFd] as unknown as { _handle?: { writeQueueSize?: unknown } })._handle?.writeQueueSize
    return this.written + (typeof left === 'number' && left <= this.writing ? this.writing - left : 0)
  }

  /** Writes the next slice once the last one is in the pipe: one write in flight keeps `delivered` exact. */
  private pump(): void {
    if (this.writing > 0 || this.inputBroken) return
    const s = this.child.stdio[this.inFd] as NodeJS.WritableStream
    const next = this.queue[0]
    if (next === undefined) {
      if (this.endRequested) s.end()
      return
    }
    const slice = next.subarray(0, SLICE)
    if (slice.length === next.length) this.queue.shift()
    else this.queue[0] = next.subarray(SLICE)
    this.writing = slice.length
    s.write(slice, (err) => {
      this.writing = 0
      if (err) {
        // The tool closed its end (it failed or finished): its exit status says why; the rest has nowhere to go.
        this.inputBroken = true
        this.queue = []
        return
      }
      this.written += slice.length
      this.pump()
    })
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
    await settleTree(this.child.spawnargs.join(' '), this.child.pid, () => this.received, () => this.exited !== undefined, fed, () => this.delivered)
    if (this.exited !== undefined) await this.exit
  }

  /** Stops the tool and everything it started (after a failure elsewhere, or when the sync is over). */
  kill(): void {
    this.killGroup()
  }
}
