import { STRATEGIES } from '../strategies/index.ts'
import { WORKLOADS } from '../workloads/index.ts'
import { CONTENT_MODELS } from '../workloads/content.ts'
import type { OptionSpec } from '../core/strategy.ts'
import { formatBytes } from '../core/units.ts'
import { textTable } from '../core/text-table.ts'
import { FAULTS } from '../harness/faults.ts'

function showDefault(spec: OptionSpec, v: unknown): string {
  if (spec.type === 'size' && typeof v === 'number') return v >= 1024 ? `${v} (${formatBytes(v)})` : String(v)
  return v === '' ? '(none)' : String(v)
}

/** Two-column lists: the name in a column at least `nameWidth` wide, then its description. */
function nameList(rows: readonly [string, string][], indent: string, nameWidth: number): string[] {
  return textTable(rows, { columns: [{ minWidth: nameWidth }], gap: ' ', indent })
}

function optionLines(options: Record<string, OptionSpec>, defaults: Record<string, unknown>): string[] {
  return nameList(
    Object.entries(options).map(([k, spec]) => {
      const choices = spec.choices ? ` [${spec.choices.join('|')}]` : ''
      return [k, `${spec.type}${choices}, default ${showDefault(spec, defaults[k])}: ${spec.description}`]
    }),
    '    ',
    14,
  )
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
  out.push(...nameList(Object.entries(CONTENT_MODELS), '  ', 10))
  out.push('', 'Faults (--fault <kind> --fault-rate <p>; the rate is a probability per the unit shown):', '')
  out.push(...nameList(Object.entries(FAULTS).map(([k, f]) => [k, `per ${f.per}, default rate ${f.defaultRate}: ${f.description}`]), '  ', 18))
  return out.join('\n')
}
