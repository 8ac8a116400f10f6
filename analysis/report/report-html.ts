/**
 * report.html: one self-contained page. Vega, Vega-Lite and vega-embed are inlined, the charts' specs sit
 * in a JSON script element, and a Content-Security-Policy forbids every fetch, so the page works from a
 * file, offline, and provably asks the network for nothing. Every user-supplied string is escaped.
 */
import type { TopLevelSpec } from 'vega-lite'
import type { Manifest } from '../../core/run-files.ts'
import { blockLabel } from '../charts/format.ts'
import { strategyColour } from '../charts/palette.ts'
import { formatBytes } from '../../core/units.ts'
import { escapeHtml, jsonForScript, scriptSafe } from './html-escape.ts'
import type { InlineLib } from './inline-libs.ts'
import type { SummaryCell, SummaryLine } from './summary-rows.ts'
import { aggregationSentence } from '../../core/aggregation.ts'
import { ANY_BLOCK } from '../cell-figures.ts'
import { KEPT_STATE_WORDS } from '../kept-state.ts'
import type { NetworkProfile } from '../../core/network-profile.ts'
import type { Decision } from './decision.ts'
import { decisionSection } from './decision-html.ts'
import { DARK_CHART_CONFIG, DARK_MARK_COLOURS, PAGE_SCRIPT } from './page-script.ts'
import { PAGE_STYLE } from './page-style.ts'
import type { Reproduce } from './reproduce.ts'

export interface ReportChart {
  id: string
  title: string
  about: string
  /** The spec to embed, or why the chart is not drawn for this run. */
  spec: TopLevelSpec | null
  absent?: string
}

export interface ReportPage {
  runId: string
  manifest: Manifest | null
  rowCount: number
  wrongCount: number
  summary: SummaryLine[]
  /** The first screen: per profile and workload, the answer (decision.ts); the first profile is shown first. */
  decisions: Decision[]
  profiles: NetworkProfile[]
  /** The commands that make this run again; null without a manifest. */
  reproduce: Reproduce | null
  charts: ReportChart[]
  libs: InlineLib[]
  version: string
  generated: string
}

const h = escapeHtml

const CSP = "default-src 'none'; script-src 'unsafe-inline' 'unsafe-eval'; style-src 'unsafe-inline'; img-src data: blob:"

/** One row per cell, the workload a column of its own so any column can sort the whole table (page-script.ts). */
function summaryTable(lines: SummaryLine[]): string {
  const head = ['Workload', 'Strategy', 'Block', 'Bytes sent / sync', 'Down', 'Up', '× oracle', '× local', 'Round trips', 'Sender CPU / sync', 'Receiver CPU / sync', `Est. time / sync (${lines[0]?.estProfile ?? 'wan'})`, 'State kept', 'Byte-exact']
  const num = (c: SummaryCell, detail?: string) =>
    `<td class="num" data-sort="${c.sort ?? ''}">${h(c.value)}${c.range ? `<br><span class="range">${h(c.range)}</span>` : ''}${detail ? `<br><span class="range">${h(detail)}</span>` : ''}</td>`
  const body = lines.map((l) => {
    const ok = l.wrong === 0
    const cells = [l.sent, l.down, l.up, l.vsOracle, l.vsLocal, l.roundTrips, l.senderCpu, l.receiverCpu, l.est].map((c) => num(c)).join('')
    return `<tr${ok ? '' : ' class="wrong"'}><td>${h(l.workload)}</td><td><span class="swatch" style="background:${h(strategyColour(l.strategy))}"></span>${h(l.strategy)}</td><td class="num" data-sort="${l.blockSize ?? ''}">${h(l.block)}</td>${cells}${num(l.keptState, l.stateSplit)}<td class="correct" data-sort="${l.wrong}">${ok ? `✓ ${l.syncs} of ${l.syncs}` : `✗ ${l.wrong} of ${l.syncs} WRONG`}</td></tr>`
  })
  const filter = `<p class="filter"><label for="summary-filter">Filter</label> <input id="summary-filter" type="search" placeholder="e.g. append rsync" size="30"> <span id="summary-count" class="range">${lines.length} rows</span> <span class="range">· click a header to sort</span></p>`
  return `${filter}<div class="scroll tall"><table id="summary-table"><thead><tr>${head.map((x) => `<th scope="col">${h(x)}</th>`).join('')}</tr></thead><tbody>${body.join('\n')}</tbody></table></div>`
}

/** The words above the table: the aggregation sentence, then what the columns that are not obvious count. */
function summaryIntro(lines: SummaryLine[]): string {
  const words = [
    `${aggregationSentence()} The grey line under a number is its min – max over seeds, when they differ.`,
    `Bytes are both directions, framing included; “× oracle” is bytes sent over the new bytes the edits wrote, “× local” over the best local delta of the same versions (- where the run has none); “State kept” is every byte of ${KEPT_STATE_WORDS}, split by kind under it.`,
  ]
  if (lines.some((l) => l.block === ANY_BLOCK)) words.push(`Block “${ANY_BLOCK}”: the strategy ignores the block size, ran once per workload and seed, and its line stands for every block size of the sweep.`)
  return words.map((w) => `<p class="aggregation">${h(w)}</p>`).join('\n')
}

function manifestSection(m: Manifest | null): string {
  if (!m) return '<p class="absent">This run directory has no manifest.json.</p>'
  const c = m.config
  const items: [string, string][] = [
    ['Status', `${m.status}; ${m.cells.done} of ${m.cells.total} cells done`],
    ['Started / finished', `${m.started} / ${m.finished ?? '–'}`],
    ['deltabench', `${m.version}, git ${m.git.commit ?? 'unknown'}${m.git.dirty ? ' (uncommitted changes)' : ''}`],
    ['Node / V8', `${m.node} / ${m.v8}`],
    ['Machine', `${m.cpu.model}, ${m.cpu.cores} cores, ${formatBytes(m.memoryBytes)} memory, ${m.os.platform} ${m.os.release} ${m.os.arch}`],
    ['Volume', `${formatBytes(c.size)} of ${c.content} content, ${c.epochs} epoch${c.epochs === 1 ? '' : 's'}`],
    ['Seeds', c.seeds.join(', ')],
    ['Block sizes', c.blockSizes.map(blockLabel).join(', ')],
    ['Strategies', c.strategies.map((s) => `${s.name} ${JSON.stringify(s.options)}`).join('\n')],
    ['Workloads', c.workloads.map((w) => `${w.name} ${JSON.stringify(w.options)}`).join('\n')],
    ['Config hash', m.configHash],
  ]
  if (m.cells.skipped.length) items.push(['Skipped', m.cells.skipped.map((s) => `${s.strategy} on ${s.workload}: ${s.reason}`).join('\n')])
  const dl = items.map(([k, v]) => `<dt>${h(k)}</dt><dd>${v.split('\n').map(h).join('<br>')}</dd>`).join('\n')
  return `<dl>${dl}</dl>\n<details><summary>manifest.json in full</summary><pre>${h(JSON.stringify(m, null, 2))}</pre></details>`
}

function reproduceSection(r: Reproduce | null): string {
  if (!r) return '<p class="absent">This run directory has no manifest.json, so the command that made it is unknown.</p>'
  const typed = r.asTyped
    ? `<p>As it was typed (same working directory):</p><code class="cmd" id="reproduce-argv">${h(r.asTyped)}</code>`
    : '<p class="absent">The run was made by a library caller, with no command line.</p>'
  return `${typed}<p>Or from the manifest, which re-resolves the recorded config, checks its hash, and names every version that differs:</p><code class="cmd" id="reproduce-from">${h(r.fromManifest)}</code>`
}

function chartSection(c: ReportChart): string {
  const files = c.spec
    ? `<p class="files">Files: <a href="charts/${h(c.id)}.svg">SVG</a> · <a href="charts/${h(c.id)}.png">PNG</a> · <a href="charts/${h(c.id)}.vl.json">Vega-Lite spec</a> (restyle it in any Vega-Lite editor)</p>`
    : ''
  const body = c.spec ? `<div class="vega" id="chart-${h(c.id)}"></div>` : `<p class="absent">Not drawn for this run: ${h(c.absent ?? 'not applicable')}.</p>`
  return `<section class="chart" id="${h(c.id)}"><h2>${h(c.title)}</h2><p>${h(c.about)}</p>${body}${files}</section>`
}

export function reportHtml(p: ReportPage): string {
  const drawn = p.charts.filter((c) => c.spec)
  const notDrawn = p.charts.filter((c) => !c.spec)
  const specs: Record<string, TopLevelSpec> = {}
  for (const c of drawn) specs[c.id] = c.spec!
  const banner =
    p.wrongCount > 0
      ? `<div class="banner wrong">${p.wrongCount} of ${p.rowCount} syncs left a WRONG replica: see the red rows below and the correctness chart.</div>`
      : `<div class="banner ok">All ${p.rowCount} syncs left a byte-exact replica.</div>`
  const m = p.manifest
  const runLine = m ? `${m.config.strategies.length} strategies × ${m.config.workloads.length} workloads × ${m.config.blockSizes.length} block sizes × ${m.config.seeds.length} seeds; ${p.rowCount} syncs` : `${p.rowCount} syncs`
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="${h(CSP)}">
<title>deltabench report: ${h(p.runId)}</title>
<style>${PAGE_STYLE}</style>
</head>
<body>
<header>
<h1>deltabench report</h1>
<p class="meta">Run <code>${h(p.runId)}</code>: ${h(runLine)}.</p>
<nav>Data: <a href="rows.csv">rows.csv</a> <a href="rows.jsonl">rows.jsonl</a> <a href="manifest.json">manifest.json</a> <a href="#manifest">run manifest</a></nav>
</header>
${banner}
${decisionSection(p.decisions, p.profiles)}
<nav class="toc">Evidence: <a href="#summary">summary table</a> · ${drawn.map((c) => `<a href="#${h(c.id)}">${h(c.title)}</a>`).join(' · ')} · <a href="#reproduce">reproduce</a>${notDrawn.length ? `<br><span class="range">Not drawn for this run: ${notDrawn.map((c) => `${h(c.title)} (${h(c.absent ?? 'not applicable')})`).join('; ')}.</span>` : ''}</nav>
<section id="summary">
<h2>Summary</h2>
${summaryIntro(p.summary)}
${summaryTable(p.summary)}
</section>
<section id="charts">
<h2>Charts</h2>
<p>Hover a mark for its numbers; click a strategy in a legend to pick it out. Each chart's menu exports it as SVG or PNG.</p>
${drawn.map(chartSection).join('\n')}
</section>
<section id="reproduce">
<h2>Reproduce this run</h2>
${reproduceSection(p.reproduce)}
</section>
<section id="manifest">
<h2>Run manifest</h2>
${manifestSection(m)}
</section>
<footer><p class="meta">Written by deltabench ${h(p.version)} at ${h(p.generated)}. Self-contained: ${p.libs.map((l) => `${h(l.name)} ${h(l.version)}`).join(', ')} are inlined; the page makes no network request.</p></footer>
${p.libs.map((l) => `<script>/* ${l.name} ${l.version} */\n${scriptSafe(l.source)}\n</script>`).join('\n')}
<script type="application/json" id="specs">${jsonForScript(specs)}</script>
<script type="application/json" id="dark-config">${jsonForScript({ config: DARK_CHART_CONFIG, marks: DARK_MARK_COLOURS })}</script>
<script>${PAGE_SCRIPT}</script>
</body>
</html>
`
}
