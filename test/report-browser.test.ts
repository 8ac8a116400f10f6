/**
 * The report in a real browser: Debian's chromium, headless, driven by playwright-core. The page must load
 * from file:// with no network request, draw every chart as an SVG with marks, log no error, show a tooltip
 * on hover, and keep hostile names inert. A full-page screenshot is kept in test-artifacts/.
 */
import { existsSync, mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { chromium, type BrowserContext } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { writeReport, type ReportResult } from '../analysis/report/write-report.ts'
import { HOSTILE_DIR, HOSTILE_SEED, smallRun, tmp } from './small-run.ts'
import { scratchDirs } from './scratch-dirs.ts'

// Removed when this file's tests end.
const scratchProfile = scratchDirs('deltabench-chromium-')

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
    browser = await chromium.launchPersistentContext(scratchProfile(), {
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

  it('shows the answer on the first screen in light and dark, with no console error; the selector, sort and filter work', async () => {
    for (const scheme of ['light', 'dark'] as const) {
      const page = await browser.newPage()
      await page.setViewportSize({ width: 1400, height: 900 })
      const errors: string[] = []
      page.on('console', (m) => void (m.type() === 'error' && errors.push(m.text())))
      page.on('pageerror', (e) => errors.push(`page error: ${e.message}`))
      await page.emulateMedia({ colorScheme: scheme })
      await page.goto(pathToFileURL(report.path).href)
      await page.waitForSelector('body[data-charts-rendered]', { timeout: 30_000 })
      // The answer table is visible and within the first 900 px.
      const answer = page.locator('.answer:not([hidden]) table.decision')
      const box = (await answer.boundingBox())!
      expect(box.y + box.height, `${scheme}: the answer ends below the first screen`).toBeLessThan(900)
      expect(await answer.locator('tbody tr').count()).toBe(2)
      const bg = await page.evaluate('getComputedStyle(document.body).backgroundColor')
      expect(bg).toBe(scheme === 'dark' ? 'rgb(22, 24, 28)' : 'rgb(255, 255, 255)')
      // Charts are drawn in the page's scheme and at its width.
      const chart = page.locator('.vega-embed svg.marks').first()
      expect(await chart.getAttribute('style')).toContain(scheme === 'dark' ? 'background-color: rgb(22, 24, 28)' : 'background-color: white')
      expect((await chart.boundingBox())!.width).toBeGreaterThan(1200)
      expect(errors, scheme).toEqual([])
      await page.close()
    }

    const page = await browser.newPage()
    await page.setViewportSize({ width: 800, height: 900 })
    await page.goto(pathToFileURL(report.path).href)
    await page.waitForSelector('body[data-charts-rendered]', { timeout: 30_000 })
    // Nothing is clipped at 800 px: the page does not scroll sideways, the table's own box does.
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(800)
    const box = 'document.getElementById("summary-table").parentElement'
    expect(await page.evaluate(`${box}.scrollWidth > ${box}.clientWidth && getComputedStyle(${box}).overflowX === 'auto'`)).toBe(true)
    // The selector shows one profile's answer at a time.
    await page.selectOption('#profile', 'mobile')
    expect(await page.locator('.answer:not([hidden])').getAttribute('data-profile')).toBe('mobile')
    expect(await page.locator('.answer:not([hidden])').count()).toBe(1)
    // Sorting by the estimated time puts the rows in ascending order, a second click in descending order.
    const est = async () => page.$$eval('#summary-table tbody tr', (rows) => rows.map((r) => Number(r.cells[11]!.getAttribute('data-sort'))))
    const header = page.locator('#summary-table thead th').nth(11)
    await header.click()
    const up = await est()
    expect(up).toEqual([...up].sort((a, b) => a - b))
    expect(await header.getAttribute('aria-sort')).toBe('ascending')
    await header.click()
    const down = await est()
    expect(down).toEqual([...up].reverse())
    // The filter keeps the rows holding every word.
    await page.fill('#summary-filter', 'append rsync-rolling')
    const shown = await page.$$eval('#summary-table tbody tr:not([hidden])', (rows) => rows.map((r) => `${r.cells[0]!.textContent}|${r.cells[1]!.textContent}`))
    expect(shown).toEqual(['append|rsync-rolling', 'append|rsync-rolling'])
    expect(await page.textContent('#summary-count')).toMatch(/^2 of \d+ rows$/)
    await page.close()
  })
})
