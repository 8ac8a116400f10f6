import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { describe, expect, it } from 'vitest'

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8')
const layoutPage = readFileSync(new URL('../docs/layout.md', import.meta.url), 'utf8')
/** The README and every page under docs/ (the reference the README links to). */
const docs = [readme, ...readdirSync(new URL('../docs/', import.meta.url), { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.md')).map((f) => readFileSync(new URL(`../docs/${f}`, import.meta.url), 'utf8'))]
const contributing = readFileSync(new URL('../CONTRIBUTING.md', import.meta.url), 'utf8')
const ROOT = new URL('..', import.meta.url)
const SOURCE_ROOTS = ['core', 'strategies', 'workloads', 'harness', 'analysis', 'apps', 'notebooks', 'bench', 'scripts', 'test', 'bin']

/** Paths into the repository that a document names in backticks (`harness/run-cell.ts`, `strategies/tracking/`). */
function namedPaths(doc: string): string[] {
  const out: string[] = []
  for (const m of doc.matchAll(/`((?:[a-z]+)\/[A-Za-z0-9_./-]*)`/g)) if (SOURCE_ROOTS.includes(m[1]!.split('/')[0]!)) out.push(m[1]!)
  return out
}

/** Folders under the source roots that hold code. */
function codeFolders(dir: string): string[] {
  const here = readdirSync(new URL(dir + '/', ROOT), { withFileTypes: true })
  const sub = here.filter((d) => d.isDirectory()).flatMap((d) => codeFolders(`${dir}/${d.name}`))
  return here.some((d) => d.isFile() && /\.(ts|js)$/.test(d.name)) ? [dir, ...sub] : sub
}

describe('README and docs/', () => {
  it('is a front page that links to the reference pages', () => {
    expect(readme.split('\n').length).toBeLessThan(150)
    for (const page of ['docs/running.md', 'docs/reference/flags.md', 'docs/reference/columns.md', 'docs/layout.md', 'docs/report-light.png']) expect(readme).toContain(`](${page}`)
  })

  it('gives the two set-up commands that CI and users run', () => {
    expect(readme).toContain('npm ci && npm run bench')
    expect(readme).toContain('npm test')
    const ci = readFileSync(new URL('../.ci/run', import.meta.url), 'utf8')
    expect(ci).toMatch(/^npm test$/m)
  })

  it('names only files and folders that exist (no stale paths after a move)', () => {
    const paths = [...docs.flatMap(namedPaths), ...namedPaths(contributing)]
    expect(paths.length).toBeGreaterThan(20)
    const missing = paths.filter((p) => !existsSync(new URL(p, ROOT)))
    expect(missing).toEqual([])
  })

  it('maps every folder that holds code in docs/layout.md', () => {
    const layout = layoutPage
    expect(layout.length).toBeGreaterThan(200)
    const folders = SOURCE_ROOTS.filter((r) => existsSync(new URL(r, ROOT)) && statSync(new URL(r, ROOT)).isDirectory()).flatMap(codeFolders)
    expect(folders).toContain('strategies/rolling')
    // A nested folder is written indented under its parent, by its own name: `  shared/`.
    const unmapped = folders.filter((f) => !layout.includes(`${f}/`) && !new RegExp(`^ +${f.split('/').pop()}/`, 'm').test(layout))
    expect(unmapped).toEqual([])
  })
})
