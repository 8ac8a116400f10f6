/**
 * A quick driver for rsync-rounds tuning: runs the two halves in-process on a cached release pair (no
 * harness, no priming sync) and prints bytes per message and the totals. Not a benchmark of speed.
 *   npx tsx bench/rounds-driver.ts [package] [from-index] [ladder] [edges] [zstdLevel] [direction] [falseMatchBits] [dump-dir]
 *   npx tsx bench/rounds-driver.ts typescript 6 8192,2048,512 256,128 19 sender-first
 * `verify=gap|sum`, `slack=N` and `depth=N` (edge checks a gap edge) anywhere in the arguments set rsync-rounds' verify option and the verified sums'
 * slack bits (rounds-verify.ts), e.g. npx tsx bench/rounds-driver.ts typescript 6 8192,2048,512 256,128 19 receiver-first 20 verify=gap slack=8
 * With a dump-dir (a folder it creates; it must not exist) it also writes the sync's R (the matched bytes in the
 * new version's order), L (the literals) and old (the old version) there, to try codecs on by hand, e.g.
 *   zstd -19 --long=25 --patch-from=DIR/R DIR/L -o DIR/L.zst   (what rsync-rounds' literals cost before tuning)
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { literalPieces, contextPieces } from '../strategies/rolling/rounds-literals.ts'
import { findSeries } from '../workloads/release-pins.ts'
import { loadRelease, releaseCacheDir } from '../workloads/release-cache.ts'
import { RoundsReceiver } from '../strategies/rolling/rounds-receiver.ts'
import { RoundsSender } from '../strategies/rolling/rounds-sender.ts'
import { parseEdges, parseLadder } from '../strategies/rolling/rounds-ladder.ts'
import { createStrongHasher } from '../strategies/shared/strong-hash.ts'
import { memoryImage } from '../core/storage.ts'
import type { Frame, Telemetry } from '../core/strategy.ts'
import { ROUNDS_DIRECTIONS, type RoundsDirection } from '../strategies/rolling/rounds-plan.ts'
import { VERIFY_MODES, type VerifyMode } from '../strategies/rolling/rounds-verify.ts'

const named = new Map(process.argv.slice(2).flatMap((a) => (/^(verify|slack|depth)=/.test(a) ? [a.split('=') as [string, string]] : [])))
const [pkg = 'typescript', from = '6', ladderText = '8192,2048,512', edgesText = '256,128,64,32', level = '19', direction = 'receiver-first', bits = '20', dumpDir] = process.argv.slice(2).filter((a) => !/^(verify|slack|depth)=/.test(a))
const verify = named.get('verify') ?? 'sum'
if (!VERIFY_MODES.includes(verify as VerifyMode)) throw new Error(`rounds-driver: verify is ${VERIFY_MODES.join(' or ')}`)
const slack = named.has('slack') ? Number(named.get('slack')) : undefined
const series = findSeries(pkg)
if (!series) throw new Error(`rounds-driver: no pinned series ${pkg}`)
const dir = releaseCacheDir('')
const a = series.releases[Number(from)]!
const b = series.releases[Number(from) + 1]!
const oldBytes = loadRelease(pkg, a, dir)
const newBytes = loadRelease(pkg, b, dir)
const hasher = await createStrongHasher('xxh128')
const ladder = parseLadder('driver', ladderText)
if (!ROUNDS_DIRECTIONS.includes(direction as RoundsDirection)) throw new Error(`rounds-driver: direction is ${ROUNDS_DIRECTIONS.join(' or ')}`)
const setup = { ladder, edges: parseEdges('driver', edgesText, ladder), bits: Number(bits), digestLength: hasher.digestLength, direction: direction as RoundsDirection, verify: verify as VerifyMode, slack, edgeDepth: Number(named.get('depth') ?? 1) }
const counters: Record<string, number> = {}
const telemetry: Telemetry = {
  add: (n, v) => void (counters[n] = (counters[n] ?? 0) + v),
  max: (n, v) => void (counters[n] = Math.max(counters[n] ?? 0, v)),
  set: (n, v) => void (counters[n] = v),
  chargeChildCpu: () => {},
}
const replica = memoryImage(oldBytes).clone()
const staged = memoryImage(oldBytes).clone()
const state = undefined as never
const sender = new RoundsSender('driver', { source: memoryImage(newBytes).clone(), tracker: undefined, state, syncIndex: 1, telemetry }, { setup, codec: 'zstd', level: Number(level) }, hasher)
const receiver = new RoundsReceiver('driver', { replica, staged, state, syncIndex: 1, telemetry }, setup, hasher)
console.log(`${pkg} ${a.version} -> ${b.version}: ${oldBytes.length} -> ${newBytes.length} B, ladder ${ladder} edges ${setup.edges} ${direction} falseMatchBits ${bits} verify ${verify}${slack === undefined ? '' : ` slack ${slack}`} edge depth ${setup.edgeDepth}`)
const sum = (fs: Frame[]) => fs.reduce((n, f) => n + f.bytes.length, 0)
let up: Frame[] = await receiver.step([])
let total = { up: 0, down: 0 }
for (let turn = 0; !(sender.done && receiver.done) && turn < 40; turn++) {
  total.up += sum(up)
  if (up.length) console.log(`  up   ${sum(up)} B (${up[0]!.kind})`)
  const down = await sender.step(up.map((f) => f.bytes))
  total.down += sum(down)
  for (const kind of new Set(down.map((f) => f.kind))) console.log(`  down ${sum(down.filter((f) => f.kind === kind))} B (${kind})`)
  up = await receiver.step(down.map((f) => f.bytes))
}
total.up += sum(up)
const v = staged.read(0, staged.size)
const exact = v.length === newBytes.length && v.every((x, i) => x === newBytes[i])
console.log(`total ${total.up + total.down} B (down ${total.down}, up ${total.up}), byte-exact ${exact}, literal_data ${counters.literal_data}, passes ${counters.delta_passes}, gaps failed ${receiver.failedGaps}`)
if (dumpDir) {
  // recursive: false, so an existing folder (not ours) is refused rather than written into.
  mkdirSync(dumpDir, { recursive: false })
  const matches = sender.matchList()
  writeFileSync(join(dumpDir, 'R'), Buffer.concat(contextPieces(matches, (m) => newBytes.subarray(m.n, m.n + m.len))))
  writeFileSync(join(dumpDir, 'L'), Buffer.concat(literalPieces(newBytes, matches)))
  writeFileSync(join(dumpDir, 'old'), oldBytes)
  console.log(`wrote R, L and old to ${dumpDir} (${matches.length} matches)`)
}
