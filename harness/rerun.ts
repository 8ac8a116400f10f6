/**
 * `deltabench run --from <manifest>`: a recorded run's config, resolved again by this deltabench and
 * checked to be the very config that ran (same hash), and the versions that differ from the recorded ones.
 */
import { existsSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { ConfigError } from '../core/errors.ts'
import { MANIFEST_FILE, MANIFEST_FORMAT, type Manifest, type RecordedRunConfig } from '../core/run-files.ts'
import { resolveRun, type RunConfig, type RunRequest } from './config.ts'
import { environment, hashOf, recordedConfig, withoutBlockSize } from './manifest.ts'
import { versionDifferences, versions } from './provenance.ts'

export interface Rerun {
  /** The manifest file read. */
  path: string
  manifest: Manifest
  /** The recorded config, resolved here: the same hash as the recorded run's. */
  config: RunConfig
  /** Versions that differ from the recorded run's, one line each; empty when all match. */
  differences: string[]
}

const WHO = 'run --from'

/** Reads and checks a manifest (a run directory names its manifest.json), then resolves its config again. */
export function loadRerun(path: string): Rerun {
  const file = existsSync(path) && statSync(path).isDirectory() ? join(path, MANIFEST_FILE) : path
  const manifest = readRecordedManifest(file)
  const config = resolveRecorded(file, manifest)
  return { path: file, manifest, config, differences: versionDifferences(manifest, { ...environment(), versions: versions() }) }
}

function readRecordedManifest(file: string): Manifest {
  const example = `give a run's manifest, e.g. --from results/<run-id>/${MANIFEST_FILE}`
  if (!existsSync(file)) throw new ConfigError(`${WHO} ${file}: no such file; ${example}`)
  let m: Partial<Manifest>
  try {
    m = JSON.parse(readFileSync(file, 'utf8')) as Partial<Manifest>
  } catch (err) {
    throw new ConfigError(`${WHO} ${file}: not a JSON file (${(err as Error).message.replace(/\s+/g, ' ')}); ${example}`)
  }
  if (m === null || typeof m !== 'object' || m.tool !== 'deltabench' || typeof m.config !== 'object' || m.config === null || typeof m.configHash !== 'string') {
    throw new ConfigError(`${WHO} ${file}: not a deltabench run manifest (it needs tool "deltabench", config and configHash); ${example}`)
  }
  const format = m.manifestFormat ?? 1
  if (!Number.isInteger(format) || format < 1 || format > MANIFEST_FORMAT) {
    throw new ConfigError(`${WHO} ${file}: manifest format ${String(m.manifestFormat)} (deltabench ${m.version}) is unknown to this deltabench, which reads formats 1 to ${MANIFEST_FORMAT}; re-run it with the deltabench that wrote it (its git commit is in the manifest)`)
  }
  if (hashOf(m.config) !== m.configHash) {
    throw new ConfigError(`${WHO} ${file}: its config does not match its configHash (edited by hand?); restore the file the run wrote, or run the flags you want without --from`)
  }
  return m as Manifest
}

/**
 * The request that asks for the recorded config again. Strategies and workloads become names and overrides
 * (every option, as resolved), the fault its kind and rate; every other field is passed through under its
 * own name, so a field a later change adds to the config (and to RunRequest under the same name) needs no
 * change here. The hash check in resolveRecorded catches any field that does not come back the same.
 */
export function requestOf(recorded: RecordedRunConfig): RunRequest {
  const { strategies, workloads, fault, ...rest } = recorded
  const owners = [...strategies.map((s) => ({ name: s.name, options: withoutBlockSize(s.options) })), ...workloads]
  return {
    ...(rest as RunRequest),
    strategies: strategies.map((s) => s.name),
    workloads: workloads.map((w) => w.name),
    overrides: Object.fromEntries(owners.map((o) => [o.name, o.options as Record<string, string | number | boolean>])),
    ...(fault ? { fault: fault.kind, faultRate: fault.rate } : {}),
  }
}

function resolveRecorded(file: string, m: Manifest): RunConfig {
  let config: RunConfig
  try {
    config = resolveRun(requestOf(m.config))
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err
    throw new ConfigError(`${WHO} ${file}: this deltabench cannot resolve the recorded config (${err.message}); re-run it with the deltabench that wrote it (git commit ${m.git?.commit ?? 'unknown'})`)
  }
  // Format 1 hashed the config as the engine held it, with each strategy's default blockSize in its options.
  const again = (m.manifestFormat ?? 1) === 1 ? (({ invocation: _none, ...rest }) => rest)(config) : recordedConfig(config)
  if (hashOf(again) !== m.configHash) {
    const diffs = differences(m.config, again).slice(0, 5).join('; ')
    throw new ConfigError(`${WHO} ${file}: this deltabench resolves the recorded config differently (${diffs}), so its cells would not be the recorded ones; re-run it with the deltabench that wrote it (git commit ${m.git?.commit ?? 'unknown'})`)
  }
  return config
}

/** Where two JSON values differ, as paths: "strategies.0.options.strongBytes: recorded 16, now 8". */
export function differences(recorded: unknown, now: unknown, path = ''): string[] {
  if (JSON.stringify(recorded) === JSON.stringify(now)) return []
  const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null
  if (isObject(recorded) && isObject(now) && Array.isArray(recorded) === Array.isArray(now)) {
    const keys = [...new Set([...Object.keys(recorded), ...Object.keys(now)])]
    const out = keys.flatMap((k) => differences(recorded[k], now[k], path ? `${path}.${k}` : k))
    // Same keys and values in another order: JSON (and so the hash) still differs.
    return out.length ? out : [`${path || 'config'}: its keys are in another order`]
  }
  const show = (v: unknown) => (v === undefined ? 'absent' : JSON.stringify(v))
  return [`${path || 'config'}: recorded ${show(recorded)}, now ${show(now)}`]
}
