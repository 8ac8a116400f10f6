/**
 * Sizes that cannot fit, refused before anything is written: a file-backed run's volumes against the free
 * space of the work folder, a memory run's copies against the machine's memory and the longest array a
 * volume can be, and the results folder's free space. The message gives the figures and the fix.
 */
import { refuseSystemPath } from '../core/os-error.ts'
import { constants as bufferConstants } from 'node:buffer'
import { statfsSync } from 'node:fs'
import { freemem, tmpdir, totalmem } from 'node:os'
import { dirname, resolve } from 'node:path'
import { ConfigError } from '../core/errors.ts'

/**
 * Bytes of the work folder a file-backed run uses per byte of --size at its peak (source, replica, staged
 * copy and the floor's versions): 4.0× measured with du every 0.1 s over a 64 MiB run (README, "Scale and reliability").
 */
export const FILE_STORAGE_FACTOR = 4
/**
 * Bytes of memory a memory-backed run holds per byte of --size at its peak (source, replica, stage, the
 * floor's versions): peak RSS grew 4.0 (3.97) bytes per volume byte from 64 MiB to 256 MiB (README), on ~197 MiB of Node.
 */
export const MEMORY_STORAGE_FACTOR = 4
/** What a results folder needs at least: rows, manifest, report and charts of a large matrix. */
export const RESULTS_MIN_FREE = 64 << 20

/** What the check asks of the machine; tests pass a fake one. */
export interface MachineProbe {
  /** Free bytes for an unprivileged user on the file system holding `dir` (which exists). */
  freeBytes(dir: string): number
  totalMemory(): number
  freeMemory(): number
  /** The longest typed array this Node can make (a memory volume is one). */
  maxArrayBytes: number
}

export const REAL_MACHINE: MachineProbe = {
  freeBytes: (dir) => {
    const s = statfsSync(dir)
    return s.bavail * s.bsize
  },
  totalMemory: totalmem,
  freeMemory: freemem,
  maxArrayBytes: bufferConstants.MAX_LENGTH,
}

export interface CapacityRequest {
  size: number
  storage: 'memory' | 'file'
  /** Where file-backed volumes go (default: the system temporary folder). */
  workDir?: string
  /** The run folder, which may not exist yet: its nearest existing parent is looked at; none when nothing is written (the fault bench). */
  outDir?: string
  /** Cells run at once (--jobs): each holds its own volumes. */
  jobs?: number
}

const MiB = 2 ** 20
function text(bytes: number): string {
  if (bytes >= 2 ** 40) return `${(bytes / 2 ** 40).toFixed(1)} TiB`
  return bytes >= 2 ** 30 ? `${(bytes / 2 ** 30).toFixed(1)} GiB` : `${(bytes / MiB).toFixed(1)} MiB`
}

/** The nearest folder at or above `path` that exists (statfs needs one). */
function existingParent(path: string, probe: MachineProbe): string {
  let dir = resolve(path)
  for (;;) {
    try {
      probe.freeBytes(dir)
      return dir
    } catch {
      const up = dirname(dir)
      if (up === dir) return dir
      dir = up
    }
  }
}

function checkFileStorage(req: CapacityRequest, probe: MachineProbe): void {
  const dir = existingParent(req.workDir ?? tmpdir(), probe)
  const jobs = req.jobs ?? 1
  const need = req.size * FILE_STORAGE_FACTOR * jobs
  const free = probe.freeBytes(dir)
  if (need > free) {
    throw new ConfigError(`--size ${text(req.size)} with --storage file needs about ${text(need)} (${FILE_STORAGE_FACTOR}× the volume${jobs > 1 ? ` × ${jobs} jobs` : ''}) in ${dir}, which has ${text(free)} free: choose a smaller --size, or --work-dir on a disk with room`)
  }
}

function checkMemoryStorage(req: CapacityRequest, probe: MachineProbe): void {
  if (req.size > probe.maxArrayBytes) {
    throw new ConfigError(`--size ${text(req.size)} does not fit in memory: a memory volume is one array, at most ${text(probe.maxArrayBytes)} in this Node: use --storage file, or a smaller --size`)
  }
  const jobs = req.jobs ?? 1
  const need = req.size * MEMORY_STORAGE_FACTOR * jobs
  const total = probe.totalMemory()
  if (need > total) {
    throw new ConfigError(`--size ${text(req.size)} with --storage memory needs about ${text(need)} of memory (${MEMORY_STORAGE_FACTOR}× the volume${jobs > 1 ? ` × ${jobs} jobs` : ''}), more than this machine's ${text(total)} (${text(probe.freeMemory())} free): use --storage file, or a smaller --size`)
  }
}

/** Throws a ConfigError with the figures and the fix when the run cannot fit; checks only, writes nothing. */
export function checkCapacity(req: CapacityRequest, probe: MachineProbe = REAL_MACHINE): void {
  // A kernel file system first: its "free space" (0) would give a misleading message.
  if (req.outDir !== undefined) refuseSystemPath('--out', resolve(req.outDir))
  if (req.workDir !== undefined) refuseSystemPath('--work-dir', resolve(req.workDir))
  if (req.storage === 'file') checkFileStorage(req, probe)
  else checkMemoryStorage(req, probe)
  if (req.outDir === undefined) return
  const results = existingParent(req.outDir, probe)
  const free = probe.freeBytes(results)
  if (free < RESULTS_MIN_FREE) {
    throw new ConfigError(`the results folder ${resolve(req.outDir)} is on a disk with ${text(free)} free, less than the ${text(RESULTS_MIN_FREE)} a run's rows and report may take: free some space, or choose --out on another disk`)
  }
}
