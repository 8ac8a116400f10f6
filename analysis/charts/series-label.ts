/**
 * Series labels for rows where one strategy ran with more than one set of options (e.g. self-verification
 * on and off): the strategy's name plus the options that differ, so the two show as two series.
 */
import type { ResultRow } from '../../core/result-row.ts'

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
