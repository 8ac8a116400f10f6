/**
 * The notebooks, regenerated headless from a small real run (so they cannot rot): valid nbformat 4.5 JSON,
 * every chart output carrying a Vega-Lite v5 spec and a PNG, and conclusions computed from the run.
 */
import { spawnSync } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import type { ResultRow } from '../core/result-row.ts'
import { formatBytes } from '../core/units.ts'
import { generateNotebooks, type GeneratedNotebook } from '../notebooks/generate.ts'
import { ANALYSES } from '../notebooks/index.ts'
import { VEGALITE_MIME } from '../notebooks/notebook.ts'
import { smallRun, tmp } from './small-run.ts'

/** The parts of the nbformat 4.5 schema a notebook file must satisfy (required keys, types, no extras). */
function nbformatProblems(nb: Record<string, unknown>): string[] {
  const bad: string[] = []
  const isObj = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x)
  const isText = (x: unknown) => typeof x === 'string' || (Array.isArray(x) && x.every((l) => typeof l === 'string'))
  const only = (o: Record<string, unknown>, keys: string[], where: string) => {
    for (const k of Object.keys(o)) if (!keys.includes(k)) bad.push(`${where}: unexpected key ${k}`)
  }
  if (nb.nbformat !== 4 || typeof nb.nbformat_minor !== 'number' || nb.nbformat_minor < 5) bad.push('not nbformat 4.5+')
  if (!isObj(nb.metadata)) bad.push('metadata is not an object')
  only(nb, ['nbformat', 'nbformat_minor', 'metadata', 'cells'], 'notebook')
  if (!Array.isArray(nb.cells)) return [...bad, 'cells is not an array']
  const ids = new Set<string>()
  nb.cells.forEach((c: unknown, i: number) => {
    const where = `cell ${i}`
    if (!isObj(c)) return void bad.push(`${where}: not an object`)
    if (typeof c.id !== 'string' || !/^[a-zA-Z0-9-_]{1,64}$/.test(c.id) || ids.has(c.id)) bad.push(`${where}: bad or duplicate id`)
    ids.add(String(c.id))
    if (!isObj(c.metadata) || !isText(c.source)) bad.push(`${where}: metadata or source missing`)
    if (c.cell_type === 'markdown') only(c, ['id', 'cell_type', 'metadata', 'source', 'attachments'], where)
    else if (c.cell_type === 'code') {
      only(c, ['id', 'cell_type', 'metadata', 'source', 'execution_count', 'outputs'], where)
      if (!(c.execution_count === null || Number.isInteger(c.execution_count))) bad.push(`${where}: execution_count`)
      if (!Array.isArray(c.outputs)) return void bad.push(`${where}: outputs`)
      for (const o of c.outputs as unknown[]) {
        if (!isObj(o) || o.output_type !== 'display_data' || !isObj(o.data) || !isObj(o.metadata)) bad.push(`${where}: bad display_data`)
        else {
          only(o, ['output_type', 'data', 'metadata'], `${where} output`)
          // Mime bundle: JSON types hold any JSON; every other type holds text.
          for (const [mime, v] of Object.entries(o.data)) if (!/^application\/(.*\+)?json$/.test(mime) && !isText(v)) bad.push(`${where}: ${mime} is not text`)
        }
      }
    } else bad.push(`${where}: unknown cell_type ${String(c.cell_type)}`)
  })
  return bad
}

type Nb = { cells: { cell_type: string; source: string[]; outputs?: { data: Record<string, unknown> }[] }[]; metadata: Record<string, unknown> }
const read = (path: string) => JSON.parse(readFileSync(path, 'utf8')) as Nb
const text = (nb: Nb) => nb.cells.filter((c) => c.cell_type === 'markdown').map((c) => c.source.join('')).join('\n')

describe('notebooks', () => {
  let dir: string
  let rows: readonly ResultRow[]
  let written: GeneratedNotebook[]
  beforeAll(async () => {
    dir = join(tmp(), 'run')
    rows = (await smallRun(dir)).rows
    written = await generateNotebooks(dir, join(tmp(), 'out'))
  })

  it('are at least three analyses, each a valid nbformat 4.5 notebook', () => {
    expect(written.map((w) => w.name)).toEqual(ANALYSES.map((a) => a.name))
    expect(written.length).toBeGreaterThanOrEqual(3)
    for (const w of written) expect(nbformatProblems(JSON.parse(readFileSync(w.path, 'utf8'))), w.name).toEqual([])
  })

  it('open with rendered charts: a Vega-Lite v5 spec with its data, and a PNG', () => {
    for (const w of written) {
      const outputs = read(w.path).cells.flatMap((c) => c.outputs ?? [])
      expect(outputs.length, w.name).toBeGreaterThanOrEqual(2)
      for (const o of outputs) {
        const spec = o.data[VEGALITE_MIME] as { $schema: string; data: { values: unknown[] } }
        expect(spec.$schema).toBe('https://vega.github.io/schema/vega-lite/v5.json')
        expect(spec.data.values.length).toBeGreaterThan(0)
        const png = Buffer.from(o.data['image/png'] as string, 'base64')
        expect(png.subarray(1, 4).toString()).toBe('PNG')
        expect(png.length).toBeGreaterThan(10_000)
      }
    }
  })

  it('conclude from the data: the counts and the winners are the run\'s own', () => {
    const compare = written.find((w) => w.name === 'compare-strategies')!
    expect(compare.conclusion).toContain(`Every one of the ${rows.length} syncs left a byte-exact replica.`)
    // The fewest bytes on append, worked out here independently of the notebook.
    const mean = (xs: number[]) => xs.reduce((a, x) => a + x, 0) / xs.length
    const groups = new Map<string, number[]>()
    for (const r of rows.filter((x) => x.workload === 'append')) {
      const k = `${r.strategy}|${r.block_size}|${r.seed}`
      groups.set(k, [...(groups.get(k) ?? []), r.bytes_total])
    }
    const perConfig = new Map<string, number[]>()
    for (const [k, v] of groups) {
      const c = k.split('|').slice(0, 2).join('|')
      perConfig.set(c, [...(perConfig.get(c) ?? []), mean(v)])
    }
    const [best] = [...perConfig].map(([c, v]) => [c, [...v].sort((a, b) => a - b)] as const).map(([c, v]) => [c, (v[0]! + v[v.length - 1]!) / 2] as const).sort((a, b) => a[1] - b[1])
    const [strategy] = best![0].split('|')
    expect(compare.conclusion).toMatch(new RegExp(`\\*\\*append\\*\\*: ${strategy} at [^ ]+ [^ ]+ sends the fewest bytes, ${formatBytes(Math.round(best![1])).replace('.', '\\.')} per sync`))
    expect(text(read(compare.path))).toContain(compare.conclusion)

    const blocks = written.find((w) => w.name === 'choose-block-size')!
    for (const s of ['whole-file', 'fixed-block-compare', 'changed-block-bitmap']) expect(blocks.conclusion).toContain(`**${s}**`)
    expect(blocks.conclusion).toMatch(/geometric mean over 2 workloads|under 5%/)

    const faults = written.find((w) => w.name === 'tracking-faults')!
    expect(faults.conclusion).toContain('This run has no fault rows')
    expect(faults.conclusion).toMatch(/changed-block-bitmap\*\* spends [\d.]+ ms per sync in its tracker/)
  })

  it('use fault columns when a run has them', async () => {
    // A run with faults is simulated here by filling the fault columns of some rows (as --fault with selfVerify would).
    const faultDir = join(tmp(), 'faulted')
    const { mkdirSync } = await import('node:fs')
    mkdirSync(faultDir)
    const faulted = rows.map((r, i) => {
      const fault = r.strategy === 'changed-block-bitmap' && i % 2 === 0 ? 'dropped-bits' : null
      const detected = fault ? i % 4 === 0 : null
      return { ...r, run_id: 'faulted', fault, self_detected: detected, self_repaired: detected, caught_by_harness: fault ? !detected : null, correct: fault ? i % 4 === 0 : r.correct }
    })
    writeFileSync(join(faultDir, 'rows.jsonl'), faulted.map((r) => JSON.stringify(r)).join('\n') + '\n')
    const out = await generateNotebooks(faultDir, join(tmp(), 'out'))
    const nb = out.find((w) => w.name === 'tracking-faults')!
    const fault = faulted.filter((r) => r.fault)
    const wrong = fault.filter((r) => !r.correct).length
    expect(nb.conclusion).toContain(`**dropped-bits**: changed-block-bitmap: ${wrong} of ${fault.length} syncs wrong`)
    const detected = fault.filter((r) => r.self_detected).length
    expect(nb.conclusion).toContain(`self-verification detected ${detected} of ${fault.length}, repaired ${detected}`)
    expect(nb.conclusion).toContain(`${wrong} of them seen only by the harness's byte check`)
    expect(nb.conclusion).not.toContain('no fault rows')
    const outputs = read(nb.path).cells.flatMap((c) => c.outputs ?? [])
    expect(outputs.some((o) => JSON.stringify(o.data[VEGALITE_MIME]).includes('dropped-bits'))).toBe(true)
    expect(nbformatProblems(JSON.parse(readFileSync(nb.path, 'utf8')))).toEqual([])
  })

  it('npm run notebooks refuses a directory that is not a run', () => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', new URL('../notebooks/cli.ts', import.meta.url).pathname, tmp()], { encoding: 'utf8' })
    expect(r.status).toBe(2)
    expect(r.stderr).toMatch(/has no rows.jsonl/)
  })
})
