/**
 * Spreadsheet-safe CSV cells. A spreadsheet runs a cell that begins with =, +, -, @, a tab or a carriage
 * return as a formula (CSV/formula injection: `=HYPERLINK(...)` in a strategy label or a file path), so
 * every CSV we write prefixes such a text cell with a single quote, as OWASP and spreadsheet-safe CSV
 * writers do. Only text cells: numbers (-3, -0.5) are written as numbers. rows.jsonl keeps the exact text.
 */
import { stringify } from 'csv-stringify/sync'

const FORMULA_START = /^[=+\-@\t\r]/

/** The text as a spreadsheet shows it, never as a formula: a leading ' when it would start one. */
export function spreadsheetSafe(text: string): string {
  return FORMULA_START.test(text) ? `'${text}` : text
}

/** CSV text of `rows` in `columns` order (header optional): text cells neutralised, booleans as true/false. */
export function safeCsv(rows: readonly object[], columns: readonly string[], header: boolean): string {
  return stringify(rows as Record<string, unknown>[], {
    header,
    columns: [...columns],
    cast: { string: spreadsheetSafe, boolean: (v) => (v ? 'true' : 'false') },
  })
}
