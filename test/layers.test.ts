/**
 * The house's rules, checked on the source: imports run one way between the layers, strategy families
 * keep to themselves, and no function in the engine or the strategies grows past 80 lines.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { dirname, join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import ts from 'typescript'
import { describe, expect, it } from 'vitest'

const ROOT = fileURLToPath(new URL('..', import.meta.url))

/** Which layers a file in each top-level folder may import from (its own included). */
export const MAY_IMPORT: Record<string, readonly string[]> = {
  core: ['core'],
  strategies: ['core', 'strategies'],
  workloads: ['core', 'workloads'],
  harness: ['core', 'strategies', 'workloads', 'harness'],
  analysis: ['core', 'analysis'],
  notebooks: ['core', 'analysis', 'notebooks'],
  apps: ['core', 'strategies', 'workloads', 'harness', 'analysis', 'notebooks', 'apps'],
  bench: ['core', 'strategies', 'workloads', 'harness', 'analysis', 'apps', 'bench'],
  // scripts: build tools (the WASM kernels, from strategies/; the palette, from analysis/), the reference pages (from the CLI in apps/), the report's screenshots.
  scripts: ['core', 'strategies', 'analysis', 'apps', 'scripts'],
  bin: ['apps'],
}

function sourceFiles(dir: string): string[] {
  const out: string[] = []
  for (const name of readdirSync(join(ROOT, dir))) {
    const rel = join(dir, name)
    if (statSync(join(ROOT, rel)).isDirectory()) out.push(...sourceFiles(rel))
    else if (/\.(ts|js)$/.test(name)) out.push(rel)
  }
  return out
}

/** Every relative module a file names: static imports and exports, import(), and new URL(…, import.meta.url) of a .ts file. */
function relativeImports(file: string): string[] {
  const text = readFileSync(join(ROOT, file), 'utf8')
  const specs: string[] = []
  for (const m of text.matchAll(/(?:from\s+|import\(\s*|new URL\(\s*)'(\.{1,2}\/[^']+)'/g)) {
    if (m[0].startsWith('new URL') && !m[1]!.endsWith('.ts')) continue
    specs.push(relative(ROOT, join(ROOT, dirname(file), m[1]!)))
  }
  return specs
}

const topOf = (path: string) => path.split('/')[0]!

describe('layers', () => {
  const layers = Object.keys(MAY_IMPORT)
  const files = layers.filter((l) => { try { return statSync(join(ROOT, l)).isDirectory() } catch { return false } }).flatMap(sourceFiles)

  it('finds the source of every layer', () => {
    for (const l of ['core', 'strategies', 'workloads', 'harness', 'analysis', 'apps']) expect(files.some((f) => topOf(f) === l), l).toBe(true)
  })

  it('imports run one way: each folder imports only the layers below it', () => {
    const wrong: string[] = []
    for (const f of files) {
      for (const target of relativeImports(f)) {
        const to = topOf(target)
        if (!MAY_IMPORT[topOf(f)]!.includes(to)) wrong.push(`${f} imports ${target}`)
      }
    }
    expect(wrong).toEqual([])
  })

  it('the engine and the applications reach strategies only through the registry and the contract', () => {
    const wrong: string[] = []
    for (const f of files.filter((x) => /^(harness|apps|analysis|notebooks)\//.test(x))) {
      for (const target of relativeImports(f)) if (topOf(target) === 'strategies' && target !== 'strategies/index.ts') wrong.push(`${f} imports ${target}`)
    }
    expect(wrong).toEqual([])
  })

  it('a strategy family imports only itself, strategies/shared and core', () => {
    const wrong: string[] = []
    for (const f of files.filter((x) => /^strategies\/[^/]+\//.test(x))) {
      const family = f.split('/')[1]
      for (const target of relativeImports(f)) {
        if (topOf(target) !== 'strategies') continue
        const other = target.split('/')[1]
        if (other !== family && other !== 'shared') wrong.push(`${f} imports ${target}`)
      }
    }
    expect(wrong).toEqual([])
  })

  it('catches a wrong import (the check itself can fail)', () => {
    expect(MAY_IMPORT.core).not.toContain('harness')
    expect(MAY_IMPORT.analysis).not.toContain('harness')
    expect(relativeImports('harness/run-sync.ts').some((t) => topOf(t) === 'core')).toBe(true)
  })

  it('no function in the engine or the strategies is over 80 lines', () => {
    const long: string[] = []
    for (const f of files.filter((x) => /^(harness|strategies)\//.test(x) && !x.endsWith('-wasm.ts'))) {
      const src = ts.createSourceFile(f, readFileSync(join(ROOT, f), 'utf8'), ts.ScriptTarget.Latest, true)
      const visit = (n: ts.Node): void => {
        if (ts.isFunctionLike(n) && 'body' in n && n.body) {
          const lines = src.getLineAndCharacterOfPosition(n.end).line - src.getLineAndCharacterOfPosition(n.getStart()).line + 1
          if (lines > 80) long.push(`${f}:${src.getLineAndCharacterOfPosition(n.getStart()).line + 1} (${lines} lines)`)
        }
        ts.forEachChild(n, visit)
      }
      visit(src)
    }
    expect(long).toEqual([])
  })
})
