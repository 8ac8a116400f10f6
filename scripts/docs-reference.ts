/**
 * `npm run docs:reference`: writes the reference pages made from the code (docs/reference/flags.md,
 * options.md, columns.md). test/docs.test.ts fails when a committed page differs from what this makes.
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { referencePages } from '../apps/cli-reference.ts'

const dir = new URL('../docs/reference/', import.meta.url)
mkdirSync(dir, { recursive: true })
for (const [name, text] of Object.entries(referencePages())) {
  writeFileSync(new URL(name, dir), text)
  process.stdout.write(`docs/reference/${name}\n`)
}
