/** Fitting text into a terminal's width: words wrapped, a field cut in its middle so both ends survive. */

/**
 * The text at most `width` characters long, cut in the middle with "…" (the start names a thing, the end
 * often tells it apart: "changed-b…bitmap", "… · seed 2"). Widths below 2 give the first characters.
 */
export function middleTruncate(text: string, width: number): string {
  if (text.length <= width) return text
  if (width < 2) return text.slice(0, Math.max(0, width))
  const keep = width - 1
  const head = Math.ceil(keep / 2)
  return `${text.slice(0, head)}…${text.slice(text.length - (keep - head))}`
}

/**
 * A paragraph as lines of at most `width` characters (a word longer than that is cut): the first after
 * `indent`, the rest after `hang` (deeper, so a wrapped line is not read as a line of its own).
 */
export function wrapText(text: string, width: number, indent = '', hang = indent): string[] {
  const out: string[] = []
  const lead = () => (out.length === 0 ? indent : hang)
  let line = ''
  for (const word of text.split(/\s+/).filter(Boolean)) {
    const room = Math.max(1, width - lead().length)
    const w = word.length > room ? middleTruncate(word, room) : word
    if (line && line.length + 1 + w.length > room) {
      out.push(lead() + line)
      line = word.length > Math.max(1, width - lead().length) ? middleTruncate(word, Math.max(1, width - lead().length)) : word
    } else line = line ? `${line} ${w}` : w
  }
  if (line) out.push(lead() + line)
  return out
}

/**
 * The width output may use: the terminal's (a TTY's column count, else $COLUMNS), or `fallback` when there
 * is none — a pseudo-terminal with COLUMNS unset reports 0 columns, which must not mean "zero wide".
 */
export function terminalWidth(stream: { isTTY?: boolean; columns?: number }, env: NodeJS.ProcessEnv = process.env): number | undefined {
  if (stream.isTTY && stream.columns && stream.columns > 0) return stream.columns
  const n = Number(env.COLUMNS)
  return Number.isInteger(n) && n > 0 ? n : undefined
}
