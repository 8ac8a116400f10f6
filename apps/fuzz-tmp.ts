/**
 * Where a fuzz run's temp folders go. Every case makes and removes a few (a tool half's folder, casync's
 * chunk store of ~50 folders at the fuzzer's 1 KiB chunks), and on this VM's ext4 disk, busy with other
 * work, removing 48 small folders took 176 ms against 9 ms on tmpfs (`/dev/shm`): that removal was the
 * largest single cost of a casync case in `node --cpu-prof`. So a run makes one folder of its own
 * (`deltabench-fuzz-*`) on tmpfs when `/dev/shm` is a writable folder (else under the system's temp
 * directory), points TMPDIR at it for itself, its workers and their tools, and removes it when it ends
 * (core/cleanup.ts: on exit, an error, SIGINT and SIGTERM). A case's folders are tens of KB and go with
 * the case, so the run holds little memory there.
 */
import { accessSync, constants, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { makeTempDir } from '../core/temp-dir.ts'

const SHM = '/dev/shm'

/** The parent a run's folder goes in: `chosen` (the --tmp-dir flag), else /dev/shm when usable, else the system's temp directory. */
export function tempParent(chosen?: string): string {
  if (chosen !== undefined) return chosen
  try {
    if (statSync(SHM).isDirectory()) {
      accessSync(SHM, constants.W_OK | constants.X_OK)
      return SHM
    }
  } catch {
    // no /dev/shm here (not Linux, or a container without it): the ordinary temp directory
  }
  return tmpdir()
}

/** Names the run's folder for a worker (fuzzWorkerEnv, takeFuzzTempDir). */
const FUZZ_TMPDIR_ENV = 'DELTABENCH_FUZZ_TMPDIR'
/** TMPDIR as it was before the run's folder replaced it (undefined: it was not set). */
let loaderTmp: string | undefined

/** Makes the run's own temp folder under `parent` and makes it TMPDIR for this process and every child it starts; returns it. */
export function useFuzzTempDir(parent: string): string {
  const dir = makeTempDir('fuzz', parent)
  loaderTmp = process.env.TMPDIR
  process.env.TMPDIR = dir
  process.env[FUZZ_TMPDIR_ENV] = dir
  return dir
}

/**
 * A fuzz worker's environment: the TMPDIR from before the run, so its TypeScript loader (tsx) keeps its
 * compile cache where it always does — inside the run's folder it compiled every module again in every
 * worker, and its cache writes raced the folder's removal on Ctrl-C — and the run's folder named apart,
 * for takeFuzzTempDir.
 */
export function fuzzWorkerEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env }
  if (loaderTmp === undefined) delete env.TMPDIR
  else env.TMPDIR = loaderTmp
  return env
}

/** In a fuzz worker, once its loader is up: the run's folder becomes TMPDIR for its syncs and tools. */
export function takeFuzzTempDir(): void {
  const dir = process.env[FUZZ_TMPDIR_ENV]
  if (dir !== undefined) process.env.TMPDIR = dir
}
