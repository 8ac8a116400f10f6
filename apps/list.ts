import { STRATEGIES } from '../strategies/index.ts'
import { WORKLOADS } from '../workloads/index.ts'
import { CONTENT_MODELS } from '../workloads/content.ts'
import { acceptedText, type OptionSchema, type OptionSpec } from '../core/options.ts'
import { formatBytes } from '../core/units.ts'
import { FAULTS } from '../harness/faults.ts'

function showDefault(spec: OptionSpec): string {
  const v = spec.default
  if (spec.type === 'size' && typeof v === 'number') return v >= 1024 ? `${v} (${formatBytes(v)})` : String(v)
  return v === '' ? '(none)' : String(v)
}

/** One line per option: type, default, what it accepts (where that says more than the type) and description. */
function optionLines(schema: OptionSchema): string[] {
  return Object.entries(schema).map(([k, spec]) => {
    const accepts = spec.type === 'boolean' || spec.type === 'string' ? '' : `, accepts ${acceptedText(spec)}`
    return `    ${k.padEnd(14)} ${spec.type}, default ${showDefault(spec)}${accepts}: ${spec.description}`
  })
}

/** What `deltabench list` prints: every strategy and workload with its options and defaults. */
export function listText(): string {
  const out: string[] = ['Strategies (set options with --opt <strategy>.<option>=<value>):', '']
  for (const s of STRATEGIES) {
    out.push(`  ${s.name}${s.needsWriteTrace ? '  (needs a write trace)' : ''}`, `    ${s.summary}`, ...optionLines(s.options), '')
  }
  out.push('Workloads (set options with --opt <workload>.<option>=<value>):', '')
  for (const w of WORKLOADS) out.push(`  ${w.name}`, `    ${w.summary}`, ...optionLines(w.options), '')
  out.push('Content models (--content):', '')
  for (const [k, v] of Object.entries(CONTENT_MODELS)) out.push(`  ${k.padEnd(10)} ${v}`)
  out.push('', 'Faults (--fault <kind> --fault-rate <p>; the rate is a probability per the unit shown):', '')
  for (const [k, f] of Object.entries(FAULTS)) out.push(`  ${k.padEnd(18)} per ${f.per}, default rate ${f.defaultRate}: ${f.description}`)
  return out.join('\n')
}
