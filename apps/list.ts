import { STRATEGIES } from '../strategies/index.ts'
import { WORKLOADS } from '../workloads/index.ts'
import { CONTENT_MODELS } from '../workloads/content.ts'
import { acceptedText, type OptionSchema, type OptionSpec } from '../core/options.ts'
import { formatBytes } from '../core/units.ts'
import { textTable } from '../core/text-table.ts'
import { FAULTS } from '../harness/faults.ts'

function showDefault(spec: OptionSpec): string {
  const v = spec.default
  if (spec.type === 'size' && typeof v === 'number') return v >= 1024 ? `${v} (${formatBytes(v)})` : String(v)
  return v === '' ? '(none)' : String(v)
}

/** Two-column lists: the name in a column at least `nameWidth` wide, then its description. */
function nameList(rows: readonly [string, string][], indent: string, nameWidth: number): string[] {
  return textTable(rows, { columns: [{ minWidth: nameWidth }], gap: ' ', indent })
}

/** One line per option: type, default, what it accepts (where that says more than the type) and description. */
function optionLines(schema: OptionSchema): string[] {
  const rows = Object.entries(schema).map(([k, spec]): [string, string] => {
    const accepts = spec.type === 'boolean' || spec.type === 'string' ? '' : `, accepts ${acceptedText(spec)}`
    return [k, `${spec.type}, default ${showDefault(spec)}${accepts}: ${spec.description}`]
  })
  return nameList(rows, '    ', 14)
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
  out.push(...nameList(Object.entries(CONTENT_MODELS), '  ', 10))
  out.push('', 'Faults (--fault <kind> --fault-rate <p>; the rate is a probability per the unit shown):', '')
  out.push(...nameList(Object.entries(FAULTS).map(([k, f]) => [k, `per ${f.per}, default rate ${f.defaultRate}: ${f.description}`]), '  ', 18))
  return out.join('\n')
}
