/**
 * Which versions of the libraries and tools that touch a run's bytes were present: the npm packages the
 * strategies, workloads and harness import, SQLite inside better-sqlite3, and the real tools the
 * baselines and the local-delta floor run. Each probe runs once per process, with a timeout, and a probe
 * that fails is recorded as such: provenance never fails a run.
 */
import { spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'
import type { Versions } from '../core/run-files.ts'

const ROOT = fileURLToPath(new URL('..', import.meta.url))

/**
 * The npm packages imported by core/, strategies/, workloads/ and harness/: they hash, compress, generate
 * or store the bytes a sync moves (csv-stringify writes rows.csv). test/provenance.test.ts fails when an
 * import there is missing from this list.
 */
export const BYTE_PACKAGES = ['@mongodb-js/zstd', 'better-sqlite3', 'csv-stringify', 'fflate', 'hash-wasm', 'seedrandom'] as const

/** How to ask each real tool its version: the baselines' (rdiff, rsync, xdelta3, zstd) and the chunkers' if present. */
export const TOOL_PROBES: readonly { tool: string; args: string[] }[] = [
  { tool: 'rdiff', args: ['--version'] },
  { tool: 'rsync', args: ['--version'] },
  { tool: 'xdelta3', args: ['-V'] },
  { tool: 'zstd', args: ['-V'] },
  { tool: 'casync', args: ['--version'] },
  { tool: 'zsync', args: ['-V'] },
]

/** What a probe records when the tool or package is not installed. */
export const MISSING = 'missing'

/** Longest a version probe may take; a tool that hangs is recorded as unknown, never waited on longer. */
export const PROBE_TIMEOUT_MS = 3000

/**
 * The first non-empty line a command prints for its version (stdout, else stderr: xdelta3 -V writes to
 * stderr), "missing" when it is not on the PATH, or "unknown (why)" when it fails or takes too long.
 */
export function probeTool(command: string, args: readonly string[], timeoutMs = PROBE_TIMEOUT_MS): string {
  const r = spawnSync(command, args, { encoding: 'utf8', timeout: timeoutMs, stdio: ['ignore', 'pipe', 'pipe'] })
  const code = (r.error as NodeJS.ErrnoException | undefined)?.code
  if (code === 'ENOENT') return MISSING
  if (code === 'ETIMEDOUT') return `unknown (no answer in ${timeoutMs} ms)`
  if (r.error) return `unknown (${r.error.message})`
  const line = `${r.stdout ?? ''}\n${r.stderr ?? ''}`
    .split('\n')
    .map((l) => l.trim())
    .find(Boolean)
  if (r.status !== 0 && !line) return `unknown (exit ${r.status ?? r.signal})`
  // xdelta3 follows its version with a copyright on the same line: the years say nothing about the bytes.
  return line?.replace(/,? Copyright .*$/, '') ?? `unknown (${command} printed nothing)`
}

/** An installed package's version, from its package.json under node_modules: "missing" when it is not there. */
export function packageVersion(name: string, root = ROOT): string {
  try {
    const pkg = JSON.parse(readFileSync(`${root}/node_modules/${name}/package.json`, 'utf8')) as { version?: unknown }
    return typeof pkg.version === 'string' ? pkg.version : 'unknown (no version in its package.json)'
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ENOENT' ? MISSING : `unknown (${(err as Error).message})`
  }
}

/** The SQLite compiled into better-sqlite3 (`select sqlite_version()` on an in-memory database). */
export function sqliteVersion(): string {
  try {
    // Loaded here only, as workloads/sqlite-oltp-db.ts does: a missing native module must not stop a run.
    const Database = createRequire(import.meta.url)('better-sqlite3') as new (path: string) => { prepare(sql: string): { pluck(): { get(): unknown } }; close(): void }
    const db = new Database(':memory:')
    try {
      return String(db.prepare('select sqlite_version()').pluck().get())
    } finally {
      db.close()
    }
  } catch (err) {
    return `unknown (better-sqlite3 did not load: ${(err instanceof Error ? err.message : String(err)).split('\n')[0]})`
  }
}

let probed: Versions | undefined

/** Every version this process can see, probed on first use and kept: the tools answer once per process. */
export function versions(): Versions {
  probed ??= {
    packages: Object.fromEntries(BYTE_PACKAGES.map((p) => [p, packageVersion(p)])),
    sqlite: sqliteVersion(),
    tools: Object.fromEntries(TOOL_PROBES.map((t) => [t.tool, probeTool(t.tool, t.args)])),
  }
  return probed
}

/** The facts of a run that can change its bytes, flattened for comparison: name → value. */
export function versionFacts(m: { version?: string; git?: { commit: string | null; dirty: boolean | null }; node?: string; v8?: string; versions?: Versions }): Map<string, string> {
  const out = new Map<string, string>()
  if (m.version !== undefined) out.set('deltabench', m.version)
  if (m.git) {
    out.set('git commit', String(m.git.commit))
    out.set('uncommitted changes', String(m.git.dirty))
  }
  if (m.node !== undefined) out.set('node', m.node)
  if (m.v8 !== undefined) out.set('v8', m.v8)
  if (m.versions) {
    for (const [k, v] of Object.entries(m.versions.packages)) out.set(`npm ${k}`, v)
    out.set('sqlite', m.versions.sqlite)
    for (const [k, v] of Object.entries(m.versions.tools)) out.set(k, v)
  }
  return out
}

/**
 * What differs between a recorded run and now, one line each ("rsync: <recorded> → <now>"). Only facts the
 * recording has are compared: a manifest from before versions were recorded compares node, V8 and git.
 */
export function versionDifferences(recorded: Parameters<typeof versionFacts>[0], now: Parameters<typeof versionFacts>[0]): string[] {
  const was = versionFacts(recorded)
  const is = versionFacts(now)
  const out: string[] = []
  for (const [k, v] of was) if (is.get(k) !== v) out.push(`${k}: ${v} → ${is.get(k) ?? 'not probed'}`)
  return out
}
