/**
 * A small long-lived process that starts one-shot tools on this process's behalf, so the fork happens
 * from a ~4 MB bash, not from a 100-400 MB Node process with large WASM reservations (whose page tables
 * every fork copies: 20-80 ms and ~27 ms of parent CPU per spawn on the project's VM).
 *
 * One spawner per process, started on first use and again on the next call if it died. While a tool runs
 * it is registered with core/cleanup.ts (so releaseAll, a signal or an exit ends it and its tools, and a
 * check for what a finished sync left behind sees it); idle it is not a leftover of anyone's, and ends
 * with this process: on 'exit', or, if this process is killed, when its stdin closes. It is bash reading requests from its stdin: NUL-separated
 * id, cwd, env count, `KEY=VALUE`s, argc, argv. For each it forks a subshell that starts the tool under
 * `set -m` (so the tool leads a process group of its own, as `detached` gives a direct spawn) with stdin
 * /dev/null and stdout/stderr into files of the spawner's own temp folder, waits for it, then takes
 * `times` (its children's user + system CPU, the kernel's accounting, as the direct runner does). It
 * answers `pid <id> <pgid>` once the tool is forked and `done <id> <rc> <children's times>` when it has
 * exited. When its stdin closes (the owner exited, even by kill -9) it has every tool group killed, removes
 * its folder and exits.
 */
import { spawn, type ChildProcessByStdio } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { constants, tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Readable, Writable } from 'node:stream'
import { killGroup, own, type Owned } from '../../core/cleanup.ts'
import { removeTree } from '../../core/temp-dir.ts'

// Each request gets a subshell that waits for the tool: it answers even when the tool's group is killed, takes
// the tool's CPU, and on SIGTERM (sent by the spawner when its stdin closes) kills the tool's group.
// Each answer is one printf of a short line, a single write under PIPE_BUF, so concurrent tools' answers never interleave.
const SCRIPT = `
dir=$1
while :; do
  IFS= read -r -d '' id || break
  IFS= read -r -d '' cwd || break
  IFS= read -r -d '' n || break
  env=(); for ((i = 0; i < n; i++)); do IFS= read -r -d '' v || break 2; env+=("$v"); done
  IFS= read -r -d '' n || break
  argv=(); for ((i = 0; i < n; i++)); do IFS= read -r -d '' v || break 2; argv+=("$v"); done
  (
    p=
    trap '[[ -n $p ]] && kill -KILL -- "-$p" 2>/dev/null; exit 143' TERM
    for v in "\${env[@]}"; do export "$v"; done
    if [[ -n $cwd ]] && ! cd -- "$cwd" 2>"$dir/$id.err"; then printf 'done %s 126 0m0s 0m0s\\n' "$id"; exit; fi
    set -m
    "\${argv[@]}" >"$dir/$id.out" 2>"$dir/$id.err" &
    p=$!
    printf 'pid %s %s\\n' "$id" "$p"
    wait "$p"
    rc=$?
    times >"$dir/$id.t"
    mapfile -t t <"$dir/$id.t"
    printf 'done %s %s %s\\n' "$id" "$rc" "\${t[1]}"
  ) </dev/null 2>/dev/null &
done
jobs=$(jobs -p)
[[ -n $jobs ]] && kill -TERM $jobs 2>/dev/null
wait
rm -rf -- "$dir"
`

/** What a spawned tool left: its exit status, its CPU (`times` of its subshell) and its output files. */
export interface SpawnedExit {
  code: number | null
  signal: NodeJS.Signals | null
  /** The second line of bash `times` (the children's user and system time). */
  times: string
  stdout: string
  stderr: string
}

interface Job {
  resolve(e: SpawnedExit): void
  reject(err: Error): void
  pgid?: number
  killed: boolean
}

/** A started tool: its end, and a kill of its whole process group (harmless once it is gone). */
export interface SpawnedTool {
  exit: Promise<SpawnedExit>
  kill(): void
}

class Spawner {
  private readonly jobs = new Map<number, Job>()
  private nextId = 0
  private pending = ''
  private dead = false
  private owned: Owned | undefined
  private readonly onExit = () => this.end()

  private constructor(
    private readonly child: ChildProcessByStdio<Writable, Readable, null>,
    private readonly dir: string,
  ) {
    // On exit, end it now (its stdin closing would do it too, but only after this process is gone).
    process.on('exit', this.onExit)
    child.stdout.setEncoding('latin1')
    child.stdout.on('data', (d: string) => this.onData(d))
    // 'exit', not 'close': the subshells of running tools still hold its stdout open.
    child.on('exit', () => this.onDeath(new Error(`tool spawner: the spawner process (pid ${child.pid}) ended`)))
    child.on('error', (err) => this.onDeath(err))
    child.stdin.on('error', () => {}) // EPIPE when it died: reported through 'close'
    this.idle()
  }

  static start(): Spawner {
    const dir = mkdtempSync(join(tmpdir(), 'deltabench-spawner-'))
    const child = spawn('bash', ['-c', SCRIPT, 'spawner', dir], { stdio: ['pipe', 'pipe', 'ignore'], detached: true })
    return new Spawner(child, dir)
  }

  get alive(): boolean {
    return !this.dead
  }

  run(argv: readonly string[], cwd = '', env: readonly string[] = []): SpawnedTool {
    const id = this.nextId++
    let job!: Job
    const exit = new Promise<SpawnedExit>((resolve, reject) => {
      job = { resolve, reject, killed: false }
    })
    this.jobs.set(id, job)
    this.busy()
    const fields = [String(id), cwd, String(env.length), ...env, String(argv.length), ...argv]
    for (const f of fields) if (f.includes('\0')) throw new Error(`tool spawner: an argument holds a NUL byte: ${JSON.stringify(f)}`)
    this.child.stdin.write(fields.join('\0') + '\0')
    const kill = () => {
      job.killed = true
      if (this.jobs.has(id)) killGroup(job.pgid) // no pgid yet: killed when its pid line arrives
    }
    return { exit, kill }
  }

  private onData(d: string): void {
    this.pending += d
    let nl: number
    while ((nl = this.pending.indexOf('\n')) >= 0) {
      const line = this.pending.slice(0, nl)
      this.pending = this.pending.slice(nl + 1)
      this.onLine(line)
    }
  }

  private onLine(line: string): void {
    const [kind, idText, value, ...rest] = line.split(' ')
    const id = Number(idText)
    const job = this.jobs.get(id)
    if (!job) return // a pid line after its done line
    if (kind === 'pid') {
      job.pgid = Number(value)
      if (job.killed) killGroup(job.pgid)
      return
    }
    this.jobs.delete(id)
    const rc = Number(value)
    const file = (ext: string) => join(this.dir, `${id}.${ext}`)
    const read = (ext: string) => {
      try {
        return readFileSync(file(ext), 'utf8')
      } catch {
        return '' // the tool never started (cd failed): no output file
      }
    }
    const out = { stdout: read('out'), stderr: read('err') }
    for (const ext of ['out', 'err', 't']) rmSync(file(ext), { force: true })
    // bash reports a tool killed by signal N as 128+N; a tool's own exit code above 128 reads the same way.
    const signal = rc > 128 ? (Object.entries(constants.signals).find(([, n]) => n === rc - 128)?.[0] as NodeJS.Signals | undefined) : undefined
    job.resolve({ code: signal ? null : rc, signal: signal ?? null, times: `0m0s 0m0s\n${rest.join(' ')}`, ...out })
    if (this.jobs.size === 0) this.idle()
  }

  private onDeath(err: Error): void {
    if (!this.dead) this.end(err)
  }

  /** Ends every tool still running (failing its caller with `err`) and the spawner; synchronous, so it can run from an 'exit' handler. */
  private end(err = new Error('tool spawner: ended by its owner (an exit, a signal or releaseAll); the tool was killed')): void {
    this.owned?.disown()
    this.owned = undefined
    process.off('exit', this.onExit)
    this.dead = true
    if (current === this) current = undefined
    for (const job of this.jobs.values()) {
      killGroup(job.pgid)
      job.reject(err)
    }
    this.jobs.clear()
    // SIGTERM to the spawner's group reaches the subshells too, which kill their tool's group (one whose pid line is not read yet).
    killGroup(this.child.pid, 'SIGTERM')
    removeTree(this.dir)
  }

  // An idle spawner must not keep the process alive (the fuzzer exits when done); a busy one must.
  private idle(): void {
    this.owned?.disown()
    this.owned = undefined
    this.child.unref()
    for (const s of [this.child.stdin, this.child.stdout]) (s as unknown as { unref(): void }).unref()
  }

  private busy(): void {
    this.owned ??= own(`tool spawner ${this.child.pid} (tools running)`, () => this.end())
    this.child.ref()
    for (const s of [this.child.stdin, this.child.stdout]) (s as unknown as { ref(): void }).ref()
  }

  /** Ends the spawner and every tool it runs now. */
  stop(): void {
    this.end()
  }

  /** The spawner's pid (tests). */
  get pid(): number | undefined {
    return this.child.pid
  }
}

let current: Spawner | undefined

/** This process's spawner, started now if there is none or the last one died. */
export function spawner(): Spawner {
  if (!current || !current.alive) current = Spawner.start()
  return current
}

/** Ends this process's spawner now, if it runs (tests; the next call starts another). */
export function stopSpawner(): void {
  current?.stop()
  current = undefined
}

/** Whether tools go through the spawner: on unless DELTABENCH_SPAWNER=0 (the direct spawn, for before/after benchmarks). */
export function spawnerEnabled(): boolean {
  return process.env.DELTABENCH_SPAWNER !== '0'
}
