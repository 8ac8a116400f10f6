import { spawnSync } from 'node:child_process'
import { existsSync, readFileSync, readdirSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { CHARTS } from '../analysis/charts/index.ts'
import { escapeHtml, jsonForScript } from '../analysis/report/html-escape.ts'
import { writeReport, type ReportResult } from '../analysis/report/write-report.ts'
import { HOSTILE_DIR, HOSTILE_SEED, smallRun, tmp } from './small-run.ts'

const BIN = new URL('../bin/deltabench.js', import.meta.url).pathname
const cli = (args: string[]) => spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', env: { ...process.env, CI: 'true' } })

describe('report', () => {
  let dir: string
  let report: ReportResult
  let html: string
  beforeAll(async () => {
    dir = join(tmp(), HOSTILE_DIR)
    await smallRun(dir, { seeds: ['1', HOSTILE_SEED] })
    report = await writeReport(dir)
    html = readFileSync(report.path, 'utf8')
  })

  it('writes a spec, an SVG and a PNG for every chart that applies, and says why the others do not', () => {
    const files = readdirSync(join(dir, 'charts'))
    for (const c of report.charts) for (const ext of ['.vl.json', '.svg', '.png']) expect(files).toContain(`${c.id}${ext}`)
    expect(report.charts.length + report.absent.length).toBe(CHARTS.length)
    expect(report.absent.map((a) => a.id)).toEqual(['faults'])
    // Not drawn: named with its reason, and neither linked nor given a section or files.
    expect(html).toMatch(/Not drawn for this run: Tracking faults: [^<]*\(this run has no fault rows/)
    expect(html).not.toContain('href="#faults"')
    expect(html).not.toContain('charts/faults.')
    expect(html).not.toContain('id="faults"')
    for (const c of report.charts) expect(html).toContain(`<a href="#${c.id}">`)
    const spec = JSON.parse(readFileSync(join(dir, 'charts', 'bytes-vs-block-size.vl.json'), 'utf8'))
    expect(spec.$schema).toMatch(/vega-lite\/v6/)
    expect(spec.data.values.length).toBeGreaterThan(0)
  })

  it('is one self-contained file: libraries inlined, no external script or style, a policy forbidding fetches', () => {
    expect(html).not.toMatch(/<script[^>]+src=/i)
    expect(html).not.toMatch(/<link[^>]+href=/i)
    expect(html).toContain(`<meta http-equiv="Content-Security-Policy" content="default-src &#39;none&#39;`)
    for (const lib of ['vega', 'vega-lite', 'vega-embed']) expect(html).toMatch(new RegExp(`<script>/\\* ${lib} \\d+\\.\\d+\\.\\d+ \\*/`))
    expect(html).toContain('<a href="rows.csv">rows.csv</a>')
    expect(html).toContain('Run manifest')
  })

  it('escapes names from the user: no raw tag or script end reaches the page', () => {
    expect(html).not.toContain(HOSTILE_SEED)
    expect(html).not.toContain('<img src=x')
    expect(html).not.toContain('</script><script>window.pwned')
    expect(html).toContain(escapeHtml(HOSTILE_DIR))
    expect(html).toContain(escapeHtml(HOSTILE_SEED))
    // Exactly our own script elements close: the three libraries, the specs, the dark chart theme and the page script.
    expect(html.match(/<\/script>/g)).toHaveLength(6)
    // The specs' JSON reads back to the original strings.
    const json = /<script type="application\/json" id="specs">(.*?)<\/script>/s.exec(html)![1]!
    expect(JSON.stringify(JSON.parse(json))).toContain(JSON.stringify(HOSTILE_SEED).slice(1, -1))
    expect(jsonForScript('</script>\u2028')).toBe('"\\u003c/script\\u003e\\u2028"')
  })

  it('shows the summary per workload with every replica counted', () => {
    const syncs = readFileSync(join(dir, 'rows.jsonl'), 'utf8').trim().split('\n').length
    expect(html).toContain(`All ${syncs} syncs left a byte-exact replica.`)
    expect(html).toMatch(/<tr><td>random-overwrite<\/td><td><span class="swatch"/)
    expect(html).toMatch(/✓ 4 of 4/)
  })

  it('opens with the answer: a profile selector, one answer table per profile, each workload with winner, runner-up and margin', () => {
    const select = /<select id="profile">(.*?)<\/select>/s.exec(html)![1]!
    const names = [...select.matchAll(/<option value="([^"]+)"/g)].map((m) => m[1])
    expect(names).toEqual(['wan', 'lan', 'mobile', 'cross-region']) // the run's own profile first, selected
    expect(select).toContain('<option value="wan" selected>wan: 100 Mbit/s each way, 40 ms RTT</option>')
    for (const p of names) {
      const answer = new RegExp(`<div class="answer" data-profile="${p}"${p === 'wan' ? '' : ' hidden'}>(.*?)</table>`, 's').exec(html)![1]!
      for (const w of ['random-overwrite', 'append']) expect(answer).toContain(`<th scope="row">${w}</th>`)
      expect(answer).toMatch(/winner is faster|indistinguishable/)
    }
    expect(html.indexOf('id="decision"')).toBeLessThan(html.indexOf('id="summary"'))
    expect(html).toContain('as tune --align')
  })

  it('has a sortable, filterable summary in its own scrolling box, a dark theme, and the command that reproduces the run', async () => {
    expect(html).toMatch(/<input id="summary-filter" type="search"/)
    expect(html).toMatch(/<div class="scroll tall"><table id="summary-table"><thead>/)
    expect(html).toMatch(/<td class="num" data-sort="\d+(\.\d+)?">/)
    expect(html).toContain("heads[i].addEventListener('click'")
    expect(html).toMatch(/thead th \{[^}]*position: sticky/)
    expect(html).toMatch(/@media \(prefers-color-scheme: dark\) \{\s*:root \{ --bg: #16181c/)
    // The dark chart theme: guide colours, and the black and slate marks (oracle, floor) drawn light instead.
    const dark = JSON.parse(/<script type="application\/json" id="dark-config">(.*?)<\/script>/s.exec(html)![1]!)
    expect(dark.config.background).toBe('#16181c')
    expect(dark.marks['#000000']).toBe('#f2f2f2')
    expect(dark.marks['#2f4858']).toMatch(/^#[9a-f]/)
    const { reproduceCommands } = await import('../analysis/report/reproduce.ts')
    const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'))
    const cmd = reproduceCommands(manifest, resolve(dir))
    expect(cmd.fromManifest).toContain(" --from '")
    expect(html).toContain(`<code class="cmd" id="reproduce-from">${escapeHtml(cmd.fromManifest)}</code>`)
  })

  it('is written by deltabench report, which prints its path, and refuses a directory that is not a run', () => {
    const r = cli(['report', dir])
    expect(r.status, r.stderr).toBe(0)
    expect(r.stdout).toContain(`report: ${report.path}`)
    const bad = cli(['report', join(tmp(), 'nothing-here')])
    expect(bad.status).toBe(2)
    expect(bad.stderr).toMatch(/report: .* is not a directory/)
    const empty = cli(['report', tmp()])
    expect(empty.status).toBe(2)
    expect(empty.stderr).toMatch(/has no rows.jsonl/)
  })

  it('is written at the end of deltabench run unless --no-report', () => {
    const base = tmp()
    const args = ['run', '--strategies', 'fixed-block-compare', '--workloads', 'append', '--block-sizes', '4KiB', '--size', '64KiB', '--epochs', '1', '--seeds', '1', '--no-progress']
    const off = cli([...args, '--out', join(base, 'off'), '--no-report'])
    expect(off.status, off.stderr).toBe(0)
    expect(existsSync(join(base, 'off', 'report.html'))).toBe(false)
    expect(off.stdout).not.toContain('report:')
    const on = cli([...args, '--out', join(base, 'on')])
    expect(on.status, on.stderr).toBe(0)
    expect(on.stdout).toMatch(new RegExp(`report: ${join(base, 'on', 'report.html').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} \\(\\d+ charts`))
    expect(existsSync(join(base, 'on', 'report.html'))).toBe(true)
    // The command as typed, from the manifest's argv, ready to paste.
    const page = readFileSync(join(base, 'on', 'report.html'), 'utf8')
    expect(page).toContain(`<code class="cmd" id="reproduce-argv">cd ${process.cwd()} &amp;&amp; npx deltabench ${[...args, '--out', join(base, 'on')].join(' ')}</code>`)
  })
})
