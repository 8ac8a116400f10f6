/**
 * The two local deltas behind the floor (harness/local-floor.ts): zstd --patch-from and xdelta3 -e, with the
 * old version as the reference, run as Debian's tools. Their command lines, versions, and a synchronous
 * runner that runs both at once (the floor is computed while the workload is prepared, which is synchronous,
 * and never while a cell is timed).
 */
import { spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { findOnPath } from '../core/find-on-path.ts'
import { zstdLevel, type FloorRecipe } from './floor-level.ts'

export const FLOOR_TOOLS = [
  { cmd: 'zstd', apt: 'zstd' },
  { cmd: 'xdelta3', apt: 'xdelta3' },
] as const

/**
 * Largest version either tool can hold whole: zstd's window tops out at 2^31 (--long=31) and xdelta3's
 * source window (-B) at 2 GiB. Past it a "floor" would miss matches, so there is none.
 */
export const MAX_FLOOR_INPUT = 2 ** 31

/** Why the floor cannot be computed here (a tool missing), or undefined. */
export function missingFloorTools(): string | undefined {
  const missing = FLOOR_TOOLS.filter((t) => !findOnPath(t.cmd))
  if (missing.length === 0) return undefined
  return `${missing.map((t) => t.cmd).join(' and ')} not found on PATH: install with \`apt-get install ${missing.map((t) => t.apt).join(' ')}\``
}

let versions: string | undefined

/** The tools' versions as one string ("zstd 1.5.4, xdelta3 3.0.11"): part of every cache key. Asked once per process. */
export function floorToolVersions(): string {
  if (versions !== undefined) return versions
  const ask = (cmd: string, flag: string, pattern: RegExp) => {
    const r = spawnSync(cmd, [flag], { encoding: 'utf8', timeout: 10_000 })
    return pattern.exec(`${r.stdout ?? ''}${r.stderr ?? ''}`)?.[1] ?? 'unknown'
  }
  versions = `zstd ${ask('zstd', '--version', /v(\d+\.\d+\.\d+)/)}, xdelta3 ${ask('xdelta3', '-V', /version (\d+\.\d+\.\d+)/)}`
  return versions
}

/** One local delta: what the rows call it, how to make it, how to undo it. */
export interface FloorCandidate {
  /** The tool and its flags, as local_floor_tool shows it. */
  tool: string
  /** The delta file `encode` writes. */
  delta: string
  encode: string[]
  /** Rebuilds the new version from the old one and the delta, into `out`. */
  decode(out: string): string[]
}

/**
 * The candidates for one epoch: `old` and `next` are files in `dir`, of the given sizes. zstd's window is the
 * power of two above the larger size, doubled, since --patch-from matches reach back over the reference and
 * what the target has written so far; xdelta3's source window holds the whole old version (its minimum is 512 KiB).
 */
export function floorCandidates(recipe: FloorRecipe, dir: string, old: { path: string; size: number }, next: { path: string; size: number }): FloorCandidate[] {
  const out: FloorCandidate[] = []
  // zstd 1.5.4 aborts (an assertion) on an empty input with --patch-from; xdelta3 alone covers that epoch.
  if (next.size > 0) {
    const larger = Math.max(old.size, next.size)
    const long = Math.min(31, Math.max(10, Math.ceil(Math.log2(Math.max(larger, 1))) + 1))
    const level = zstdLevel(recipe, larger)
    const delta = join(dir, 'zstd.delta')
    out.push({
      tool: `zstd -${level} --long=${long} --patch-from`,
      delta,
      encode: ['zstd', '-q', '-f', `-${level}`, `--long=${long}`, `--patch-from=${old.path}`, next.path, '-o', delta],
      // --long on decoding raises the memory limit to the window the encoder used.
      decode: (o) => ['zstd', '-q', '-d', '-f', `--long=${long}`, `--patch-from=${old.path}`, delta, '-o', o],
    })
  }
  const window = Math.min(MAX_FLOOR_INPUT, Math.max(512 << 10, old.size))
  const delta = join(dir, 'xdelta3.delta')
  // -D -R: never hand inputs that look compressed to an external gzip/xz (the floor is about the delta).
  const flags = ['-D', '-R', '-B', String(window)]
  out.push({
    tool: `xdelta3 -e -${recipe.xdelta3} -A ${flags.join(' ')}`,
    delta,
    // -A: no application header, which would hold the temp files' names (their length would change the size).
    encode: ['xdelta3', '-e', '-f', '-q', `-${recipe.xdelta3}`, '-A', ...flags, '-s', old.path, next.path, delta],
    decode: (o) => ['xdelta3', '-d', '-f', '-q', ...flags, '-s', old.path, delta, o],
  })
  return out
}

/** How one command of a batch ended. */
export interface CommandExit {
  code: number
  stderr: string
}

/** Runs commands and waits for all of them; a seam for tests, which count the runs. */
export type CommandRunner = (commands: readonly (readonly string[])[], cwd: string) => CommandExit[]

/** A tool that runs longer than this is stopped (its epoch then has no floor): a stuck tool must not hang a run. */
const TOOL_TIMEOUT_S = 1800

/**
 * Runs the commands at once under one bash, each under `timeout` (which owns it: it ends the tool when the
 * time is up), and waits for every one; one command's stderr goes to err.<i> in `cwd`. At once, because the
 * machine is otherwise idle while the floor is computed (no cell is being timed) and the two tools are
 * single-threaded. --foreground keeps each tool in bash's process group, so a Ctrl-C reaches it too.
 */
export const runConcurrently: CommandRunner = (commands, cwd) => {
  // Each command is its length followed by its words, so no word is ever parsed by the shell.
  const args = commands.flatMap((c) => [String(c.length), ...c])
  const script = `i=0; pids=(); while [ $# -gt 0 ]; do n=$1; shift; timeout --foreground -k 10 ${TOOL_TIMEOUT_S} "\${@:1:$n}" 2>"err.$i" & pids+=($!); shift "$n"; i=$((i+1)); done; for p in "\${pids[@]}"; do wait "$p"; echo $?; done`
  const r = spawnSync('bash', ['-c', script, 'bash', ...args], { cwd, encoding: 'utf8' })
  if (r.error) throw new Error(`local floor: could not start bash: ${r.error.message}`)
  const codes = r.stdout.trim().split('\n').map(Number)
  return commands.map((_, i) => ({ code: codes[i] ?? -1, stderr: readErr(join(cwd, `err.${i}`)) }))
}

function readErr(path: string): string {
  try {
    return readFileSync(path, 'utf8').trim().slice(0, 2000)
  } catch {
    return ''
  }
}
