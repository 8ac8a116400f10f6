/**
 * Finding the fault-injection columns in a run's rows. Fault injection lands separately (issue 4) and adds
 * its own columns; until then a run has none. So the columns are found by name rather than imported: the
 * fault's name is in `fault` (or fault_kind, fault_type, fault_injected), and any boolean column whose name
 * says "detect" records who noticed. Rows from an older run simply have no fault columns.
 */
import type { ResultRow } from '../../core/result-row.ts'

const KIND_COLUMNS = ['fault', 'fault_kind', 'fault_type', 'fault_injected', 'fault_name']

export interface FaultColumns {
  /** Column holding the injected fault's name. */
  kind: string
  /** Boolean columns saying whether the fault (or a wrong replica) was detected, by whom. */
  detection: string[]
  /** Every column whose name starts with fault, for the record. */
  all: string[]
}

const cell = (r: ResultRow, col: string): unknown => (r as unknown as Record<string, unknown>)[col]

/** The fault name a row records, or null for a sync with no fault injected. */
export function faultOf(r: ResultRow, kind: string): string | null {
  const v = cell(r, kind)
  if (v === null || v === undefined || v === false || v === '' || v === 'none') return null
  return String(v)
}

export function detected(r: ResultRow, col: string): boolean | null {
  const v = cell(r, col)
  return typeof v === 'boolean' ? v : null
}

/** The fault columns of these rows, or null when the run has none (or none holds a fault). */
export function findFaultColumns(rows: readonly ResultRow[]): FaultColumns | null {
  const names = new Set<string>()
  for (const r of rows) for (const k of Object.keys(r)) names.add(k)
  const all = [...names].filter((n) => n.startsWith('fault'))
  const kind = KIND_COLUMNS.find((k) => names.has(k) && rows.some((r) => faultOf(r, k) !== null))
  if (!kind) return null
  const detection = [...names].filter((n) => /detect/i.test(n) && rows.some((r) => typeof cell(r, n) === 'boolean'))
  return { kind, detection, all }
}

/**
 * Labels rows by strategy plus any options that differ between rows of that strategy (e.g. self-verification
 * on or off), block size aside: "journal-replay (selfVerify=true)". One pass per distinct options string.
 */
export function seriesLabeller(rows: readonly ResultRow[]): (r: ResultRow) => string {
  const optionSets = new Map<string, Map<string, Record<string, unknown>>>()
  for (const r of rows) {
    let sets = optionSets.get(r.strategy)
    if (!sets) optionSets.set(r.strategy, (sets = new Map()))
    if (!sets.has(r.strategy_options)) sets.set(r.strategy_options, JSON.parse(r.strategy_options) as Record<string, unknown>)
  }
  const labels = new Map<string, string>()
  return (r) => {
    const key = `${r.strategy}\n${r.strategy_options}`
    let label = labels.get(key)
    if (label === undefined) {
      const sets = [...optionSets.get(r.strategy)!.values()]
      const opts = optionSets.get(r.strategy)!.get(r.strategy_options)!
      const differing = Object.keys(opts).filter((k) => k !== 'blockSize' && sets.some((o) => JSON.stringify(o[k]) !== JSON.stringify(opts[k])))
      label = differing.length ? `${r.strategy} (${differing.map((k) => `${k}=${JSON.stringify(opts[k])}`).join(', ')})` : r.strategy
      labels.set(key, label)
    }
    return label
  }
}
