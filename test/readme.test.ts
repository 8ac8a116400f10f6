import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { columnsMarkdown } from '../core/result-row.ts'

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8')

describe('README', () => {
  it('has the current column table (regenerate with: npx deltabench columns)', () => {
    const m = /<!-- columns:start -->\n([\s\S]*?)\n<!-- columns:end -->/.exec(readme)
    expect(m, 'README lacks the columns markers').not.toBeNull()
    expect(m![1]!.trim()).toBe(columnsMarkdown())
  })

  it('gives the two set-up commands that CI and users run', () => {
    expect(readme).toContain('npm ci && npm run bench')
    expect(readme).toContain('npm test')
    const ci = readFileSync(new URL('../.ci/run', import.meta.url), 'utf8')
    expect(ci).toMatch(/^npm test$/m)
  })
})
