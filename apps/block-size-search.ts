/**
 * The tuner's search, apart from anything it measures: a geometric sweep of block sizes (powers of two
 * from min to max), then refinement around the best — the geometric midpoints toward each neighbour,
 * repeated while they improve. Midpoints snap to multiples of `align` when given (else of 8, of 1 below 64).
 */
export interface SearchOptions {
  min: number
  max: number
  /** Refinement rounds after the sweep. Default 3. */
  refineRounds?: number
  /** Every size evaluated is a multiple of it: a power of two that min and max are multiples of. Default: none. */
  align?: number
  /**
   * Whether a midpoint between the best and this neighbour is worth measuring. The tuner says no when the
   * neighbour is already indistinguishable from the best: a size between them could only win by noise.
   * Default: always.
   */
  worthRefining?: (best: number, neighbour: number) => boolean | Promise<boolean>
  /**
   * Called with each batch of sizes (the sweep, then each round's midpoints) before they are evaluated one
   * by one, so a measurer can interleave them: a machine that slows down for a while then touches every
   * size of the batch alike instead of all the measurements of one. Default: nothing.
   */
  batch?: (blockSizes: number[]) => Promise<void>
}

export interface Evaluation {
  blockSize: number
  cost: number
}

export interface SearchResult {
  best: Evaluation
  /** Every block size evaluated, in ascending order. */
  evaluated: Evaluation[]
}

function roundBlock(x: number): number {
  return x < 64 ? Math.max(1, Math.round(x)) : Math.round(x / 8) * 8
}

/** The aligned size nearest the geometric midpoint of a and b, strictly between them; undefined when none is. */
function alignedMidpoint(a: number, b: number, align: number): number | undefined {
  const [lo, hi] = a < b ? [a, b] : [b, a]
  const m = Math.round(Math.sqrt(lo * hi) / align) * align
  const snapped = Math.min(Math.max(m, lo + align), hi - align)
  return snapped > lo && snapped < hi ? snapped : undefined
}

/** Refuses options no search can honour; the CLI checks the user's flags first, with fixes in its messages. */
function checkOptions(o: SearchOptions): void {
  if (!(o.min >= 1 && o.max >= o.min)) throw new Error(`block-size-search: need 1 <= min <= max, got ${o.min} and ${o.max}`)
  const a = o.align
  if (a === undefined) return
  if (!Number.isInteger(Math.log2(a)) || o.min % a !== 0 || o.max % a !== 0) throw new Error(`block-size-search: align ${a} must be a power of two that min ${o.min} and max ${o.max} are multiples of`)
}

export async function searchBlockSize(evaluate: (blockSize: number) => Promise<number> | number, o: SearchOptions): Promise<SearchResult> {
  checkOptions(o)
  const seen = new Map<number, number>()
  const cost = async (bs: number) => {
    if (!seen.has(bs)) seen.set(bs, await evaluate(bs))
    return seen.get(bs)!
  }
  const midpoint = (a: number, b: number) => (o.align === undefined ? roundBlock(Math.sqrt(a * b)) : alignedMidpoint(a, b, o.align))
  const series: number[] = []
  // Powers of two from min up; with min a multiple of a power-of-two align, every one is aligned too.
  for (let bs = 2 ** Math.ceil(Math.log2(o.min)); bs <= o.max; bs *= 2) series.push(bs)
  if (series.length === 0) series.push(o.align === undefined ? roundBlock(o.min) : o.min)
  await o.batch?.(series)
  for (const bs of series) await cost(bs)
  for (let round = 0; round < (o.refineRounds ?? 3); round++) {
    const sorted = [...seen.entries()].sort((a, b) => a[0] - b[0])
    const i = sorted.reduce((bi, e, k) => (e[1] < sorted[bi]![1] ? k : bi), 0)
    const [bestBs] = sorted[i]!
    const candidates: number[] = []
    for (const n of [sorted[i - 1]?.[0], sorted[i + 1]?.[0]]) {
      if (n === undefined || (o.worthRefining && !(await o.worthRefining(bestBs, n)))) continue
      const c = midpoint(n, bestBs)
      if (c !== undefined && c >= o.min && c <= o.max && !seen.has(c)) candidates.push(c)
    }
    if (candidates.length === 0) break
    await o.batch?.(candidates)
    for (const c of candidates) await cost(c)
  }
  const evaluated = [...seen.entries()].map(([blockSize, c]) => ({ blockSize, cost: c })).sort((a, b) => a.blockSize - b.blockSize)
  const best = evaluated.reduce((b, e) => (e.cost < b.cost ? e : b))
  return { best, evaluated }
}
