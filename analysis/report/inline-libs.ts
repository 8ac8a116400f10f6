/**
 * The browser builds of vega, vega-lite and vega-embed, read from node_modules so report.html can carry
 * them inline and needs no network. Package exports hide the builds' paths, so each is found beside the
 * package's resolved entry point (build/).
 */
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'

const require = createRequire(import.meta.url)

export interface InlineLib {
  name: string
  version: string
  source: string
}

function lib(name: string, file: string): InlineLib {
  const buildDir = dirname(require.resolve(name))
  const pkg = JSON.parse(readFileSync(join(buildDir, '..', 'package.json'), 'utf8')) as { version: string }
  return { name, version: pkg.version, source: readFileSync(join(buildDir, file), 'utf8') }
}

let cached: InlineLib[] | undefined

/** In load order: vega-lite needs vega, vega-embed needs both. */
export function inlineLibs(): InlineLib[] {
  cached ??= [lib('vega', 'vega.min.js'), lib('vega-lite', 'vega-lite.min.js'), lib('vega-embed', 'vega-embed.min.js')]
  return cached
}
