/**
 * One timed sync for `npm run bench:rsync`, in a process of its own (so peak memory is this case's):
 * a strategy syncs a copy of base.img (the replica, a file) to target.img (the source, a file) through
 * the real harness path (a SyncSession: metered channel, staged replica, commit), after an untimed warm-up
 * sync on the first 16 MiB so JIT compilation is not charged. Every step of each half is timed on its
 * own, which splits the CPU into the signature (the receiver's first step), the delta (every sender
 * step) and the patch (the receiver's later steps); for a tool, the CPU its child process spent in each
 * phase is kept apart as well. Prints one JSON line.
 *
 *   tsx bench/rsync-case.ts --strategy rsync-rolling --base base.img --target t.img --block-size 16384 --strong-bytes 8
 */
import { copyFileSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { findStrategy } from '../harness/config.ts'
import type { HalfWrapper, Side } from '../harness/run-sync.ts'
import { SyncSession } from '../harness/sync-session.ts'
import { FileVolume, firstDifference, MemoryVolume } from '../core/volume.ts'
import { makeTempDir, removeTempDir } from '../strategies/tools/child-tool.ts'
import { peakRssBytes } from '../harness/peak-rss.ts'
import { timed } from '../harness/cpu-clock.ts'
import { defaultOptions } from '../core/options.ts'

function arg(name: string, fallback?: string): string {
  const i = process.argv.indexOf(`--${name}`)
  const v = i >= 0 ? process.argv[i + 1] : fallback
  if (v === undefined) throw new Error(`bench/rsync-case: --${name} is required`)
  return v
}

interface StepCost {
  side: Side
  cpuMs: number
  childMs: number
  wallMs: number
}

/** Records each step's CPU (this process) and the child CPU its side charged in it; samples memory after each. */
function instrument(log: StepCost[], memory: { peak: number }): HalfWrapper {
  const sample = () => {
    const m = process.memoryUsage()
    memory.peak = Math.max(memory.peak, m.heapUsed + m.arrayBuffers)
  }
  return (h, side, childCpuMs) => ({
    get done() {
      return h.done
    },
    async step(inbox) {
      const before = childCpuMs()
      const step = await timed(() => h.step(inbox))
      log.push({ side, cpuMs: step.cpuMs, childMs: childCpuMs() - before, wallMs: step.wallMs })
      sample()
      return step.value
    },
  })
}

async function main(): Promise<void> {
  const strategy = findStrategy(arg('strategy'))
  const blockSize = Number(arg('block-size', '16384'))
  const strongBytes = Number(arg('strong-bytes', '8'))
  const extra = JSON.parse(arg('options', '{}')) as Record<string, unknown>
  const options = { ...defaultOptions(strategy), blockSize, ...(strategy.name === 'rsync' ? {} : { strongBytes }), ...extra }
  const basePath = arg('base')
  const targetPath = arg('target')

  // Warm-up: the same strategy on the first 16 MiB, in memory, untimed.
  {
    const b = new FileVolume(basePath)
    const t = new FileVolume(targetPath)
    const n = 16 << 20
    const warm = await new SyncSession({ strategy, options, source: new MemoryVolume(t.read(0, Math.min(n, t.size))), replica: new MemoryVolume(b.read(0, Math.min(n, b.size))) }).sync()
    b.close()
    t.close()
    if (warm.error) throw new Error(`warm-up failed: ${warm.error}`)
  }

  const dir = makeTempDir('bench-case')
  try {
    const replicaPath = join(dir, 'replica.img')
    copyFileSync(basePath, replicaPath)
    const replica = new FileVolume(replicaPath)
    const source = new FileVolume(targetPath)
    const steps: StepCost[] = []
    const memory = { peak: 0 }
    const out = await new SyncSession({ strategy, options, source, replica }).sync(instrument(steps, memory))
    const recv = steps.filter((s) => s.side === 'receiver')
    const send = steps.filter((s) => s.side === 'sender')
    const sum = (xs: StepCost[], f: (s: StepCost) => number) => xs.reduce((a, s) => a + f(s), 0)
    const diff = firstDifference(replica, source)
    const result = {
      strategy: strategy.name,
      options,
      error: out.error ?? null,
      correct: diff < 0,
      volumeBytes: source.size,
      bytesDown: out.counters.bytes.down,
      bytesUp: out.counters.bytes.up,
      bytesLiteral: out.counters.byKind.literal,
      flights: out.counters.flights,
      telemetry: out.telemetry,
      // Phases: CPU of this process plus what children spent in them; `tool` is the children's part alone.
      signatureMs: recv[0] ? recv[0].cpuMs + recv[0].childMs : 0,
      signatureToolMs: recv[0]?.childMs ?? 0,
      deltaMs: sum(send, (s) => s.cpuMs + s.childMs),
      deltaToolMs: sum(send, (s) => s.childMs),
      // The harness's commit of the staged replica is part of patching: a receiver is done when the replica is.
      patchMs: sum(recv.slice(1), (s) => s.cpuMs + s.childMs) + out.commitCpuMs,
      commitMs: out.commitCpuMs,
      patchToolMs: sum(recv.slice(1), (s) => s.childMs),
      senderCpuMs: out.sender.cpuMs,
      receiverCpuMs: out.receiver.cpuMs,
      syncWallMs: out.wallMs,
      peakRssBytes: peakRssBytes(),
      peakHeapAndBuffersBytes: memory.peak,
    }
    replica.close()
    source.close()
    rmSync(replicaPath, { force: true })
    process.stdout.write(JSON.stringify(result) + '\n')
  } finally {
    removeTempDir(dir)
  }
}

await main()
