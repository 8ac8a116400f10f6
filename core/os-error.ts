/**
 * Operating-system errors as the user reads them: one line with the call, the path, what it means and the
 * fix, and the exit code (2 where the user can act: another path, permissions, space; 1 where the machine
 * failed: EIO). The CLI maps every errno error through here once (apps/cli.ts), so none ends in a stack.
 */
import { ConfigError } from './errors.ts'

interface Meaning {
  what: string
  fix: string
  exit: 1 | 2
}

const WRITABLE = 'give a path on a disk you may write (--out, --work-dir), or fix its permissions'
const ROOM = 'free space there, or give --out/--work-dir on a disk with room (df -h shows free space)'

/** errno code → meaning and fix. Codes not listed fall back to Node's own text with exit 1. */
const MEANINGS: Record<string, Meaning> = {
  EACCES: { what: 'permission denied', fix: WRITABLE, exit: 2 },
  EPERM: { what: 'operation not permitted', fix: WRITABLE, exit: 2 },
  EROFS: { what: 'the file system is read-only', fix: WRITABLE, exit: 2 },
  ENOSPC: { what: 'no space left on the device', fix: ROOM, exit: 2 },
  EDQUOT: { what: 'disk quota exceeded', fix: ROOM, exit: 2 },
  EFBIG: { what: 'file too large for the file system', fix: 'give a smaller --size, or --work-dir on a file system that allows large files', exit: 2 },
  EEXIST: { what: 'already exists', fix: 'remove it or choose another path', exit: 2 },
  ENOTDIR: { what: 'a part of the path is a file, not a folder', fix: 'give a path whose parents are folders', exit: 2 },
  EISDIR: { what: 'is a folder where a file was expected', fix: 'give the path of a file', exit: 2 },
  ENOENT: { what: 'no such file or folder', fix: 'check the path (a relative path is read from the working directory)', exit: 2 },
  ENAMETOOLONG: { what: 'the path is too long', fix: 'give a shorter path', exit: 2 },
  ELOOP: { what: 'too many symbolic links (a loop?)', fix: 'give a path without a symlink loop', exit: 2 },
  EMFILE: { what: 'too many open files', fix: 'raise the limit (ulimit -n) or lower --jobs', exit: 2 },
  ENFILE: { what: 'too many open files in the system', fix: 'close other programs or lower --jobs', exit: 2 },
  EBUSY: { what: 'the file or device is busy', fix: 'wait for what holds it, or give another path', exit: 1 },
  EIO: { what: 'input/output error: the disk or its file system failed', fix: 'check the disk (dmesg, smartctl) and run again, on another disk if need be', exit: 1 },
}

/** An error from a Node fs or child_process call: it carries an errno code (and usually a syscall and path). */
export interface SystemError extends Error {
  code: string
  syscall?: string
  path?: string
  dest?: string
}

export function isSystemError(err: unknown): err is SystemError {
  if (!(err instanceof Error)) return false
  const e = err as Error & { code?: unknown; errno?: unknown }
  // errno tells Node's system errors apart from our own coded errors (DeltabenchError's code is "CONFIG"…).
  return typeof e.code === 'string' && /^E[A-Z0-9]+$/.test(e.code) && typeof e.errno === 'number'
}

/** The one-line message and the exit code for an errno error. */
export function describeSystemError(err: SystemError): { message: string; exit: 1 | 2 } {
  const m = MEANINGS[err.code]
  const where = [err.syscall, err.path, err.dest ? `→ ${err.dest}` : ''].filter(Boolean).join(' ')
  if (!m) return { message: `${where || 'system call'}: ${err.message.split('\n')[0]} (${err.code})`, exit: 1 }
  return { message: `${where || 'system call'}: ${m.what} (${err.code}); ${m.fix}`, exit: m.exit }
}

/** Kernel file systems where a results or work folder makes no sense (mkdir -p under /proc can spin forever). */
const SYSTEM_ROOTS = ['/proc', '/sys', '/dev']

/** Refuses (ConfigError) a folder flag pointing into /proc, /sys or /dev, before anything touches it. */
export function refuseSystemPath(flag: string, absolute: string): void {
  const root = SYSTEM_ROOTS.find((r) => absolute === r || absolute.startsWith(`${r}/`))
  if (root) throw new ConfigError(`${flag} ${absolute} is under ${root}, a kernel file system, not a disk; give a folder on a disk, e.g. ${flag} ${flag === '--out' ? 'results/my-run' : '/var/tmp'}`)
}
