/**
 * `npm run docs:screenshots`: makes a small real run (`deltabench run`, so its manifest records the command
 * line), opens its report.html in Debian's Chromium (headless, through playwright-core) at 1400×900 in the
 * light and the dark colour scheme, and writes the first screen of each to docs/report-light.png and
 * docs/report-dark.png. The run lives in a temp folder of its own, removed on success, error and Ctrl-C.
 *
 *   npm run docs:screenshots                 # writes docs/report-light.png and docs/report-dark.png
 *   npm run docs:screenshots -- --out DIR    # elsewhere (DIR must exist)
 *   npm run docs:screenshots -- --run R      # of an existing run R instead (its report is written again first)
 */
import { existsSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { chromium } from 'playwright-core'
import { writeReport } from '../analysis/report/write-report.ts'
import { main } from '../apps/cli.ts'
import { ConfigError } from '../core/errors.ts'
import { makeTempDir, removeTempDir } from '../core/temp-dir.ts'

const CHROMIUM = '/usr/bin/chromium'
const VIEWPORT = { width: 1400, height: 900 }
/** Four strategies that differ in kind (block compare, tracker, rolling, a real tool), two workloads, three seeds: a first screen with real margins. */
const RUN = ['--strategies', 'fixed-block-compare,changed-block-bitmap,rsync-rolling,xdelta3', '--workloads', 'random-overwrite,append', '--block-sizes', '1KiB,4KiB,16KiB', '--seeds', '1,2,3', '--size', '1MiB', '--epochs', '2']

/** An existing folder named by --<name> (or the fallback); a ConfigError before anything runs otherwise. */
function folderFlag(name: string, fallback: string | undefined): string | undefined {
  const i = process.argv.indexOf(`--${name}`)
  const dir = i < 0 ? fallback : process.argv[i + 1]
  if (i >= 0 && (!dir || !existsSync(dir) || !statSync(dir).isDirectory())) throw new ConfigError(`docs:screenshots: --${name} ${dir ?? '(none)'} is not an existing folder`)
  return dir
}

async function shoot(reportPath: string, out: string): Promise<void> {
  const profile = makeTempDir('chromium')
  const browser = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run', '--disable-component-update', '--disable-sync'],
    viewport: VIEWPORT,
  })
  try {
    const page = await browser.newPage()
    const errors: string[] = []
    page.on('console', (m) => void (m.type() === 'error' && errors.push(m.text())))
    page.on('pageerror', (e) => errors.push(e.message))
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme })
      await page.goto(pathToFileURL(reportPath).href)
      await page.waitForSelector('body[data-charts-rendered]', { timeout: 60_000 })
      const file = join(out, `report-${scheme}.png`)
      await page.screenshot({ path: file })
      console.log(`docs:screenshots: wrote ${file}`)
    }
    if (errors.length) throw new Error(`docs:screenshots: the page logged errors: ${errors.join('; ')}`)
  } finally {
    await browser.close()
    removeTempDir(profile)
  }
}

async function run(): Promise<number> {
  if (!existsSync(CHROMIUM)) throw new ConfigError(`docs:screenshots: ${CHROMIUM} is absent; install it with: apt-get install chromium`)
  const out = folderFlag('out', new URL('../docs/', import.meta.url).pathname)!
  const existing = folderFlag('run', undefined)
  if (existing) {
    await shoot((await writeReport(existing)).path, out)
    return 0
  }
  const work = makeTempDir('screenshots')
  try {
    const runDir = join(work, 'report-example')
    const code = await main(['run', ...RUN, '--out', runDir])
    if (code !== 0) return code
    await shoot(join(runDir, 'report.html'), out)
    return 0
  } finally {
    removeTempDir(work)
  }
}

run().then(
  (code) => process.exit(code),
  (err: Error) => {
    console.error(err instanceof ConfigError ? err.message : err)
    process.exit(err instanceof ConfigError ? 2 : 1)
  },
)
