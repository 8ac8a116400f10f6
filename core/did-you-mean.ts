/** "did you mean X?" for a mistyped name: the known name nearest by edit distance, when it is near enough. */

/** Levenshtein distance (insert, delete, substitute: 1 each), one row at a time. */
export function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j)
  for (let i = 1; i <= a.length; i++) {
    const row = [i]
    for (let j = 1; j <= b.length; j++) row[j] = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1))
    prev = row
  }
  return prev[b.length]!
}

/**
 * " (did you mean fixed-block-compare?)" for the nearest known name within a third of its length (at least
 * 2 edits, so short typos count), or '' when nothing is that near: a guess far off would mislead.
 */
export function didYouMean(given: string, known: readonly string[]): string {
  let best: string | undefined
  let bestDistance = Infinity
  for (const name of known) {
    const d = editDistance(given.toLowerCase(), name.toLowerCase())
    if (d < bestDistance) [best, bestDistance] = [name, d]
  }
  return best !== undefined && bestDistance <= Math.max(2, Math.floor(best.length / 3)) ? ` (did you mean ${best}?)` : ''
}
