import { readFileSync } from 'node:fs'

/**
 * Peak resident memory of this process in bytes: VmHWM from /proc/self/status on Linux, else
 * process.resourceUsage().maxRSS. Not maxRSS on Linux: the kernel carries ru_maxrss across exec, so a
 * process started by a big parent reports the parent's peak (seen here: a child whose own peak was
 * 39 MiB reported 804 MiB, its parent's), which made every case of `npm run bench:rsync` "peak" at the
 * size of the process that had just generated its inputs.
 */
export function peakRssBytes(): number {
  try {
    const m = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync('/proc/self/status', 'utf8'))
    if (m) return Number(m[1]) * 1024
  } catch {
    // no procfs: fall back
  }
  return process.resourceUsage().maxRSS * 1024
}
