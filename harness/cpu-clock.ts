/** CPU (user+system) and wall time of one call, in milliseconds. */
export interface Spent {
  cpuMs: number
  wallMs: number
}

export async function timed<T>(fn: () => T | Promise<T>): Promise<{ value: T } & Spent> {
  const c0 = process.cpuUsage()
  const w0 = performance.now()
  const value = await fn()
  const wallMs = performance.now() - w0
  const c = process.cpuUsage(c0)
  return { value, cpuMs: (c.user + c.system) / 1000, wallMs }
}
