import { accessSync, constants } from 'node:fs'
import { delimiter, join } from 'node:path'

/** Where `cmd` is on PATH, or undefined. */
export function findOnPath(cmd: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir) continue
    const p = join(dir, cmd)
    try {
      accessSync(p, constants.X_OK)
      return p
    } catch {
      // not in this directory
    }
  }
  return undefined
}
