/**
 * The fault benchmark behind `npm run bench:faults`: for each tracking strategy and fault, the share of
 * syncs that ended with a wrong replica without and with the strategy's self-verification, on the same
 * seeded workloads and the same seeded faults.
 */
import { findStrategy, findWorkload } from '../harness/config.ts'
import { coerceOption, defaultOptions } from '../core/options.ts'
import { FAULT_KINDS, FAULTS, type FaultKind } from '../harness/faults.ts'
import { prepareWorkloadAsync } from '../harness/prepare-workload.ts'
import type { ResultRow } from '../core/result-row.ts'
import { runCell } from '../harness/run-cell.ts'
import { formatBytes } from '../core/units.ts'
import { textTable } from '../core/text-table.ts'
import { STRATEGIES } from '../strategies/index.ts'
import { ConfigError } from '../core/errors.ts'
import { preflight } from '../harness/preflight.ts'
import type { ContentModel } from '../workloads/content.ts'

/** A strategy with some options set: `journal-replay:byteExact=true` on the command line. */
export interface StrategyVariant {
  name: string
  options: Record<string, unknown>
}

export interface FaultBenchParams {
  /** Strategies to test; default every registered one with a tracker that can verify itself, plus a byte-exact journal. */
  strategies?: StrategyVariant[]
  workloads: string[]
  faults: FaultKind[]
  /** One rate for every fault; default each fault's own. */
  rate?: number
  size: number
  epochs: number
  seeds: string[]
  blockSize: number
  content: ContentModel
}

export const DEFAULT_FAULT_BENCH: FaultBenchParams = {
  workloads: ['random-overwrite', 'hot-spot', 'resize'],
  faults: [...FAULT_KINDS],
  size: 1 << 20,
  epochs: 4,
  seeds: ['1', '2', '3', '4'],
  blockSize: 4096,
  content: 'mixed',
}

/**
 * Strategies the fault bench covers: those that keep tracking state and can verify themselves, and the
 * journal logging exact bytes too (a whole-block journal rereads the blocks around a write, which hides
 * small offset errors; a byte-exact one does not).
 */
export function trackingStrategies(): StrategyVariant[] {
  const out: StrategyVariant[] = STRATEGIES.filter((s) => s.tracker !== undefined && s.selfVerifies !== undefined).map((s) => ({ name: s.name, options: {} }))
  if (out.some((v) => v.name === 'journal-replay')) out.splice(out.findIndex((v) => v.name === 'journal-replay') + 1, 0, { name: 'journal-replay', options: { byteExact: true } })
  return out
}

/** `name` or `name:key=value:key=value`, options checked against the strategy's spec. */
export function parseVariant(text: string): StrategyVariant {
  const [name, ...pairs] = text.split(':')
  const strategy = findStrategy(name!)
  const options: Record<string, unknown> = {}
  for (const p of pairs) {
    const eq = p.indexOf('=')
    if (eq < 0) throw new ConfigError(`strategy variant "${text}": write options as name:key=value, e.g. journal-replay:byteExact=true`)
    const key = p.slice(0, eq)
    options[key] = coerceOption(strategy.name, strategy.options, key, p.slice(eq + 1))
  }
  if (!strategy.selfVerifies) throw new ConfigError(`strategy variant "${text}": ${strategy.name} cannot verify itself, and the fault bench compares each strategy without and with self-verification; choose one of ${STRATEGIES.filter((s) => s.selfVerifies).map((s) => s.name).join(', ')}`)
  return { name: strategy.name, options }
}

export function variantLabel(v: StrategyVariant): string {
  return [v.name, ...Object.entries(v.options).map(([k, x]) => `${k}=${String(x)}`)].join(':')
}

export interface FaultBenchLine {
  /** 'none': the same cells with no fault, the baseline for bytes. */
  fault: FaultKind | 'none'
  rate: number
  strategy: string
  syncs: number
  /** Syncs in which at least one fault event hit (without self-verification; the draws are the same with). */
  syncsHit: number
  wrongPlain: number
  wrongVerified: number
  /** Syncs where self-verification detected a wrong replica, and where it then came out right. */
  detected: number
  repaired: number
  /** Mean wire bytes of self-verification per sync (digest, and repair passes). */
  verifyBytesPerSync: number
  /** Mean total bytes per sync, without and with self-verification. */
  bytesPlain: number
  bytesVerified: number
}

/**
 * The checks `run` makes, before any cell: each variant's options and validate(), the workloads against
 * --size and --epochs, and the memory the volumes need (the bench keeps them in memory). One variant at a
 * time, since two variants of one strategy (journal-replay, byte-exact or not) are not one run's strategies.
 */
export function checkFaultBench(p: FaultBenchParams, variants: readonly StrategyVariant[]): void {
  for (const v of variants) {
    const overrides = Object.keys(v.options).length > 0 ? { [v.name]: v.options as Record<string, string | number | boolean> } : {}
    preflight({ strategies: [v.name], workloads: p.workloads, blockSizes: [p.blockSize], size: p.size, epochs: p.epochs, seeds: p.seeds, content: p.content, storage: 'memory', overrides }, {}, {})
  }
}

export async function runFaultBench(p: FaultBenchParams, onCell?: () => void): Promise<FaultBenchLine[]> {
  const variants = p.strategies ?? trackingStrategies()
  checkFaultBench(p, variants)
  const rows = new Map<string, { plain: ResultRow[]; verified: ResultRow[] }>()
  for (const w of p.workloads) {
    const workload = findWorkload(w)
    for (const seed of p.seeds) {
      const prepared = await prepareWorkloadAsync(workload, defaultOptions(workload), { size: p.size, epochs: p.epochs, seed, content: p.content })
      for (const fault of ['none' as const, ...p.faults]) {
        const spec = fault === 'none' ? undefined : { kind: fault, rate: p.rate ?? FAULTS[fault].defaultRate }
        for (const variant of variants) {
          const strategy = findStrategy(variant.name)
          const key = JSON.stringify([fault, variantLabel(variant)])
          const acc = rows.get(key) ?? { plain: [], verified: [] }
          rows.set(key, acc)
          for (const selfVerify of [false, true]) {
            const options = { ...defaultOptions(strategy), ...variant.options, blockSize: p.blockSize, selfVerify }
            const out = await runCell({ runId: 'bench-faults', strategy, options, prepared, fault: spec })
            ;(selfVerify ? acc.verified : acc.plain).push(...out)
            onCell?.()
          }
        }
      }
    }
  }
  const lines: FaultBenchLine[] = []
  for (const fault of ['none' as const, ...p.faults]) {
    for (const variant of variants) {
      const name = variantLabel(variant)
      const { plain, verified } = rows.get(JSON.stringify([fault, name]))!
      const mean = (rs: ResultRow[], f: (r: ResultRow) => number) => rs.reduce((a, r) => a + f(r), 0) / Math.max(1, rs.length)
      lines.push({
        fault,
        rate: fault === 'none' ? 0 : (p.rate ?? FAULTS[fault].defaultRate),
        strategy: name,
        syncs: plain.length,
        syncsHit: plain.filter((r) => (r.faults_injected ?? 0) > 0).length,
        wrongPlain: plain.filter((r) => !r.correct).length,
        wrongVerified: verified.filter((r) => !r.correct).length,
        detected: verified.filter((r) => r.self_detected).length,
        repaired: verified.filter((r) => r.self_repaired).length,
        verifyBytesPerSync: mean(verified, (r) => r.self_verify_bytes ?? 0),
        bytesPlain: mean(plain, (r) => r.bytes_total),
        bytesVerified: mean(verified, (r) => r.bytes_total),
      })
    }
  }
  return lines
}

function share(n: number, of: number): string {
  return `${n}/${of} (${of === 0 ? 0 : Math.round((100 * n) / of)}%)`
}

export function faultBenchTable(lines: readonly FaultBenchLine[]): string {
  const head = ['fault', 'rate', 'per', 'strategy', 'syncs hit', 'wrong w/o verify', 'wrong with verify', 'detected→repaired', 'verify B/sync', 'bytes/sync w/o → with']
  const body = lines.map((l) => [
    l.fault,
    l.fault === 'none' ? '-' : String(l.rate),
    l.fault === 'none' ? '-' : FAULTS[l.fault].per,
    l.strategy,
    share(l.syncsHit, l.syncs),
    share(l.wrongPlain, l.syncs),
    share(l.wrongVerified, l.syncs),
    `${l.detected}→${l.repaired}`,
    formatBytes(Math.round(l.verifyBytesPerSync)),
    `${formatBytes(Math.round(l.bytesPlain))} → ${formatBytes(Math.round(l.bytesVerified))}`,
  ])
  const numeric = new Set([1, 4, 5, 6, 7, 8, 9])
  return textTable([head, ...body], { columns: head.map((_, i) => ({ align: numeric.has(i) ? 'right' : 'left' })), rule: true }).join('\n')
}
