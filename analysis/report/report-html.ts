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
  charts: ReportChart[]
  libs: InlineLib[]
  version: string
  generated: string
}

const h = escapeHtml

const CSP = "default-src 'none'; script-src 'unsafe-inline' 'unsafe-eval'; style-src 'unsafe-inline'; img-src data: blob:"

const STYLE = `
body { font-family: 'DejaVu Sans', Verdana, sans-serif; margin: 0 auto; max-width: 1200px; padding: 1.5rem; color: #111; line-height: 1.45; }
h1 { margin: 0 0 .3rem; font-size: 1.6rem; }
h2 { margin: 2rem 0 .4rem; font-size: 1.25rem; border-bottom: 1px solid #ddd; padding-bottom: .2rem; }
code { font-family: 'DejaVu Sans Mono', monospace; font-size: .92em; }
nav a { margin-right: .8rem; }
.toc { font-size: .9rem; line-height: 1.8; }
.toc a { margin-right: .2rem; }
.meta { color: #333; }
.banner { padding: .8rem 1rem; border-radius: 4px; font-weight: bold; margin: 1rem 0; }
.banner.wrong { background: #d62728; color: white; }
.banner.ok { background: #e3f1e0; color: #1d5a1d; }
table { border-collapse: collapse; font-size: .85rem; margin: .5rem 0; }
th, td { border: 1px solid #ddd; padding: .25rem .5rem; text-align: left; vertical-align: top; }
th { background: #f4f4f4; }
tr.group th { background: #e9eef5; font-size: .95rem; }
td { white-space: nowrap; }
.range { color: #666; font-size: .8em; }
.swatch { display: inline-block; width: .75em; height: .75em; border-radius: 50%; margin-right: .4em; vertical-align: baseline; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
tr.wrong td { background: #fbe3e3; }
tr.wrong td.correct { background: #d62728; color: white; font-weight: bold; }
td.correct { color: #1d5a1d; }
.chart { margin: 1rem 0 2.5rem; }
.chart .files { font-size: .85rem; color: #444; }
.absent { color: #555; font-style: italic; }
.vega-embed { max-width: 100%; overflow-x: auto; }
dl { display: grid; grid-template-columns: max-content auto; gap: .2rem 1rem; }
dt { font-weight: bold; }
dd { margin: 0; }
pre { background: #f7f7f7; padding: .8rem; overflow: auto; font-size: .8rem; }
.error { color: #d62728; font-weight: bold; }
`

/** Renders each chart with vega-embed; marks the body once all are drawn (the browser test waits on it). */
const BOOT = `
(function () {
  var specs = JSON.parse(document.getElementById('specs').textContent);
  var ids = Object.keys(specs);
  var done = 0;
  function finished() {
    done++;
    if (done === ids.length) document.body.setAttribute('data-charts-rendered', String(ids.length));
  }
  if (ids.length === 0) document.body.setAttribute('data-charts-rendered', '0');
  ids.forEach(function (id) {
    var el = document.getElementById('chart-' + id);
    vegaEmbed(el, specs[id], { renderer: 'svg', actions: { export: true, source: false, compiled: false, editor: false } })
      .then(finished)
      .catch(function (err) {
        el.textContent = 'This chart failed to render: ' + err;
        el.className = 'error';
        console.error('chart ' + id + ': ' + err);
        finished();
      });
  });
})();
`

function summaryTable(lines: SummaryLine[]): string {
  const head = ['Strategy', 'Block', 'Bytes sent / sync', 'Down', 'Up', '× oracle', '× local', 'Round trips', 'Sender CPU / sync', 'Receiver CPU / sync', `Est. time / sync (${lines[0]?.estProfile ?? 'wan'})`, 'State kept', 'Byte-exact']
  const num = (c: SummaryCell, detail?: string) => `<td class="num">${h(c.value)}${c.range ? `<br><span class="range">${h(c.range)}</span>` : ''}${detail ? `<br><span class="range">${h(detail)}</span>` : ''}</td>`
  const body: string[] = []
  let workload: string | null = null
  for (const l of lines) {
    if (l.workload !== workload) {
      workload = l.workload
      body.push(`<tr class="group"><th colspan="${head.length}">${h(l.workload)}</th></tr>`)
    }
    const ok = l.wrong === 0
    const cells = [l.sent, l.down, l.up, l.vsOracle, l.vsLocal, l.roundTrips, l.senderCpu, l.receiverCpu, l.est].map((c) => num(c)).join('')
    body.push(
      `<tr${ok ? '' : ' class="wrong"'}><td><span class="swatch" style="background:${h(strategyColour(l.strategy))}"></span>${h(l.strategy)}</td><td class="num">${h(l.block)}</td>${cells}${num(l.keptState, l.stateSplit)}<td class="correct">${ok ? `✓ ${l.syncs} of ${l.syncs}` : `✗ ${l.wrong} of ${l.syncs} WRONG`}</td></tr>`,
    )
  }
  return `<table><thead><tr>${head.map((x) => `<th>${h(x)}</th>`).join('')}</tr></thead><tbody>${body.join('\n')}</tbody></table>`
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

function chartSection(c: ReportChart): string {
  const files = c.spec
    ? `<p class="files">Files: <a href="charts/${h(c.id)}.svg">SVG</a> · <a href="charts/${h(c.id)}.png">PNG</a> · <a href="charts/${h(c.id)}.vl.json">Vega-Lite spec</a> (restyle it in any Vega-Lite editor)</p>`
    : ''
  const body = c.spec ? `<div class="vega" id="chart-${h(c.id)}"></div>` : `<p class="absent">Not drawn for this run: ${h(c.absent ?? 'not applicable')}.</p>`
  return `<section class="chart" id="${h(c.id)}"><h2>${h(c.title)}</h2><p>${h(c.about)}</p>${body}${files}</section>`
}

export function reportHtml(p: ReportPage): string {
  const drawn = p.charts.filter((c) => c.spec)
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
<style>${STYLE}</style>
</head>
<body>
<header>
<h1>deltabench report</h1>
<p class="meta">Run <code>${h(p.runId)}</code>: ${h(runLine)}.</p>
<nav>Data: <a href="rows.csv">rows.csv</a> <a href="rows.jsonl">rows.jsonl</a> <a href="manifest.json">manifest.json</a> <a href="#manifest">run manifest</a></nav>
</header>
${banner}
<nav class="toc">Charts: ${p.charts.map((c) => `<a href="#${h(c.id)}">${h(c.title)}</a>`).join(' · ')} · <a href="#summary">summary table</a></nav>
<section id="summary">
<h2>Summary</h2>
${summaryIntro(p.summary)}
${summaryTable(p.summary)}
</section>
<section id="charts">
<h2>Charts</h2>
<p>Hover a mark for its numbers; click a strategy in a legend to pick it out. Each chart's menu exports it as SVG or PNG.</p>
${p.charts.map(chartSection).join('\n')}
</section>
<section id="manifest">
<h2>Run manifest</h2>
${manifestSection(m)}
</section>
<footer><p class="meta">Written by deltabench ${h(p.version)} at ${h(p.generated)}. Self-contained: ${p.libs.map((l) => `${h(l.name)} ${h(l.version)}`).join(', ')} are inlined; the page makes no network request.</p></footer>
${p.libs.map((l) => `<script>/* ${l.name} ${l.version} */\n${scriptSafe(l.source)}\n</script>`).join('\n')}
<script type="application/json" id="specs">${jsonForScript(specs)}</script>
<script>${BOOT}</script>
</body>
</html>
`
}
