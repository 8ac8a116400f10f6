import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { dirname, join, normalize } from 'node:path'
import { describe, expect, it } from 'vitest'

const ROOT = new URL('..', import.meta.url).pathname

/** README, CONTRIBUTING and every Markdown page under docs/ and the code folders' own READMEs. */
function documents(): string[] {
  const docs = existsSync(join(ROOT, 'docs')) ? readdirSync(join(ROOT, 'docs'), { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.md')).map((f) => join('docs', f)) : []
  return ['README.md', 'CONTRIBUTING.md', ...docs]
}

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens. */
export function slug(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/ /g, '-')
}

/** The anchors a Markdown text defines (headings outside code fences; a repeated heading gets -1, -2…). */
export function anchors(md: string): Set<string> {
  const out = new Set<string>()
  const seen = new Map<string, number>()
  let fenced = false
  for (const line of md.split('\n')) {
    if (/^```/.test(line)) fenced = !fenced
    const m = fenced ? null : /^#{1,6} (.*)$/.exec(line)
    if (!m) continue
    const base = slug(m[1]!)
    const n = seen.get(base) ?? 0
    seen.set(base, n + 1)
    out.add(n === 0 ? base : `${base}-${n}`)
  }
  return out
}

/** Relative links `[text](target)` outside code fences, with their targets. */
function links(md: string): string[] {
  const out: string[] = []
  let fenced = false
  for (const line of md.split('\n')) {
    if (/^```/.test(line)) fenced = !fenced
    if (fenced) continue
    for (const m of line.matchAll(/\]\(([^)\s]+)\)/g)) if (!/^[a-z]+:/.test(m[1]!)) out.push(m[1]!)
  }
  return out
}

describe('links in the documentation', () => {
  it('computes anchors the way GitHub does', () => {
    expect(slug('Provenance and `run --from`')).toBe('provenance-and-run---from')
    expect(slug("rsync's own compression, and the Pareto chart")).toBe('rsyncs-own-compression-and-the-pareto-chart')
    expect([...anchors('# A\n```\n# not\n```\n## A\n')]).toEqual(['a', 'a-1'])
  })

  it('every relative link points at a file that exists, and every #anchor at a heading in it', () => {
    const broken: string[] = []
    for (const doc of documents()) {
      const text = readFileSync(join(ROOT, doc), 'utf8')
      for (const target of links(text)) {
        const [path, anchor] = target.split('#') as [string, string | undefined]
        const file = path === '' ? doc : normalize(join(dirname(doc), decodeURIComponent(path)))
        if (!existsSync(join(ROOT, file))) {
          broken.push(`${doc}: ${target} (no file ${file})`)
          continue
        }
        if (anchor && file.endsWith('.md') && !anchors(readFileSync(join(ROOT, file), 'utf8')).has(anchor)) broken.push(`${doc}: ${target} (no heading #${anchor} in ${file})`)
      }
    }
    expect(broken).toEqual([])
  })
})
