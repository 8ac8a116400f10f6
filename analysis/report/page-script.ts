/**
 * report.html's one inline script (plain ES5, no library besides vega-embed): draws the charts in the
 * page's colour scheme, switches the first screen's profile, and sorts and filters the summary table.
 * The body gets data-charts-rendered once every chart is drawn (the browser test and screenshots wait on it).
 */
import { FLOOR_COLOUR, ORACLE_COLOUR } from '../charts/palette.ts'

/**
 * Literal colours the chart specs give their marks (the oracle, the floor, the Pareto front: black and dark
 * slate, which vanish on a dark background), and what the dark scheme draws them in instead.
 */
export const DARK_MARK_COLOURS: Record<string, string> = { [ORACLE_COLOUR]: '#f2f2f2', '#000': '#f2f2f2', black: '#f2f2f2', [FLOOR_COLOUR]: '#9fc3d6' }

/** Chart colours for the dark scheme, laid over each spec's own config (which sets the light ones). */
export const DARK_CHART_CONFIG = {
  background: '#16181c',
  title: { color: '#e6e6e6', subtitleColor: '#c4c8ce' },
  axis: { labelColor: '#d0d3d8', titleColor: '#e6e6e6', gridColor: '#343a42', domainColor: '#8a9099', tickColor: '#8a9099' },
  legend: { labelColor: '#d0d3d8', titleColor: '#e6e6e6' },
  header: { labelColor: '#e6e6e6', titleColor: '#e6e6e6' },
  view: { stroke: '#4a5059' },
  text: { color: '#e6e6e6' },
  style: { 'guide-label': { fill: '#d0d3d8' }, 'guide-title': { fill: '#e6e6e6' }, 'group-title': { fill: '#e6e6e6' }, 'group-subtitle': { fill: '#c4c8ce' } },
}

export const PAGE_SCRIPT = `
(function () {
  var specs = JSON.parse(document.getElementById('specs').textContent);
  var darkTheme = JSON.parse(document.getElementById('dark-config').textContent);
  var dark = darkTheme.config, swaps = darkTheme.marks;
  // Mark colours written into a spec are swapped wherever they appear (color, stroke, fill, a condition's value).
  function swapped(v) {
    if (typeof v === 'string') return Object.prototype.hasOwnProperty.call(swaps, v) ? swaps[v] : v;
    if (Array.isArray(v)) return v.map(swapped);
    if (v && typeof v === 'object') { var o = {}; for (var k in v) o[k] = k === 'data' ? v[k] : swapped(v[k]); return o; }
    return v;
  }
  var ids = Object.keys(specs);
  var scheme = window.matchMedia ? window.matchMedia('(prefers-color-scheme: dark)') : null;
  function merge(a, b) {
    var out = {}, k;
    for (k in a) out[k] = a[k];
    for (k in b) out[k] = (a && typeof a[k] === 'object' && typeof b[k] === 'object' && !Array.isArray(b[k])) ? merge(a[k], b[k]) : b[k];
    return out;
  }
  function themed(spec) {
    if (!(scheme && scheme.matches)) return spec;
    var s = swapped(spec);
    s.config = merge(spec.config || {}, dark);
    return s;
  }
  function draw() {
    var done = 0;
    document.body.removeAttribute('data-charts-rendered');
    function finished() {
      done++;
      if (done === ids.length) document.body.setAttribute('data-charts-rendered', String(ids.length));
    }
    if (ids.length === 0) document.body.setAttribute('data-charts-rendered', '0');
    ids.forEach(function (id) {
      var el = document.getElementById('chart-' + id);
      vegaEmbed(el, themed(specs[id]), { renderer: 'svg', actions: { export: true, source: false, compiled: false, editor: false } })
        .then(finished)
        .catch(function (err) {
          el.textContent = 'This chart failed to render: ' + err;
          el.className = 'error';
          console.error('chart ' + id + ': ' + err);
          finished();
        });
    });
  }
  draw();
  // The scheme can change while the page is open (a system switching at dusk): redraw in the new colours.
  if (scheme && scheme.addEventListener) scheme.addEventListener('change', draw);

  var select = document.getElementById('profile');
  if (select) select.addEventListener('change', function () {
    var answers = document.querySelectorAll('.answer');
    for (var i = 0; i < answers.length; i++) answers[i].hidden = answers[i].getAttribute('data-profile') !== select.value;
  });

  var table = document.getElementById('summary-table');
  if (!table) return;
  var body = table.tBodies[0];
  var heads = table.tHead.rows[0].cells;
  // A cell sorts by its data-sort number when it has one (a median), else by its text; '-' goes last either way.
  function key(row, i) {
    var c = row.cells[i];
    var n = c.getAttribute('data-sort');
    return n === null ? c.textContent.toLowerCase() : (n === '' ? null : Number(n));
  }
  function sortBy(i) {
    var th = heads[i];
    var dir = th.getAttribute('aria-sort') === 'ascending' ? 'descending' : 'ascending';
    for (var j = 0; j < heads.length; j++) heads[j].removeAttribute('aria-sort');
    th.setAttribute('aria-sort', dir);
    var rows = Array.prototype.slice.call(body.rows);
    var sign = dir === 'ascending' ? 1 : -1;
    rows.sort(function (a, b) {
      var x = key(a, i), y = key(b, i);
      if (x === null || y === null) return x === y ? 0 : x === null ? 1 : -1;
      return (x < y ? -1 : x > y ? 1 : 0) * sign;
    });
    rows.forEach(function (r) { body.appendChild(r); });
  }
  for (var i = 0; i < heads.length; i++) {
    (function (i) {
      heads[i].className += ' sortable';
      heads[i].tabIndex = 0;
      heads[i].addEventListener('click', function () { sortBy(i); });
      heads[i].addEventListener('keydown', function (e) { if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); sortBy(i); } });
    })(i);
  }
  var filter = document.getElementById('summary-filter');
  filter.addEventListener('input', function () {
    var words = filter.value.toLowerCase().split(/\\s+/).filter(Boolean);
    var shown = 0;
    for (var r = 0; r < body.rows.length; r++) {
      var text = body.rows[r].textContent.toLowerCase();
      var ok = words.every(function (w) { return text.indexOf(w) >= 0; });
      body.rows[r].hidden = !ok;
      if (ok) shown++;
    }
    document.getElementById('summary-count').textContent = shown + ' of ' + body.rows.length + ' rows';
  });
})();
`
