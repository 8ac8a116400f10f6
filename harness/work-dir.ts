/**
 * The --work-dir probe: before a run claims its results folder, the folder its file-backed volumes go in is
 * made and written once (a small file, removed at once), so a read-only, full or mistyped work dir fails
 * the run before anything is created rather than after the results folder exists.
 */
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, statSync, writeSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { ConfigError } from '../core/errors.ts'
import { refuseSystemPath } from '../core/os-error.ts'
import { removeTree } from '../core/temp-dir.ts'

/** Bytes the probe writes: one page, enough to hit ENOSPC on a full disk. */
const PROBE_BYTES = 4096

/** Throws (a ConfigError, or the errno error the CLI maps to one line) when volumes cannot be written under `dir`. */
export function probeWorkDir(dir: string = tmpdir()): void {
  refuseSystemPath('--work-dir', resolve(dir))
  if (existsSync(dir) && !statSync(dir).isDirectory()) throw new ConfigError(`--work-dir ${dir} is a file, not a folder; give a folder for the volumes, e.g. --work-dir /var/tmp`)
  mkdirSync(dir, { recursive: true })
  const probe = mkdtempSync(join(dir, 'deltabench-probe-'))
  try {
    const fd = openSync(join(probe, 'write-test'), 'w')
    try {
      writeSync(fd, new Uint8Array(PROBE_BYTES))
    } finally {
      closeSync(fd)
    }
  } finally {
    removeTree(probe)
  }
}
