/**
 * The one reader of rows.jsonl. Writers append whole lines and fsync each cell (harness/results-dir.ts), so
 * the only damage a crash or a full disk leaves is a torn last line: readers drop it and say so, `--resume`
 * drops it silently and runs the cell again. Anything else that is not a row of this schema is refused
 * (ConfigError, exit 2) with the reason, so no analysis silently runs on rows it misreads.
 */
import { COLUMNS, COLUMN_NAMES, type ResultRow } from './result-row.ts'
import { ConfigError } from './errors.ts'

/** Lines of a JSONL text: the objects that parsed, the torn last line (0 or 1) and other lines that did not parse (1-based). */
export interface JsonLines {
  rows: Record<string, unknown>[]
  torn: number
  bad: number[]
}

/** Splits and parses a JSONL text; a non-object line counts as unparsed. */
export function parseJsonLines(text: string): JsonLines {
  const lines = text.split('\n')
  // The index of the last non-blank line: only it can be torn by an interrupted append.
  let last = lines.length - 1
  while (last >= 0 && !lines[last]!.trim()) last--
  const out: JsonLines = { rows: [], torn: 0, bad: [] }
  for (let i = 0; i <= last; i++) {
    const line = lines[i]!
    if (!line.trim()) continue
    const o = parseObject(line)
    if (o) out.rows.push(o)
    else if (i === last) out.torn = 1
    else out.bad.push(i + 1)
  }
  return out
}

function parseObject(line: string): Record<string, unknown> | null {
  try {
    const v: unknown = JSON.parse(line)
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : null
  } catch {
    return null
  }
}

/** The columns a row must carry to be read: every column of this version (nullable ones may be null, not absent). */
function missingColumns(row: Record<string, unknown>): string[] {
  return COLUMN_NAMES.filter((c) => !(c in row))
}

/** A column whose value has the wrong type for this version's schema, as "name (want type, got value)". */
function mistypedColumn(row: Record<string, unknown>): string | undefined {
  for (const name of COLUMN_NAMES) {
    const spec: { type: string; nullable?: boolean } = COLUMNS[name]
    const v = row[name]
    if (v === null && spec.nullable) continue
    const want = spec.type === 'integer' ? 'number' : spec.type
    if (typeof v !== want) return `${name} (want ${spec.type}, got ${JSON.stringify(v)})`
  }
  return undefined
}

/**
 * Parses a run's rows.jsonl text strictly: a torn last line is dropped and `onTorn` told, a bad line
 * elsewhere, a missing column or a mistyped one is a ConfigError naming the file, the line and the reason.
 */
export function parseRows(text: string, path: string, onTorn: (message: string) => void): ResultRow[] {
  const parsed = parseJsonLines(text)
  if (parsed.bad.length) throw new ConfigError(`${path}: line ${parsed.bad[0]} is not a JSON row (${parsed.bad.length} such line(s) before the last); the file is damaged beyond a torn last line: re-run it (deltabench run --from <its manifest.json>)`)
  if (parsed.torn) onTorn(`${path}: dropped 1 torn last line (an interrupted write), read the ${parsed.rows.length} whole rows before it`)
  parsed.rows.forEach((row, i) => {
    const missing = missingColumns(row)
    if (missing.length) throw new ConfigError(`${path}: row ${i + 1} lacks the column(s) ${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ` and ${missing.length - 5} more` : ''}: it was written by another deltabench version or another tool; re-run it with this version (deltabench run --from <its manifest.json>)`)
    const wrong = mistypedColumn(row)
    if (wrong) throw new ConfigError(`${path}: row ${i + 1} has column ${wrong}: not a row of this deltabench version; re-run it with this version`)
  })
  return parsed.rows as ResultRow[]
}
