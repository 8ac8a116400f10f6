import type { Frame, Half } from '../../core/strategy.ts'
/**
 * Running real tools (rdiff, rsync, xdelta3, zstd) as baselines: finding them, running them on temp
 * files, and measuring their CPU (the runner itself, with how CPU is measured, is in shared/tool-process.ts).
 */
import { closeSync, fstatSync, linkSync, openSync, rmSync, writeSync } from 'node:fs'
import { findOnPath } from '../../core/find-on-path.ts'
import { makeTempDir, removeTempDir } from '../../core/temp-dir.ts'
import { FileVolume, type ReadonlyVolume, type Volume } from '../../core/volume.ts'
import { readFully } from '../../core/read-fully.ts'

// Generic enough for the engine too (harness/floor-tools.ts), so they live in core/; re-exported for this family.
export { findOnPath, makeTempDir, removeTempDir }

// The process runner is shared with the rolling family (its context coding runs zstd and xdelta3).
export { missingTools, parseTimes, runTool, startTool, type StartedTool, type ToolExit } from '../shared/tool-process.ts'

// ---- temp files ----------------------------------------------------------------------------------

const IO_CHUNK = 8 << 20

/**
 * A file at `path` holding the volume's bytes for a tool to read: a hard link to the volume's own file
 * when it is file-backed (no copy), else written chunk by chunk. Always at `path`: tools record file
 * names in their output (xdelta3's header, rsync's file list), so the name must not depend on storage.
 */
export function volumeAsFile(vol: ReadonlyVolume, path: string): string {
  if (vol instanceof FileVolume) {
    try {
      rmSync(path, { force: true })
      linkSync(vol.path, path)
      return path
    } catch {
      // Another file system: fall through to a copy.
    }
  }
  const fd = openSync(path, 'w')
  try {
    for (let off = 0; off < vol.size; off += IO_CHUNK) {
      const b = vol.read(off, Math.min(IO_CHUNK, vol.size - off))
      for (let done = 0; done < b.length; ) done += writeSync(fd, b, done, b.length - done)
    }
  } finally {
    closeSync(fd)
  }
  return path
}

// One read buffer for every fileIntoStage call (it is synchronous, so never shared by two): a fresh 8 MiB
// zeroed allocation per call cost ~27 ms of a small tool sync. Grown to the largest file seen, at most IO_CHUNK.
let stageBuf = new Uint8Array(0)

/**
 * Writes a tool's output file into the staged volume, only the 64 KiB pieces that differ from the
 * replica (the stage starts as the replica), so the stage's memory follows what changed.
 */
export function fileIntoStage(path: string, staged: Volume, replica: ReadonlyVolume): void {
  const fd = openSync(path, 'r')
  try {
    const size = fstatSync(fd).size
    const piece = 64 << 10
    if (stageBuf.length < Math.min(IO_CHUNK, size)) stageBuf = new Uint8Array(Math.min(IO_CHUNK, size))
    const buf = stageBuf
    for (let off = 0; off < size; off += IO_CHUNK) {
      const n = Math.min(IO_CHUNK, size - off)
      const got = readFully(fd, buf, 0, n, off)
      if (got < n) throw new Error(`${path}: ended early at ${off + got}`)
      for (let p = 0; p < n; p += piece) {
        const len = Math.min(piece, n - p)
        const mine = buf.subarray(p, p + len)
        const at = off + p
        const same = at + len <= replica.size && Buffer.from(mine.buffer, mine.byteOffset, len).equals(replica.read(at, len))
        if (!same) staged.write(at, mine) // the stage copies what it is given
      }
    }
    staged.truncate(size)
  } finally {
    closeSync(fd)
  }
}

/** What a tool half's step gets besides its inbox: its temporary directory, and a way to say it is done. */
export interface ToolStep {
  /** The half's own temporary directory, made the first time it is asked for. */
  readonly dir: string
  /** Marks the half done; its directory goes once the step returns. */
  finish(): void
}

/**
 * A half of a real-tool strategy: `work` runs each step in the half's own temporary directory. The directory
 * goes (after `stop`, e.g. killing a tool still running) when a step throws, once the half is done, and when
 * the harness closes the half (the sync ended another way: the other half failed, the exchange stalled), so
 * no way a sync ends leaves a file or a process behind; a half that never needed a directory never makes one.
 */
export function toolHalf(name: string, work: (inbox: readonly Uint8Array[], step: ToolStep) => Promise<Frame[]>, stop?: () => void): Half {
  let dir: string | undefined
  let done = false
  const step: ToolStep = {
    get dir() {
      return (dir ??= makeTempDir(name))
    },
    finish: () => {
      done = true
    },
  }
  const cleanUp = () => {
    if (dir !== undefined) removeTempDir(dir)
    dir = undefined
  }
  const close = () => {
    stop?.()
    cleanUp()
  }
  return {
    get done() {
      return done
    },
    async step(inbox) {
      try {
        return await work(inbox, step)
      } catch (err) {
        close()
        throw err
      } finally {
        if (done) cleanUp()
      }
    },
    close,
  }
}
