/**
 * The report in a real browser: Debian's chromium, headless, driven by playwright-core. The page must load
 * from file:// with no network request, draw every chart as an SVG with marks, log no error, show a tooltip
 * on hover, and keep hostile names inert. A full-page screenshot is kept in test-artifacts/.
 */
import { existsSync, mkdirSync, mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { chromium, type BrowserContext } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { writeReport, type ReportResult } from '../analysis/report/write-report.ts'
import { HOSTILE_DIR, HOSTILE_SEED, smallRun, tmp } from './small-run.ts'

const CHROMIUM = '/usr/bin/chromium'
const ARTIFACTS = new URL('../test-artifacts/', import.meta.url).pathname
const hasChromium = existsSync(CHROMIUM)
if (!hasChromium) console.warn(`report-browser: SKIPPED, ${CHROMIUM} is absent; install it with: apt-get install chromium`)

describe.skipIf(!hasChromium)('report in headless chromium', () => {
  let browser: BrowserContext
  let report: ReportResult
  beforeAll(async () => {
    const dir = join(tmp(), HOSTILE_DIR)
    await smallRun(dir, { seeds: ['1', HOSTILE_SEED] })
    report = await writeReport(dir, { png: false })
    // A fresh profile per run (playwright passes it as --user-data-dir); no background traffic of any kind.
    browser = await chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), 'deltabench-chromium-')), {
      executablePath: CHROMIUM,
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-quic', '--no-first-run', '--disable-component-update', '--disable-sync'],
      viewport: { width: 1280, height: 900 },
    })
  })
  afterAll(async () => {
    await browser?.close()
  })

  it('loads from file:// with no network request, draws every chart, logs no error', async () => {
    const page = await browser.newPage()
    const url = pathToFileURL(report.path).href
    const requests: string[] = []
    const errors: string[] = []
    page.on('request', (r) => requests.push(r.url()))
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') errors.push(`${m.type()}: ${m.text()}`)
    })
    page.on('pageerror', (e) => errors.push(`page error: ${e.message}`))
    await page.goto(url)
    await page.waitForSelector('body[data-charts-rendered]', { timeout: 30_000 })
    expect(await page.getAttribute('body', 'data-charts-rendered')).toBe(String(report.charts.length))

    for (const c of report.charts) {
      const marks = await page.locator(`#chart-${c.id} svg g[class*="role-mark"] > *`).count()
      expect(marks, `${c.id} drew no marks`).toBeGreaterThan(0)
    }
    expect(await page.locator('.vega .error').count()).toBe(0)

    // Hovering a point shows its numbers.
    const point = page.locator('#chart-bytes-vs-block-size g.mark-symbol.role-mark path').first()
    await point.scrollIntoViewIfNeeded()
    await point.hover({ force: true })
    await expect.poll(() => page.locator('#vg-tooltip-element').textContent(), { timeout: 5000 }).toMatch(/Bytes sent per sync.*seeds/)

    // Names from the user are text, not markup: nothing ran, no element was injected.
    expect(await page.evaluate('typeof window.pwned')).toBe('undefined')
    expect(await page.locator('img').count()).toBe(0)
    expect(await page.title()).toBe(`deltabench report: ${HOSTILE_DIR}`)

    expect(requests.filter((u) => u !== url && !u.startsWith('data:') && !u.startsWith('blob:')), 'requests other than the page itself').toEqual([])
    expect(errors).toEqual([])

    mkdirSync(ARTIFACTS, { recursive: true })
    await page.screenshot({ path: join(ARTIFACTS, 'report.png'), fullPage: true })
    expect(existsSync(join(ARTIFACTS, 'report.png'))).toBe(true)
  })
})
