/**
 * The tuner's search, apart from anything it measures: a geometric sweep of block sizes (powers of two
 * from min to max), then refinement around the best — the geometric midpoints toward each neighbour,
 * repeated while they improve, down to a step of `minStep`. Rounded to multiples of 8 (of 1 below 64).
 */
export interface SearchOptions {
  min: number
  max: number
  /** Refinement rounds after the sweep. Default 3. */
  refineRounds?: number
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

export async function searchBlockSize(evaluate: (blockSize: number) => Promise<number> | number, o: SearchOptions): Promise<SearchResult> {
  const seen = new Map<number, number>()
  const cost = async (bs: number) => {
    if (!seen.has(bs)) seen.set(bs, await evaluate(bs))
    return seen.get(bs)!
  }
  const series: number[] = []
  for (let bs = 2 ** Math.ceil(Math.log2(o.min)); bs <= o.max; bs *= 2) series.push(bs)
  if (series.length === 0) series.push(roundBlock(o.min))
  for (const bs of series) await cost(bs)
  for (let round = 0; round < (o.refineRounds ?? 3); round++) {
    const sorted = [...seen.entries()].sort((a, b) => a[0] - b[0])
    const i = sorted.reduce((bi, e, k) => (e[1] < sorted[bi]![1] ? k : bi), 0)
    const [bestBs] = sorted[i]!
    const candidates = [sorted[i - 1]?.[0], sorted[i + 1]?.[0]]
      .filter((n): n is number => n !== undefined)
      .map((n) => roundBlock(Math.sqrt(n * bestBs)))
      .filter((n) => n >= o.min && n <= o.max && !seen.has(n))
    if (candidates.length === 0) break
    for (const c of candidates) await cost(c)
  }
  const evaluated = [...seen.entries()].map(([blockSize, c]) => ({ blockSize, cost: c })).sort((a, b) => a.blockSize - b.blockSize)
  const best = evaluated.reduce((b, e) => (e.cost < b.cost ? e : b))
  return { best, evaluated }
}
