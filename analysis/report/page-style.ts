/**
 * report.html's stylesheet: colours as CSS variables, swapped by `prefers-color-scheme: dark`; wide tables
 * scroll sideways in their own box with a sticky header, so nothing is clipped in an 800 px window.
 */
export const PAGE_STYLE = `
:root { color-scheme: light dark; --bg: #ffffff; --fg: #111111; --muted: #555555; --rule: #dddddd; --head: #f2f3f5; --group: #e9eef5; --code: #f5f5f5;
  --ok-bg: #e3f1e0; --ok-fg: #1d5a1d; --bad: #d62728; --bad-bg: #fbe3e3; --link: #0b57b0; --tie: #8a5a00; }
@media (prefers-color-scheme: dark) {
  :root { --bg: #16181c; --fg: #e6e6e6; --muted: #a4a9b1; --rule: #3a3f47; --head: #23272e; --group: #262c36; --code: #20242a;
    --ok-bg: #1d3320; --ok-fg: #a8dca8; --bad: #ff6b6b; --bad-bg: #3d1f22; --link: #8ab4f8; --tie: #f0c36b; }
}
body { font-family: 'DejaVu Sans', Verdana, sans-serif; margin: 0 auto; max-width: 1400px; padding: 1.2rem 1.5rem; background: var(--bg); color: var(--fg); line-height: 1.45; }
a { color: var(--link); }
h1 { margin: 0 0 .3rem; font-size: 1.6rem; }
h2 { margin: 1.6rem 0 .4rem; font-size: 1.25rem; border-bottom: 1px solid var(--rule); padding-bottom: .2rem; }
code, pre, .cmd { font-family: 'DejaVu Sans Mono', monospace; font-size: .88em; }
nav a { margin-right: .8rem; }
.toc { font-size: .9rem; line-height: 1.8; }
.toc a { margin-right: 0; }
table.decision td { white-space: normal; min-width: 6em; }
table.decision td.num { white-space: nowrap; }
.who { white-space: nowrap; }
.meta, .how, .aggregation { color: var(--muted); }
.how { font-size: .85rem; margin: .3rem 0; }
.banner { padding: .6rem 1rem; border-radius: 4px; font-weight: bold; margin: .8rem 0; }
.banner.wrong { background: var(--bad); color: white; }
.banner.ok { background: var(--ok-bg); color: var(--ok-fg); }
.scroll { max-width: 100%; overflow-x: auto; border: 1px solid var(--rule); }
.scroll.tall { max-height: 70vh; overflow-y: auto; }
table { border-collapse: collapse; font-size: .85rem; width: 100%; }
th, td { border: 1px solid var(--rule); padding: .25rem .5rem; text-align: left; vertical-align: top; }
thead th { background: var(--head); position: sticky; top: 0; z-index: 1; }
tbody th { background: var(--group); white-space: nowrap; }
td { white-space: nowrap; }
th.sortable { cursor: pointer; user-select: none; }
th.sortable::after { content: ' ↕'; color: var(--muted); }
th[aria-sort=ascending]::after { content: ' ▲'; color: var(--fg); }
th[aria-sort=descending]::after { content: ' ▼'; color: var(--fg); }
.range { color: var(--muted); font-size: .8em; }
.swatch { display: inline-block; width: .75em; height: .75em; border-radius: 50%; margin-right: .4em; vertical-align: baseline; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
tr.wrong td { background: var(--bad-bg); }
tr.wrong td.correct { background: var(--bad); color: white; font-weight: bold; }
td.correct { color: var(--ok-fg); }
.win { color: var(--ok-fg); font-weight: bold; }
.tie { color: var(--tie); font-weight: bold; }
.question { font-size: 1rem; }
select, input { font: inherit; background: var(--bg); color: var(--fg); border: 1px solid var(--rule); border-radius: 3px; padding: .15rem .3rem; }
.filter { margin: .4rem 0; }
.cmd { background: var(--code); padding: .5rem .7rem; overflow-x: auto; white-space: pre; display: block; }
.chart { margin: 1rem 0 2rem; }
.chart .files { font-size: .85rem; color: var(--muted); }
.absent { color: var(--muted); font-style: italic; }
.vega { width: 100%; }
.vega-embed { width: 100%; }
.vega-embed svg { width: 100%; height: auto; }
dl { display: grid; grid-template-columns: max-content auto; gap: .2rem 1rem; }
dt { font-weight: bold; }
dd { margin: 0; overflow-wrap: anywhere; }
pre { background: var(--code); padding: .8rem; overflow: auto; font-size: .8rem; }
.error { color: var(--bad); font-weight: bold; }
`
