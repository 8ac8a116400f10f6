import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { ConfigError } from '../core/errors.ts'
import { resolveRun } from '../harness/config.ts'
import { checkSomethingRuns, parseOverrides, strategiesFor, withOwnData } from '../harness/request.ts'
import { STRATEGIES } from '../strategies/index.ts'
import { scratchDirs } from './scratch-dirs.ts'

// Removed when this file's tests end.
const scratchRequest = scratchDirs('deltabench-request-')

describe('parseOverrides', () => {
  it('groups name.key=value by strategy or workload, keeping everything after the first = as the value', () => {
    expect(parseOverrides(['insert-delete.edits=32', 'fixed-block-compare.strongBytes=8', 'insert-delete.seedText=a=b'])).toEqual({
      'insert-delete': { edits: '32', seedText: 'a=b' },
      'fixed-block-compare': { strongBytes: '8' },
    })
    expect(() => parseOverrides(['edits=32'])).toThrow(ConfigError)
  })
})

describe('withOwnData', () => {
  it('makes a file pair the file-pair workload, one seed unless seeds are given, over any file-pair option', () => {
    const req = withOwnData({ strategies: ['whole-file'], overrides: { 'whole-file': { x: 1 }, 'file-pair': { base: 'old' } } }, { base: 'a.img', target: 'b.img' })
    expect(req).toEqual({ strategies: ['whole-file'], workloads: ['file-pair'], seeds: ['1'], overrides: { 'whole-file': { x: 1 }, 'file-pair': { base: 'a.img', target: 'b.img' } } })
    expect(withOwnData({ seeds: ['7', '8'] }, { base: 'a', target: 'b' }).seeds).toEqual(['7', '8'])
  })

  it('makes a trace the block-trace workload, keeping its other options', () => {
    const req = withOwnData({ overrides: { 'block-trace': { fold: 'true' } } }, { trace: 'w.csv' })
    expect(req).toEqual({ workloads: ['block-trace'], overrides: { 'block-trace': { fold: 'true', path: 'w.csv' } } })
  })

  it('leaves a request without own data as it is', () => {
    const req = { workloads: ['append'], seeds: ['1', '2'] }
    expect(withOwnData(req, {})).toEqual(req)
  })

  it('refuses half a pair, own data beside named workloads, and a trace with a pair, naming the flag', () => {
    expect(() => withOwnData({}, { base: 'a' })).toThrow(/--base and --target go together/)
    expect(() => withOwnData({}, { base: '', target: 'b' })).toThrow(/--base and --target go together/)
    expect(() => withOwnData({ workloads: ['append'] }, { base: 'a', target: 'b' }, '--workload')).toThrow(/leave out --workload$/)
    expect(() => withOwnData({ workloads: ['append'] }, { trace: 't' })).toThrow(/leave out --workloads and --base\/--target/)
    expect(() => withOwnData({}, { trace: 't', base: 'a', target: 'b' })).toThrow(ConfigError)
  })
})

describe('checkSomethingRuns', () => {
  const dir = scratchRequest()
  const [base, target] = ['old.img', 'new.img'].map((name) => join(dir, name))
  writeFileSync(base!, new Uint8Array(8192))
  writeFileSync(target!, new Uint8Array(8192).fill(1))
  const pair = (strategies: string[]) => resolveRun(withOwnData({ strategies }, { base, target }))

  it('refuses a file pair when every strategy needs a write trace', () => {
    expect(() => checkSomethingRuns(pair(['changed-block-bitmap', 'journal-replay']))).toThrow(/changed-block-bitmap, journal-replay need a write trace/)
  })

  it('passes when one strategy compares content, or a workload records writes', () => {
    expect(() => checkSomethingRuns(pair(['changed-block-bitmap', 'fixed-block-compare']))).not.toThrow()
    expect(() => checkSomethingRuns(resolveRun({ strategies: ['changed-block-bitmap'], workloads: ['append'], size: '64KiB', blockSizes: [4096] }))).not.toThrow()
  })
})

describe('strategiesFor', () => {
  it('is every strategy but the real-tool baselines on a traced workload, and those that compare content on a file pair', () => {
    expect(strategiesFor(['random-overwrite'])).toEqual(STRATEGIES.filter((s) => !s.external).map((s) => s.name))
    const onPair = strategiesFor(['file-pair'])
    expect(onPair).toContain('fixed-block-compare')
    expect(onPair).not.toContain('changed-block-bitmap')
    expect(onPair.every((n) => !STRATEGIES.find((s) => s.name === n)!.needsWriteTrace)).toBe(true)
  })
})
