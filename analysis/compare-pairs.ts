/**
 * Which rows of run A are compared with which rows of run B: a selector per side (`--a strategy=x,block_size=4096`)
 * and the identity columns that must agree for two cells to pair (`--match workload,seed`). A cell is one
 * value of every identity column but the seed; its seeds are the samples the one aggregation folds.
 */
import type { ResultRow } from '../core/result-row.ts'
import { ConfigError } from '../core/errors.ts'
import { groupBy } from '../core/stats.ts'
import { parseSize } from '../core/units.ts'

/** The columns that say what was run (not what was measured); --match and the selectors name these. */
export const IDENTITY_COLUMNS = ['strategy', 'strategy_options', 'workload', 'workload_options', 'content', 'block_size', 'seed', 'compression', 'sync_state', 'fault', 'fault_rate'] as const
export type IdentityColumn = (typeof IDENTITY_COLUMNS)[number]

/** Column → the one value it must have (as text). */
export type Selector = Partial<Record<IdentityColumn, string>>

/** One A cell against one B cell. */
export interface CellPair {
  a: ResultRow[]
  b: ResultRow[]
  /** The seeds are paired by value (seed is a match column); otherwise each side's seeds are its own. */
  seedsPaired: boolean
  /** Identity columns (seed aside) whose values differ between the two cells, e.g. strategy or block_size. */
  differs: { column: IdentityColumn; a: string; b: string }[]
}

export interface Pairing {
  pairs: CellPair[]
  /** Cells with no partner on the other side. */
  onlyA: number
  onlyB: number
}

const valueOf = (r: ResultRow, c: IdentityColumn): string => {
  if (c === 'strategy_options') return optionsSansBlockSize(r.strategy_options)
  const v = (r as Record<string, unknown>)[c]
  return v === null || v === undefined ? '' : String(v)
}

/** The options without blockSize: that is the block_size column, so block sizes stay comparable on their own. */
function optionsSansBlockSize(json: string): string {
  try {
    const o = JSON.parse(json) as Record<string, unknown>
    if (o === null || typeof o !== 'object' || !('blockSize' in o)) return json
    delete o.blockSize
    return JSON.stringify(o)
  } catch {
    return json
  }
}

function identityColumn(name: string, flag: string): IdentityColumn {
  if ((IDENTITY_COLUMNS as readonly string[]).includes(name)) return name as IdentityColumn
  throw new ConfigError(`compare: ${flag}: unknown column "${name}"; the columns that identify a cell are ${IDENTITY_COLUMNS.join(', ')}`)
}

/** `--match workload,seed` → the columns; the default is all of them. */
export function parseMatch(text: string | undefined): IdentityColumn[] {
  if (text === undefined) return [...IDENTITY_COLUMNS]
  const cols = text.split(',').map((s) => s.trim()).filter(Boolean)
  if (cols.length === 0) throw new ConfigError(`compare: --match needs at least one column, e.g. --match workload,seed (columns: ${IDENTITY_COLUMNS.join(', ')})`)
  return [...new Set(cols.map((c) => identityColumn(c, '--match')))]
}

/** `strategy=rsync-rolling,block_size=16KiB` → a selector (commas inside a value, as in JSON options, are kept). */
export function parseSelector(text: string | undefined, flag: string): Selector {
  const sel: Selector = {}
  if (text === undefined) return sel
  // Split only at a comma that starts the next `column=`: option JSON holds commas of its own.
  for (const part of text.split(/,(?=\s*[a-z_]+=)/)) {
    const eq = part.indexOf('=')
    if (eq <= 0 || eq === part.length - 1) throw new ConfigError(`compare: ${flag} "${part}" is not column=value; write e.g. ${flag} strategy=rsync-rolling,block_size=4096`)
    const col = identityColumn(part.slice(0, eq).trim(), flag)
    const raw = part.slice(eq + 1).trim()
    if (sel[col] !== undefined) throw new ConfigError(`compare: ${flag} names ${col} twice; give one value per column`)
    sel[col] = col === 'block_size' ? String(parseSize(raw, `${flag} block_size`)) : raw
  }
  return sel
}

/** The rows a selector keeps; a column value that matches no row is an error naming the values there are. */
export function selectRows(rows: readonly ResultRow[], sel: Selector, flag: string, run: string): ResultRow[] {
  let kept = [...rows]
  for (const [col, want] of Object.entries(sel) as [IdentityColumn, string][]) {
    const next = kept.filter((r) => valueOf(r, col) === want)
    if (next.length === 0) {
      const there = [...new Set(kept.map((r) => valueOf(r, col)))].slice(0, 12)
      throw new ConfigError(`compare: ${flag} ${col}=${want} matches no row of ${run}${kept.length < rows.length ? ' (after the other conditions)' : ''}; ${col} there: ${there.join(', ') || '(none)'}`)
    }
    kept = next
  }
  return kept
}

/**
 * Pairs A's cells with B's: cells pair when every --match column (seed aside) agrees. Each side may have only
 * one cell per match key; two would make the pairing ambiguous, which is an error saying which columns to
 * add to --match or to a selector.
 */
export function pairCells(a: readonly ResultRow[], b: readonly ResultRow[], match: readonly IdentityColumn[]): Pairing {
  const seedsPaired = match.includes('seed')
  const keyCols = match.filter((c) => c !== 'seed')
  const ga = cellsByKey(a, keyCols, 'A', 'a', match)
  const gb = cellsByKey(b, keyCols, 'B', 'b', match)
  const pairs: CellPair[] = []
  const pairedKeys = new Set<string>()
  for (const [key, ra] of ga) {
    const rb = gb.get(key)
    if (!rb) continue
    let pa = ra
    let pb = rb
    if (seedsPaired) {
      const common = new Set(ra.map((r) => r.seed).filter((s) => rb.some((x) => x.seed === s)))
      pa = ra.filter((r) => common.has(r.seed))
      pb = rb.filter((r) => common.has(r.seed))
      if (pa.length === 0) continue
    }
    const differs = IDENTITY_COLUMNS.filter((c) => c !== 'seed' && valueOf(ra[0]!, c) !== valueOf(rb[0]!, c)).map((c) => ({ column: c, a: valueOf(ra[0]!, c), b: valueOf(rb[0]!, c) }))
    pairs.push({ a: pa, b: pb, seedsPaired, differs })
    pairedKeys.add(key)
  }
  if (pairs.length === 0) throw new ConfigError(`compare: no cell of A pairs with a cell of B on --match ${match.join(',')}${disjointHint(a, b, match)}`)
  const unpaired = (g: Map<string, ResultRow[]>) => [...g.keys()].filter((k) => !pairedKeys.has(k)).length
  return { pairs, onlyA: unpaired(ga), onlyB: unpaired(gb) }
}

/** A side's cells keyed by the match columns; a key with two cells is the ambiguity error. */
function cellsByKey(rows: readonly ResultRow[], keyCols: readonly IdentityColumn[], side: 'A' | 'B', flag: 'a' | 'b', match: readonly IdentityColumn[]): Map<string, ResultRow[]> {
  const out = new Map<string, ResultRow[]>()
  const cellCols = IDENTITY_COLUMNS.filter((c) => c !== 'seed')
  for (const g of groupBy(rows, keyCols)) {
    const cells = groupBy(g.rows, cellCols)
    if (cells.length > 1) {
      const varying = cellCols.filter((c) => new Set(g.rows.map((r) => valueOf(r, c))).size > 1)
      // Different strategies have different options: naming the strategy is enough.
      const vary = varying.includes('strategy') ? varying.filter((c) => c !== 'strategy_options') : varying
      const where = keyCols.map((c) => `${c}=${valueOf(g.rows[0]!, c)}`).join(', ') || 'every row'
      throw new ConfigError(
        `compare: --match ${match.join(',')} pairs ${cells.length} of ${side}'s cells with one cell of the other side (${where}); they differ in ${vary.join(', ')}. Add ${vary.join(',')} to --match, or pick one with --${flag} ${vary[0]}=${valueOf(g.rows[0]!, vary[0]!)}`,
      )
    }
    out.set(g.id, g.rows)
  }
  return out
}

/** Why nothing paired: the match columns whose selected values on the two sides have nothing in common. */
function disjointHint(a: readonly ResultRow[], b: readonly ResultRow[], match: readonly IdentityColumn[]): string {
  const apart = match.filter((c) => {
    const va = new Set(a.map((r) => valueOf(r, c)))
    return !b.some((r) => va.has(valueOf(r, c)))
  })
  if (apart.length === 0) return '; the runs share each value but no combination: compare runs of the same matrix, or narrow --match'
  const show = (rows: readonly ResultRow[], c: IdentityColumn) => [...new Set(rows.map((r) => valueOf(r, c)))].slice(0, 6).join(', ')
  return `; they share no ${apart.map((c) => `${c} (A: ${show(a, c)}; B: ${show(b, c)})`).join(', ')}. Leave ${apart.join(',')} out of --match to compare across ${apart.length > 1 ? 'them' : 'it'}`
}
