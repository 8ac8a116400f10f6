import { readdirSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { STRATEGIES } from '../strategies/index.ts'
import { WORKLOADS } from '../workloads/index.ts'
import type { OptionSchema } from '../core/options.ts'
import { defaultOptions } from '../core/options.ts'

/** Every value a module exports that has the shape of `probe`. */
async function exported(dir: string, probe: (v: unknown) => boolean): Promise<[string, unknown][]> {
  const out: [string, unknown][] = []
  for (const f of readdirSync(new URL(`../${dir}/`, import.meta.url))) {
    if (!f.endsWith('.ts')) continue
    const mod = (await import(/* @vite-ignore */ new URL(`../${dir}/${f}`, import.meta.url).href)) as Record<string, unknown>
    for (const v of Object.values(mod)) if (probe(v)) out.push([f, v])
  }
  return out
}

describe('registries', () => {
  it('registers every strategy its family folders define, and no helper folder defines one', async () => {
    const root = new URL('../strategies/', import.meta.url)
    const folders = readdirSync(root, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name)
    expect(folders).toContain('shared')
    const isStrategy = (v: unknown) => typeof v === 'object' && v !== null && 'sender' in v && 'receiver' in v
    const found: [string, unknown][] = []
    for (const family of folders) found.push(...(await exported(`strategies/${family}`, isStrategy)).map(([f, s]): [string, unknown] => [`${family}/${f}`, s]))
    for (const [file, s] of found) expect(STRATEGIES, `${file} exports a strategy not in strategies/index.ts`).toContain(s)
    expect(found.filter(([f]) => f.startsWith('shared/')), 'strategies/shared/ holds helpers only').toEqual([])
    expect(await exported('strategies', isStrategy), 'a strategy lives in its family folder, not at the top of strategies/').toEqual([])
    expect(found.length).toBe(STRATEGIES.length)
  })

  it('lists every workload file', async () => {
    const found = await exported('workloads', (v) => typeof v === 'object' && v !== null && 'create' in v && 'hasWriteTrace' in v)
    for (const [file, w] of found) expect(WORKLOADS, `${file} exports a workload not in workloads/index.ts`).toContain(w)
    expect(found.length).toBe(WORKLOADS.length)
  })

  it('names are unique and every option has a default and a description', () => {
    for (const list of [STRATEGIES, WORKLOADS] as const) {
      const names = list.map((x) => x.name)
      expect(new Set(names).size).toBe(names.length)
      for (const x of list) {
        for (const [k, spec] of Object.entries(x.options as OptionSchema)) {
          expect(spec.description.length, `${x.name}.${k}`).toBeGreaterThan(3)
          expect(spec, `${x.name}.${k} has no default`).toHaveProperty('default')
        }
      }
    }
  })

  it('a strategy with a selfVerify option says so through the contract, and follows the option', () => {
    for (const s of STRATEGIES) {
      expect(s.selfVerifies !== undefined, s.name).toBe('selfVerify' in s.options)
      if (!s.selfVerifies) continue
      expect(s.selfVerifies({ ...defaultOptions(s), selfVerify: true }), s.name).toBe(true)
      expect(s.selfVerifies({ ...defaultOptions(s), selfVerify: false }), s.name).toBe(false)
    }
    expect(STRATEGIES.filter((s) => s.selfVerifies).map((s) => s.name).sort()).toEqual(['changed-block-bitmap', 'journal-replay', 'snapshot-diff'])
  })
})
