/**
 * Writes the small synthetic trace the tests replay (workloads/traces/sample-msr.csv), in the SNIA/MSR
 * Cambridge format: Timestamp (Windows filetime, 100 ns ticks), Hostname, DiskNumber, Type, Offset, Size,
 * ResponseTime. It imitates a server volume of 4 MiB: a log area written sequentially, a hot set of 4 KiB
 * pages rewritten often, scattered larger writes, and reads. Regenerate with
 *   npx tsx workloads/traces/make-sample-msr.ts > workloads/traces/sample-msr.csv
 */
import { Rng } from '../../core/seeded-random.ts'

const VOLUME = 4 << 20
const LOG = 512 << 10
const REQUESTS = 1200
const rng = new Rng('sample-msr')
// Filetime of 2008-02-22 (when the MSR traces were taken); BigInt because it needs 57 bits.
let ticks = 128480000000000000n
let logAt = 0
const lines: string[] = []
const hot = Array.from({ length: 32 }, () => LOG + rng.int((VOLUME - LOG) / 4096) * 4096)
for (let i = 0; i < REQUESTS; i++) {
  // Exponential gaps, mean 0.4 s, with quiet spells now and then.
  const gap = -Math.log(1 - rng.float()) * 0.4 * (rng.float() < 0.05 ? 20 : 1)
  ticks += BigInt(Math.round(gap * 1e7))
  const roll = rng.float()
  let type = 'Write'
  let offset: number
  let size: number
  if (roll < 0.3) {
    size = 4096 * rng.range(1, 4)
    if (logAt + size > LOG) logAt = 0
    offset = logAt
    logAt += size
  } else if (roll < 0.55) {
    offset = hot[Math.floor(hot.length * rng.float() ** 2)]!
    size = 4096
  } else if (roll < 0.65) {
    size = 512 * rng.range(1, 64)
    offset = LOG + rng.int((VOLUME - LOG - size) / 512) * 512
  } else {
    type = 'Read'
    size = 4096 * rng.range(1, 16)
    offset = rng.int((VOLUME - size) / 4096) * 4096
  }
  lines.push([ticks, 'sample', 0, type, offset, size, rng.range(500, 60000)].join(','))
}
// One read of the last page, so the volume is exactly 4 MiB.
ticks += 10000000n
lines.push([ticks, 'sample', 0, 'Read', VOLUME - 4096, 4096, 1200].join(','))
process.stdout.write(lines.join('\n') + '\n')
