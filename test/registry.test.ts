import { readdirSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { STRATEGIES } from '../strategies/index.ts'
import { WORKLOADS } from '../workloads/index.ts'

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
  it('lists every strategy file, and every file under strategies/ but the contract and registry defines one', async () => {
    const found = await exported('strategies', (v) => typeof v === 'object' && v !== null && 'sender' in v && 'receiver' in v)
    for (const [file, s] of found) expect(STRATEGIES, `${file} exports a strategy not in strategies/index.ts`).toContain(s)
    const files = readdirSync(new URL('../strategies/', import.meta.url)).filter((f) => f.endsWith('.ts') && f !== 'strategy.ts' && f !== 'index.ts')
    expect(new Set(found.map(([f]) => f))).toEqual(new Set(files))
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
        for (const [k, spec] of Object.entries(x.options as Record<string, { description: string }>)) {
          expect(spec.description.length, `${x.name}.${k}`).toBeGreaterThan(3)
          expect(x.defaults as Record<string, unknown>, `${x.name}.${k} has no default`).toHaveProperty(k)
        }
        expect(Object.keys(x.defaults).sort()).toEqual(Object.keys(x.options).sort())
      }
    }
  })
})
