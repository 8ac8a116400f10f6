/**
 * A resumable fuzz night (`npm run fuzz -- --state <file>`): the file holds a header line (what the run
 * is) and one line per finished range of cases with its report. A run given the same file skips the
 * ranges already there, so a night can be split (`--max-minutes`) or resumed after a kill; a torn last
 * line (a kill in the middle of a write) is dropped. A file of another run (other seed, cases, strategies)
 * is refused: continuing it would mix two runs' counts.
 */
import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs'
import { ConfigError } from '../core/errors.ts'
import type { FuzzReport } from './fuzz.ts'

export interface FuzzRunHeader {
  kind: 'deltabench-fuzz'
  seed: string
  cases: number
  strategies: string[]
  endToEnd: boolean
  chunk: number
}

export interface DoneRange {
  strategy: string
  from: number
  report: FuzzReport
  left: string[]
}

/** Opens (or starts) a state file; returns the ranges already done, keyed `strategy/from`. */
export function openState(path: string, header: FuzzRunHeader): Map<string, DoneRange> {
  const done = new Map<string, DoneRange>()
  if (!existsSync(path)) {
    writeFileSync(path, JSON.stringify(header) + '\n')
    return done
  }
  const lines = readFileSync(path, 'utf8').split('\n')
  const whole = lines.at(-1) === '' ? lines.slice(0, -1) : lines.slice(0, -1) // a last line without its newline is torn
  const first = whole[0] === undefined ? undefined : (JSON.parse(whole[0]) as FuzzRunHeader)
  if (!first || first.kind !== 'deltabench-fuzz' || JSON.stringify(first) !== JSON.stringify(header)) {
    throw new ConfigError(`fuzz: ${path} holds another fuzz run (${first ? `seed ${first.seed}, ${first.cases} cases, ${first.strategies.length} strategies` : 'no header'}); give another --state file, or the same --seed, --cases, --strategy and --end-to-end as that run`)
  }
  for (const line of whole.slice(1)) {
    const d = JSON.parse(line) as DoneRange
    done.set(`${d.strategy}/${d.from}`, d)
  }
  if (lines.at(-1) !== '') writeFileSync(path, whole.map((l) => l + '\n').join('')) // drop the torn line so appends stay whole lines
  return done
}

export function recordRange(path: string, d: DoneRange): void {
  appendFileSync(path, JSON.stringify(d) + '\n')
}
