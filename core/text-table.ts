/** Plain-text tables for terminals and logs: rows of cells laid out in aligned columns. */

/** How one column is laid out. */
export interface TextColumn {
  /** 'right' for numbers, so their digits line up; default 'left'. */
  align?: 'left' | 'right'
  /** At least this wide, however narrow its cells (a fixed column, or a row printed on its own). */
  minWidth?: number
}

export interface TextTableOptions {
  /** Layout of each column by position; a column not listed is left-aligned. */
  columns?: readonly TextColumn[]
  /** A rule of '─' under the first row, the header. */
  rule?: boolean
  /** Between columns; default two spaces. */
  gap?: string
  /** Before every line. */
  indent?: string
}

/**
 * The rows as lines, each column as wide as its widest cell (or its minWidth). A left-aligned last column
 * is not padded, so no line ends in spaces. Rows may be shorter than others: missing cells are left out.
 */
export function textTable(rows: readonly (readonly string[])[], opts: TextTableOptions = {}): string[] {
  const { columns = [], gap = '  ', indent = '' } = opts
  const count = Math.max(0, ...rows.map((r) => r.length))
  const widths = Array.from({ length: count }, (_, i) => Math.max(columns[i]?.minWidth ?? 0, ...rows.map((r) => r[i]?.length ?? 0)))
  const line = (cells: readonly string[]) =>
    indent +
    cells
      .map((c, i) => {
        if (columns[i]?.align === 'right') return c.padStart(widths[i]!)
        return i === cells.length - 1 ? c : c.padEnd(widths[i]!)
      })
      .join(gap)
  const lines = rows.map(line)
  if (opts.rule && lines.length > 0) lines.splice(1, 0, indent + widths.map((w) => '─'.repeat(w)).join(gap))
  return lines
}
