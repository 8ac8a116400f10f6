/**
 * What every command that runs cells checks before it writes anything, in one call so `run`, `tune` and
 * the fault bench cannot drift apart: the request resolved and range-checked (each strategy's validate() at
 * every block size it will run at, each workload's against --size and --epochs: harness/config.ts), that
 * some cell can run, and that the run fits on this machine (harness/capacity.ts).
 */
import type { RunConfig, RunRequest } from './config.ts'
import { checkCapacity } from './capacity.ts'
import { resolveUserRun, type OwnData } from './request.ts'

/** Where the cells will run and what they write. */
export interface RunPlace {
  /** The results folder (may not exist yet); none for a command that writes no run folder (the fault bench). */
  outDir?: string
  /** Parent of file-backed volumes (default: the system temporary folder). */
  workDir?: string
  /** Cells at once, each holding its own volumes. */
  jobs?: number
}

/** Checks a resolved config against the machine; throws a ConfigError with the figures and the fix. */
export function checkRunnable(config: RunConfig, place: RunPlace): void {
  checkCapacity({ size: config.size, storage: config.storage, workDir: place.workDir, outDir: place.outDir, jobs: place.jobs })
}

/** The request resolved, checked and sized against the machine: the config to run, or a ConfigError. */
export function preflight(req: RunRequest, own: OwnData, place: RunPlace): RunConfig {
  const config = resolveUserRun(req, own)
  checkRunnable(config, place)
  return config
}
