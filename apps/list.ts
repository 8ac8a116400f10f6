import { STRATEGIES } from '../strategies/index.ts'
import { WORKLOADS } from '../workloads/index.ts'
import { CONTENT_MODELS } from '../workloads/content.ts'
import type { OptionSpec } from '../core/strategy.ts'
import { formatBytes } from '../core/units.ts'
import { FAULTS } from '../harness/faults.ts'

function showDefault(spec: OptionSpec, v: unknown): string {
  if (spec.type === 'size' && typeof v === 'number') return v >= 1024 ? `${v} (${formatBytes(v)})` : String(v)
  return v === '' ? '(none)' : String(v)
}

function optionLines(options: Record<string, OptionSpec>, defaults: Record<string, unknown>): string[] {
  return Object.entries(options).map(([k, spec]) => {
    const choices = spec.choices ? ` [${spec.choices.join('|')}]` : ''
    return `    ${k.padEnd(14)} ${spec.type}${choices}, default ${showDefault(spec, defaults[k])}: ${spec.description}`
  })
}

/** What `deltabench list` prints: every strategy and workload with its options and defaults. */
export function listText(): string {
  const out: string[] = ['Strategies (set options with --opt <strategy>.<option>=<value>):', '']
  for (const s of STRATEGIES) {
    out.push(`  ${s.name}${s.needsWriteTrace ? '  (needs a write trace)' : ''}`, `    ${s.summary}`, ...optionLines(s.options, s.defaults), '')
  }
  out.push('Workloads (set options with --opt <workload>.<option>=<value>):', '')
  for (const w of WORKLOADS) out.push(`  ${w.name}`, `    ${w.summary}`, ...optionLines(w.options, w.defaults), '')
  out.push('Content models (--content):', '')
  for (const [k, v] of Object.entries(CONTENT_MODELS)) out.push(`  ${k.padEnd(10)} ${v}`)
  out.push('', 'Faults (--fault <kind> --fault-rate <p>; the rate is a probability per the unit shown):', '')
  for (const [k, f] of Object.entries(FAULTS)) out.push(`  ${k.padEnd(18)} per ${f.per}, default rate ${f.defaultRate}: ${f.description}`)
  return out.join('\n')
}
