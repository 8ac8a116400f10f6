import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { Command } from 'commander'
import { flagsMarkdown, referencePages } from '../apps/cli-reference.ts'

describe('docs/reference (generated from the code)', () => {
  it('is what `npm run docs:reference` makes from the current code', () => {
    for (const [name, text] of Object.entries(referencePages())) {
      const committed = readFileSync(new URL(`../docs/reference/${name}`, import.meta.url), 'utf8')
      expect(committed, `docs/reference/${name} is stale: run npm run docs:reference`).toBe(text)
    }
  })

  it('lists every flag of every command, so a new flag changes the page', () => {
    const root = new Command('x')
    root.command('go').description('does it').option('--fast', 'go fast').option('--size <n>', 'how big', '4')
    const md = flagsMarkdown(root)
    expect(md).toContain('## `x go`')
    expect(md).toContain('| `--fast` | go fast |')
    expect(md).toContain('| `--size <n>` | how big | `"4"` |')
    const pages = referencePages()
    expect(pages['flags.md']).toContain('`--floor <level>`')
    expect(pages['options.md']).toContain('### `rsync-rolling`')
    expect(pages['columns.md']).toContain('| `bytes_total` |')
  })
})
