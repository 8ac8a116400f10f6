/** Flag value parsers the CLI's commands share (commander calls them with each value given). */

/** A comma-separated list, blanks dropped: `--seeds 1,2,3`. */
export const commaList = (v: string): string[] =>
  v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)

/** A flag that may be given again and again (`--opt a=1 --opt b=2`): every value, in order. */
export function repeatable(v: string, prev: string[]): string[] {
  return [...prev, v]
}

/** Commands report their exit code through this (commander's action handlers return nothing). */
export type SetExitCode = (code: number) => void
