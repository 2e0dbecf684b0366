"""One self-contained HTML file: area bars, rule breakdown, split-concept register, and a
sortable, filterable findings table.

Everything is inline (CSS, a few lines of JavaScript, no fonts or images), and a
Content-Security-Policy forbids every network fetch, so the report can be mailed or
attached to a CI run and opened anywhere. File links are relative to the project root:
they resolve when the report is written there (`-o ssot.html`).

All user content (paths, messages, concept and area names) goes through `_e`.
The page is a pure function of the run: no timestamps, no absolute paths.
"""

from __future__ import annotations

import html
import json
import re
from typing import TYPE_CHECKING, Any, Sequence
from urllib.parse import quote

from ssotcheck import __version__
from ssotcheck.areas import AreaMap
from ssotcheck.model import AreaScore, Finding, Location, Severity
from ssotcheck.report.summary import (
    NEXT_STEPS,
    REGISTER_ROWS,
    RegisterRow,
    directory_scores,
    register,
    area_rows,
    fix_available,
    format_score,
    plural,
    printable,
    rule_counts,
    stale_count,
    top_files,
    violations_phrase,
)

if TYPE_CHECKING:
    from ssotcheck.pipeline import RunResult

_SEV_RANK = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}
ROW_CAP = 500  # findings rendered as rows; the rest are embedded as JSON
PAGE = 500  # rows the script shows at once ("show more" adds as many again)
RELATED_CAP = 20  # related locations per finding in the embedded JSON
DIRECTORY_ROWS = 30  # directory rows shown before "show all"

CSP = ("default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; "
       "img-src data:; base-uri 'none'; form-action 'none'")

CSS = """
:root {
  --bg: #f6f7f9; --card: #ffffff; --ink: #1d2430; --muted: #5d6878; --line: #e2e6ec;
  --track: #e9edf2; --good: #1f9d55; --ok: #c98a00; --bad: #d64545; --accent: #2f6fde;
  --code: #f1f3f6; --row: #fafbfc;
}
@media (prefers-color-scheme: dark) {
  :root {
    --bg: #14171c; --card: #1c2027; --ink: #e6e9ee; --muted: #9aa5b4; --line: #2c323c;
    --track: #2a3039; --good: #3fbf75; --ok: #e0a92e; --bad: #f06a6a; --accent: #6ea0ff;
    --code: #242a33; --row: #1f242b;
  }
}
* { box-sizing: border-box; }
html { background: var(--bg); }
body {
  margin: 0; color: var(--ink); background: var(--bg);
  font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "DejaVu Sans",
        Arial, sans-serif;
}
main, header.top { max-width: 1160px; margin: 0 auto; padding: 0 28px; }
header.top { padding-top: 28px; }
.brand { color: var(--muted); font-size: 13px; letter-spacing: .08em; text-transform: uppercase; }
h1 { font-size: 26px; margin: 2px 0 18px; font-weight: 650; }
h1 .proj { font-family: ui-monospace, "DejaVu Sans Mono", Menlo, Consolas, monospace;
           font-size: 24px; }
h2 { font-size: 18px; margin: 0 0 12px; font-weight: 650; }
h2 .count { color: var(--muted); font-weight: 400; font-size: 15px; }
code, .mono { font-family: ui-monospace, "DejaVu Sans Mono", Menlo, Consolas, monospace;
              font-size: 13px; }
a { color: var(--accent); text-decoration: none; }
a:hover { text-decoration: underline; }
.card { background: var(--card); border: 1px solid var(--line); border-radius: 10px;
        padding: 20px 22px; margin: 0 0 22px; box-shadow: 0 1px 2px rgba(16,24,40,.04);
        overflow-x: auto; }
.hero { display: flex; gap: 28px; align-items: center; flex-wrap: wrap; }
.ring { --p: 0; --c: var(--bad); width: 148px; height: 148px; border-radius: 50%;
        background: conic-gradient(var(--c) calc(var(--p) * 1%), var(--track) 0);
        display: grid; place-items: center; flex: none; }
.ring .hole { width: 116px; height: 116px; border-radius: 50%; background: var(--card);
              display: grid; place-content: center; text-align: center; }
#overall-score { font-size: 30px; font-weight: 700; line-height: 1.1;
                 font-variant-numeric: tabular-nums; }
.ring .label { color: var(--muted); font-size: 12px; }
.good { --c: var(--good); } .ok { --c: var(--ok); } .bad { --c: var(--bad); }
.facts { flex: 1 1 520px; min-width: 0; }
.verdict { font-size: 18px; font-weight: 600; margin: 0 0 12px; }
.stats { display: flex; gap: 10px; flex-wrap: wrap; margin: 0; padding: 0; }
.stats div { border: 1px solid var(--line); border-radius: 8px; padding: 7px 12px;
             min-width: 96px; }
.stats dt { color: var(--muted); font-size: 12px; }
.stats dd { margin: 0; font-size: 20px; font-weight: 650; font-variant-numeric: tabular-nums; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: 7px 10px; border-bottom: 1px solid var(--line);
         vertical-align: top; }
thead th { color: var(--muted); font-size: 12px; font-weight: 600; text-transform: uppercase;
           letter-spacing: .04em; white-space: nowrap; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
tfoot th, tfoot td { font-weight: 700; border-top: 2px solid var(--line); border-bottom: 0; }
.bar { width: 38%; min-width: 160px; }
.track { height: 12px; background: var(--track); border-radius: 6px; overflow: hidden;
         margin-top: 5px; }
.fill { height: 100%; background: var(--c); border-radius: 6px; }
.sev { display: inline-block; padding: 1px 8px; border-radius: 10px; font-size: 12px;
       font-weight: 600; color: #fff; }
.sev.error { background: var(--bad); } .sev.warning { background: var(--ok); }
.sev.info { background: var(--accent); }
.homes { margin: 0; padding: 0; list-style: none; }
td.msg, td.canonical { overflow-wrap: anywhere; }
td.loc { min-width: 17em; }
.tag { font-size: 11px; border: 1px solid var(--good); color: var(--good); border-radius: 8px;
       padding: 0 6px; margin-left: 6px; }
.muted { color: var(--muted); }
.controls { display: flex; gap: 10px; flex-wrap: wrap; margin: 0 0 12px; align-items: center; }
.controls input, .controls select {
  font: inherit; font-size: 14px; color: var(--ink); background: var(--card);
  border: 1px solid var(--line); border-radius: 6px; padding: 6px 10px; }
.controls input { flex: 1 1 260px; }
.controls .shown { color: var(--muted); font-size: 13px; margin-left: auto; }
#findings-table tbody tr:nth-child(even) { background: var(--row); }
#findings-table td.msg { width: 55%; }
#findings-table td.rule { white-space: nowrap; }
#findings-table td.rule .muted { display: block; font-size: 13px; }
#findings-table td.msg code { background: var(--code); border-radius: 4px; padding: 0 3px; }
#findings-table .rel { color: var(--muted); font-size: 13px; }
th button { all: unset; cursor: pointer; }
th button:focus-visible { outline: 2px solid var(--accent); }
th[aria-sort] button::after { content: " \\2195"; opacity: .35; }
th[aria-sort="ascending"] button::after { content: " \\2191"; opacity: 1; }
th[aria-sort="descending"] button::after { content: " \\2193"; opacity: 1; }
.empty { color: var(--muted); margin: 4px 0; }
ul.steps { margin: 0; padding-left: 18px; }
table.collapsible tr.extra { display: none; }
table.collapsible.all tr.extra { display: table-row; }
button.more { font: inherit; font-size: 14px; color: var(--accent); background: none;
              border: 1px solid var(--line); border-radius: 6px; padding: 5px 12px;
              cursor: pointer; }
details summary.rest { cursor: pointer; color: var(--muted); font-size: 13px; }
td.where { min-width: 16em; }
td.concept { min-width: 11em; }
td.where .group { margin-top: 4px; }
td.concept, td.where a, td.loc a { overflow-wrap: anywhere; }
@media (max-width: 960px) {
  main, header.top, footer { padding-left: 12px; padding-right: 12px; }
  .card { padding: 14px 12px; }
  thead th { white-space: normal; }
  th, td { padding: 6px 6px; }
  .bar { width: 22%; min-width: 60px; }
  td.loc { min-width: 9em; }
  td.where { min-width: 10em; }
  td.concept { min-width: 7em; }
  #findings-table td.msg { width: auto; }
}
footer { max-width: 1160px; margin: 0 auto; padding: 4px 28px 32px; color: var(--muted);
         font-size: 13px; }
"""

# The findings table: the first ROW_CAP findings are rendered rows (readable without
# JavaScript); the rest travel as compact JSON in a `<script type="application/json">`
# block and become rows only when a filter or "show more" reaches them. Filtering,
# sorting and paging run over both alike. The JSON is escaped so it cannot close its
# script element, and the script builds rows with textContent, never innerHTML, so
# escaping stays the whole XSS story.
JS = """
(function () {
  function $(id) { return document.getElementById(id); }
  function each(list, fn) { Array.prototype.forEach.call(list, fn); }
  // Collapsed rows (register, directories): a button shows the rest.
  each(document.querySelectorAll('button[data-expand]'), function (b) {
    b.addEventListener('click', function () {
      var t = $(b.getAttribute('data-expand'));
      t.classList.toggle('all');
      b.textContent = t.classList.contains('all') ? b.dataset.less : b.dataset.more;
    });
  });
  var table = $('findings-table');
  if (!table) return;
  var body = table.tBodies[0];
  var SEV = ['error', 'warning', 'info'];
  var data = JSON.parse(($('findings-data') || {}).textContent || '{"f": []}');
  var items = [];
  each(body.rows, function (r) {
    items.push({row: r, i: Number(r.dataset.i), sev: r.dataset.sev, rule: r.dataset.rule,
                area: r.dataset.area, path: r.dataset.path, msg: r.dataset.msg,
                text: r.textContent.toLowerCase()});
  });
  (data.f || []).forEach(function (d, k) {
    var path = data.paths[d[2]], rule = data.rules[d[1]];
    items.push({row: null, d: d, i: items.length, sev: SEV[d[0]], rule: rule,
                area: data.areas[d[5]], path: path, msg: d[6].toLowerCase(),
                text: (SEV[d[0]] + ' ' + rule + ' ' + data.names[d[1]] + ' ' + path + ':' +
                       d[3] + ':' + d[4] + ' ' + data.areas[d[5]] + ' ' + d[6] + ' ' +
                       (d[7] || []).map(function (r) { return data.paths[r[0]] + ':' + r[1] +
                       ' ' + (r[3] || ''); }).join(' ') + ' ' + (d[8] || '')).toLowerCase()});
  });
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }
  function message(parent, text) {  // `names` as code, like the rendered rows
    text.split(/`([^`\\n]+)`/).forEach(function (part, k) {
      parent.appendChild(k % 2 ? el('code', '', part) : document.createTextNode(part));
    });
  }
  function link(path, label) {
    var a = el('a', 'mono', label);
    a.href = (path.charAt(0) === '/' ? './' : '') + encodeURI(path).replace(/[#?:]/g,
      function (c) { return encodeURIComponent(c); });
    return a;
  }
  function build(it) {  // a row for a finding that came as JSON
    var d = it.d, tr = el('tr'), td;
    tr.dataset.i = it.i; tr.dataset.sev = it.sev; tr.dataset.rule = it.rule;
    tr.dataset.area = it.area; tr.dataset.path = it.path;
    td = el('td'); td.appendChild(el('span', 'sev ' + it.sev, it.sev)); tr.appendChild(td);
    td = el('td', 'rule'); td.appendChild(el('span', 'mono', it.rule));
    td.appendChild(el('span', 'muted', data.names[d[1]])); tr.appendChild(td);
    td = el('td', 'loc'); td.appendChild(link(it.path, it.path + ':' + d[3] + ':' + d[4]));
    tr.appendChild(td);
    tr.appendChild(el('td', '', it.area));
    td = el('td', 'msg'); message(td, d[6]);
    (d[7] || []).forEach(function (r) {
      var div = el('div', 'rel', 'related: ');
      div.appendChild(link(data.paths[r[0]], data.paths[r[0]] + ':' + r[1]));
      if (r[3]) { div.appendChild(document.createTextNode(' ')); message(div, r[3]); }
      td.appendChild(div);
    });
    if (d[9]) { td.appendChild(el('div', 'rel', 'related: ' + d[9] + ' more')); }
    if (d[8]) { var fx = el('div', 'rel'); message(fx, d[8]); td.appendChild(fx); }
    tr.appendChild(td);
    return tr;
  }
  var text = $('filter-text'), shown = $('shown-count'), more = $('show-more');
  var selects = ['sev', 'rule', 'area', 'dir'].map(function (k) { return [k, $('filter-' + k)]; });
  var PAGE = Number(table.dataset.page), limit = PAGE, order = items.slice();
  function matches(it, q, want) {
    if (q && it.text.indexOf(q) < 0) return false;
    if (want.sev && it.sev !== want.sev) return false;
    if (want.rule && it.rule !== want.rule) return false;
    if (want.area && it.area !== want.area) return false;
    if (want.dir && !(want.dir === '.' ? it.path.indexOf('/') < 0
                      : it.path.indexOf(want.dir + '/') === 0)) return false;
    return true;
  }
  function apply() {
    var q = text.value.trim().toLowerCase(), want = {}, n = 0;
    selects.forEach(function (s) { want[s[0]] = s[1].value; });
    var frag = document.createDocumentFragment();
    order.forEach(function (it) {
      if (!matches(it, q, want)) return;
      n++;
      if (n <= limit) frag.appendChild(it.row || (it.row = build(it)));
    });
    body.textContent = '';
    body.appendChild(frag);
    shown.textContent = n;
    $('page-count').textContent = Math.min(n, limit);
    more.hidden = n <= limit;
  }
  function refilter() { limit = PAGE; apply(); }
  var timer;
  text.addEventListener('input', function () {
    clearTimeout(timer);
    timer = setTimeout(refilter, 80);
  });
  text.addEventListener('change', function () { clearTimeout(timer); refilter(); });
  selects.forEach(function (s) { s[1].addEventListener('change', refilter); });
  more.addEventListener('click', function () { limit += PAGE; apply(); });
  function setFilter(k, v) {
    selects.forEach(function (s) { if (s[0] === k) s[1].value = v; });
    refilter();
  }
  each(document.querySelectorAll('a[data-show-rule]'), function (a) {
    a.addEventListener('click', function () { setFilter('rule', a.dataset.showRule); });
  });
  each(document.querySelectorAll('a[data-show-dir]'), function (a) {
    a.addEventListener('click', function () { setFilter('dir', a.dataset.showDir); });
  });
  var heads = table.tHead.rows[0].cells;
  var KEYS = [function (it) { return SEV.indexOf(it.sev); }, function (it) { return it.rule; },
              function (it) { return it.i; }, function (it) { return it.area; },
              function (it) { return it.msg; }];
  function sortBy(th, col, dir) {
    var key = KEYS[col];
    each(heads, function (h) { h.setAttribute('aria-sort', 'none'); });
    th.setAttribute('aria-sort', dir === 1 ? 'ascending' : 'descending');
    order.sort(function (x, y) {
      var a = key(x), b = key(y), c = a < b ? -1 : a > b ? 1 : 0;
      return c * dir || x.i - y.i;
    });
    apply();
  }
  each(heads, function (th, col) {
    th.querySelector('button').addEventListener('click', function () {
      sortBy(th, col, th.getAttribute('aria-sort') === 'ascending' ? -1 : 1);
    });
  });
  // A shareable view: #q=text&sev=error&rule=SSOT201&area=tests&folder=pkg&sort=rule&dir=desc
  var params = new URLSearchParams(location.hash.slice(1));
  if (params.get('q')) text.value = params.get('q');
  selects.forEach(function (s) {
    var v = params.get(s[0] === 'dir' ? 'folder' : s[0]);
    if (v) s[1].value = v;
  });
  var sorted = false;
  each(heads, function (th, col) {
    if (th.textContent.trim().toLowerCase() === params.get('sort')) {
      sortBy(th, col, params.get('dir') === 'desc' ? -1 : 1);
      sorted = true;
    }
  });
  if (!sorted) apply();
})();
"""


def _e(s: object) -> str:
    return html.escape(printable(str(s)), quote=True)


def _href(path: str) -> str:
    # quote() also encodes ':' so no path can become a `javascript:` or other scheme URL,
    # and `./` keeps a path starting with `//` from reading as another host.
    url = quote(path, safe="/")
    return _e("./" + url if url.startswith("/") else url)


def _level(score: float) -> str:
    return "good" if score >= 95 else "ok" if score >= 80 else "bad"


def _breakable(text: str, after: str = "/") -> str:
    """Escaped path (or dotted name) that may wrap after a separator instead of mid-word."""
    return re.sub(f"([{re.escape(after)}])", r"\1<wbr>", _e(text))


def _loc_link(loc: Location, with_column: bool = False) -> str:
    label = f"{loc.path}:{loc.line}" + (f":{loc.column + 1}" if with_column else "")
    return f'<a class="mono" href="{_href(loc.path)}">{_breakable(label)}</a>'


def _area_row(a: AreaScore, row_attr: str) -> str:
    return (f'<tr {row_attr}><th scope="row">{_e(a.name)}</th>'
            f'<td class="bar {_level(a.score)}"><div class="track">'
            f'<div class="fill" style="width: {a.score:.1f}%"></div></div></td>'
            f'<td class="num score">{format_score(a.score)}</td>'
            f'<td class="num files">{a.files}</td>'
            f'<td class="num files-with-violations">{a.files_with_violations}</td>'
            f'<td class="num violations">{a.violations}</td></tr>')


def _areas(result: RunResult) -> list[str]:
    rows = area_rows(result.scores)
    return [
        '<section class="card" id="areas"><h2>Compliance by area</h2>',
        '<table id="areas-table"><thead><tr><th>Area</th><th class="bar">Compliant files</th>'
        '<th class="num">Score</th><th class="num">Files</th>'
        '<th class="num">Files with violations</th><th class="num">Violations</th></tr></thead>',
        "<tbody>", *(_area_row(a, f'data-area="{_e(a.name)}"') for a in rows[:-1]), "</tbody>",
        # An id rather than data-area: a configured area may itself be called "overall".
        "<tfoot>" + _area_row(rows[-1], 'id="overall-row"') + "</tfoot></table></section>",
    ]


def _rules(result: RunResult) -> list[str]:
    counts = rule_counts(result.findings)
    out = ['<section class="card" id="rules"><h2>Findings by rule</h2>']
    if not counts:
        return out + ['<p class="empty">No rule reported anything.</p></section>']
    most = max(r.findings for r in counts)
    out.append('<table id="rules-table"><thead><tr><th>Rule</th><th>Name</th><th>Severity</th>'
               '<th class="bar">Share of findings</th><th class="num">Findings</th>'
               '<th class="num">Violations</th><th class="num">Files</th></tr></thead><tbody>')
    for r in counts:
        width = 100 * r.findings / most
        out.append(
            f'<tr data-rule="{_e(r.rule)}"><td><a href="#findings" data-show-rule="{_e(r.rule)}" '
            f'class="mono">{_e(r.rule)}</a></td><td>{_e(r.name)}</td>'
            f'<td><span class="sev {_e(r.severity)}">{_e(r.severity)}</span></td>'
            f'<td class="bar" style="--c: var(--accent)"><div class="track">'
            f'<div class="fill" style="width: {width:.1f}%"></div></div></td>'
            f'<td class="num findings">{r.findings}</td>'
            f'<td class="num violations">{r.violations}</td><td class="num files">{r.files}</td>'
            f"</tr>")
    return out + ["</tbody></table></section>"]


def _home_item(h: Location) -> str:
    return (f"<li>{_loc_link(h)}"
            + ('<span class="tag">canonical</span>' if h.message == "canonical" else "")
            + "</li>")


def _homes_cell(row: RegisterRow, homes: Sequence[Location], area_of: Any) -> str:
    """The listed homes; the rest counted per area in a <details> that opens on them."""
    listed = f'<ul class="homes">{"".join(_home_item(h) for h in row.listed)}</ul>'
    if not row.rest:
        return listed
    shown = {(h.path, h.line) for h in row.listed}
    groups = []
    for area, n in row.rest:
        items = "".join(_home_item(h) for h in homes
                        if (h.path, h.line) not in shown and area_of(h.path) == area)
        groups.append(f'<div class="group"><div class="muted">{_e(area)} ({n})</div>'
                      f'<ul class="homes">{items}</ul></div>')
    return (f'{listed}<details><summary class="rest">{_e(row.rest_phrase())}</summary>'
            f'{"".join(groups)}</details>')


def _concepts(result: RunResult) -> list[str]:
    out = ['<section class="card" id="concepts"><h2>Split concepts '
           f'<span class="count">({len(result.concepts)}'
           + (", most spread first" if result.concepts else "") + ")</span></h2>"]
    if not result.concepts:
        return out + ['<p class="empty">No concept is defined in more than one place.</p>'
                      "</section>"]
    area_of = AreaMap(result.config)
    out.append('<table id="concepts-table" class="collapsible"><thead><tr><th>Concept</th>'
               '<th>Kind</th><th class="num">Spread</th><th class="num">Homes</th>'
               '<th>Where</th><th>Canonical</th></tr></thead><tbody>')
    for k, (c, row) in enumerate(zip(result.concepts, register(result, None))):
        canonical = (f'<code>{_breakable(c.canonical, "./")}</code>' if c.canonical
                     else '<span class="muted">none chosen</span>')
        if c.canonical_reason:
            canonical += f'<div class="muted">{_e(c.canonical_reason)}</div>'
        extra = ' class="extra"' if k >= REGISTER_ROWS else ""
        out.append(f'<tr{extra}><td class="concept"><code>{_breakable(c.name, ".")}</code></td>'
                   f'<td>{_e(c.kind)}</td><td class="num spread">{c.spread}</td>'
                   f'<td class="num">{row.homes}</td>'
                   f'<td class="where">{_homes_cell(row, c.homes, area_of)}</td>'
                   f'<td class="canonical">{canonical}</td></tr>')
    out.append("</tbody></table>")
    out += _expander("concepts-table", len(result.concepts), REGISTER_ROWS, "concepts")
    return out + ["</section>"]


def _expander(table_id: str, total: int, shown: int, noun: str) -> list[str]:
    if total <= shown:
        return []
    more, less = f"show all {total} {noun}", f"show the first {shown} only"
    return [f'<p><button type="button" class="more" data-expand="{table_id}" '
            f'data-more="{_e(more)}" data-less="{_e(less)}">{_e(more)}</button></p>',
            f"<noscript><style>#{table_id} tr.extra {{ display: table-row; }}</style></noscript>"]


def _directories(result: RunResult) -> list[str]:
    dirs = directory_scores(result)
    if len(dirs) < 2:
        return []  # one folder: the area table already says it all
    out = ['<section class="card" id="directories"><h2>Compliance by directory '
           f'<span class="count">({len(dirs)} folders, most non-compliant files first; a '
           "folder with more than a quarter of the files is split into its subfolders)"
           "</span></h2>",
           '<table id="directories-table" class="collapsible"><thead><tr><th>Directory</th>'
           '<th class="bar">Compliant files</th><th class="num">Score</th>'
           '<th class="num">Files</th><th class="num">Files with violations</th>'
           '<th class="num">Violations</th></tr></thead><tbody>']
    for k, d in enumerate(dirs):
        extra = ' class="extra"' if k >= DIRECTORY_ROWS else ""
        name = (f'<a href="#findings" data-show-dir="{_e(d.name)}" class="mono">'
                f"{_breakable(d.name)}</a>" if d.violations else
                f'<span class="mono">{_breakable(d.name)}</span>')
        out.append(f'<tr{extra}><td>{name}</td>'
                   f'<td class="bar {_level(d.score)}"><div class="track">'
                   f'<div class="fill" style="width: {d.score:.1f}%"></div></div></td>'
                   f'<td class="num">{format_score(d.score)}</td><td class="num">{d.files}</td>'
                   f'<td class="num">{d.files_with_violations}</td>'
                   f'<td class="num">{d.violations}</td></tr>')
    out.append("</tbody></table>")
    out += _expander("directories-table", len(dirs), DIRECTORY_ROWS, "directories")
    return out + ["</section>"]


def _top_files(result: RunResult) -> list[str]:
    top = top_files(result.findings)
    if not top:
        return []
    out = ['<section class="card" id="top-files"><h2>Top offending files</h2>',
           '<table><thead><tr><th>File</th><th class="num">Violations</th></tr></thead><tbody>']
    out += [f'<tr><td><a class="mono" href="{_href(p)}">{_e(p)}</a></td>'
            f'<td class="num">{n}</td></tr>' for p, n in top]
    return out + ["</tbody></table></section>"]


def _message(text: str) -> str:
    """Escaped message with its `backticked` names shown as code, as they read in the
    terminal. The regex runs on escaped text, which holds no markup to break out of."""
    return re.sub(r"`([^`\n]+)`", r"<code>\1</code>", _e(text))


def _fix_text(f: Finding) -> str:
    assert f.fix is not None
    return f"fix ({'safe' if f.fix.safe else 'unsafe'}): {f.fix.description}"


def _finding_row(i: int, f: Finding) -> str:
    sev = f.severity.value
    related = "".join(f'<div class="rel">related: {_loc_link(r)}'
                      + (f" {_message(r.message)}" if r.message else "") + "</div>"
                      for r in f.related)
    fix = f'<div class="rel">{_message(_fix_text(f))}</div>' if f.fix is not None else ""
    return (f'<tr data-i="{i}" data-sev="{sev}" data-rule="{_e(f.rule)}" data-area="{_e(f.area)}"'
            f' data-path="{_e(f.path)}" data-msg="{_e(f.message.lower())}">'
            f'<td><span class="sev {sev}">{sev}</span></td>'
            f'<td class="rule"><span class="mono">{_e(f.rule)}</span>'
            f'<span class="muted">{_e(f.name)}</span></td>'
            f'<td class="loc">{_loc_link(f.location, with_column=True)}</td>'
            f'<td>{_e(f.area)}</td>'
            f'<td class="msg">{_message(f.message)}{related}{fix}</td></tr>')


def _options(values: list[str]) -> str:
    return "".join(f'<option value="{_e(v)}">{_e(v)}</option>' for v in values)


def findings_data(findings: Sequence[Finding]) -> dict[str, Any]:
    """The findings beyond the rendered rows, as compact JSON: strings that repeat (rules,
    areas, paths) are tables, and a finding is one array
    `[severity, rule, path, line, column, area, message, related, fix, related_left_out]`
    (`related` items are `[path, line, column, message]`, at most RELATED_CAP of them)."""
    rules: dict[str, int] = {}
    names: list[str] = []
    areas: dict[str, int] = {}
    paths: dict[str, int] = {}

    def ref(table: dict[str, int], key: str) -> int:
        n = table.get(key)
        if n is None:
            n = table[key] = len(table)
        return n

    rows = []
    for f in findings:
        if f.rule not in rules:
            names.append(f.name)
        related = [[ref(paths, r.path), r.line, r.column + 1, printable(r.message)]
                   for r in f.related[:RELATED_CAP]]
        rows.append([_SEV_RANK[f.severity], ref(rules, f.rule), ref(paths, f.path), f.line,
                     f.location.column + 1, ref(areas, f.area), printable(f.message), related,
                     printable(_fix_text(f)) if f.fix is not None else "",
                     max(0, len(f.related) - RELATED_CAP)])
    return {"rules": list(rules), "names": names, "areas": list(areas), "paths": list(paths),
            "f": rows}


def _json_script(element_id: str, doc: Any) -> str:
    # `<` as \u003c: nothing inside can close the script element or open a comment.
    payload = json.dumps(doc, separators=(",", ":"), ensure_ascii=True).replace("<", "\\u003c")
    return f'<script type="application/json" id="{element_id}">{payload}</script>'


def _directory_options(result: RunResult) -> list[str]:
    """The folders of the directory table that hold a violation, and their parents: the
    directory filter matches everything under the chosen folder."""
    dirs: set[str] = set()
    for d in directory_scores(result):
        if not d.violations:
            continue
        parts = d.name.split("/")
        dirs.update("/".join(parts[:k]) for k in range(1, len(parts) + 1))
    dirs |= {"." for f in result.findings if "/" not in f.path}
    return sorted(dirs)


def _findings(result: RunResult) -> list[str]:
    fs = result.findings
    out = ['<section class="card" id="findings"><h2>Findings '
           f'<span class="count">({len(fs)})</span></h2>']
    if not fs:
        return out + ['<p class="empty">No findings: every file in scope is compliant.</p>'
                      "</section>"]
    sevs = [s.value for s in Severity if any(f.severity is s for f in fs)]
    page = min(len(fs), PAGE)
    out += [
        '<div class="controls">',
        '<input id="filter-text" type="search" placeholder="Filter by path, rule or message"'
        ' aria-label="Filter findings">',
        f'<select id="filter-sev" aria-label="Severity"><option value="">all severities</option>'
        f"{_options(sevs)}</select>",
        f'<select id="filter-rule" aria-label="Rule"><option value="">all rules</option>'
        f"{_options(sorted({f.rule for f in fs}))}</select>",
        f'<select id="filter-area" aria-label="Area"><option value="">all areas</option>'
        f"{_options(sorted({f.area for f in fs}))}</select>",
        f'<select id="filter-dir" aria-label="Directory"><option value="">all directories'
        f"</option>{_options(_directory_options(result))}</select>",
        f'<span class="shown">showing <span id="page-count">{page}</span> of '
        f'<span id="shown-count">{len(fs)}</span> matching ({len(fs)} in all)</span>',
        "</div>",
        f'<table id="findings-table" data-page="{PAGE}"><thead><tr>'
        '<th aria-sort="none"><button type="button">Severity</button></th>'
        '<th aria-sort="none"><button type="button">Rule</button></th>'
        '<th aria-sort="ascending"><button type="button">Location</button></th>'
        '<th aria-sort="none"><button type="button">Area</button></th>'
        '<th aria-sort="none"><button type="button">Message</button></th>'
        "</tr></thead><tbody>",
        *(_finding_row(i, f) for i, f in enumerate(fs[:ROW_CAP])),
        "</tbody></table>",
        f'<p><button type="button" id="show-more" class="more"'
        f'{"" if len(fs) > PAGE else " hidden"}>show {PAGE} more</button></p>',
    ]
    if len(fs) > ROW_CAP:
        out += [_json_script("findings-data", findings_data(fs[ROW_CAP:])),
                f'<noscript><p class="muted">The first {ROW_CAP} findings are shown; the other '
                f"{len(fs) - ROW_CAP} need JavaScript (or `ssotcheck check`).</p></noscript>"]
    out += ['<noscript><p class="muted">Sorting and filtering need JavaScript.</p></noscript>',
            "</section>"]
    return out


def _next_steps(result: RunResult) -> list[str]:
    steps = [(cmd, why) for cmd, why in NEXT_STEPS
             if cmd != "ssotcheck fix --diff" or fix_available(result.findings)]
    items = "".join(f"<li><code>{_e(cmd)}</code>: {_e(why)}</li>" for cmd, why in steps)
    return [f'<section class="card" id="next"><h2>Next steps</h2><ul class="steps">{items}</ul>'
            "</section>"]


def render(result: RunResult, sections: tuple[str, ...] = (), **_: Any) -> str:
    """`sections`: ready HTML cards placed after the summary (the trend chart)."""
    s, st = result.scores, result.stats
    name = result.config.root.name or "."
    level = _level(s.overall)
    stats = [("Files in scope", s.files), ("With violations", s.files_with_violations),
             ("Violations", s.violations), ("Failed to parse", st.files_failed),
             ("Excluded", st.files_excluded), ("Split concepts", len(result.concepts))]
    if result.suppressed:
        stats.append(("Suppressed inline", result.suppressed))
    if result.baselined:
        stats.append(("In baseline", result.baselined))
        stats += [(f"In baseline: {a}", n) for a, n in result.baselined_by_area().items()]
    if stale_count(result):
        stats.append(("Baselined, now gone", stale_count(result)))
    if result.at_base:
        stats.append(("Also at the diff base", result.at_base))
    stat_html = "".join(f'<div><dt>{_e(k)}</dt><dd data-stat="{_e(k.lower())}">{v}</dd></div>'
                        for k, v in stats)
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>ssotcheck {format_score(s.overall)} · {_e(name)}</title>",
        f"<style>{CSS}</style>",
        "</head>",
        "<body>",
        '<header class="top"><div class="brand">ssotcheck report</div>',
        f'<h1>Single-source-of-truth compliance for <span class="proj">{_e(name)}</span></h1>',
        "</header>",
        "<main>",
        '<section class="card hero" id="summary">',
        f'<div class="ring {level}" style="--p: {s.overall:.1f}" role="img" '
        f'aria-label="overall score {format_score(s.overall)}"><div class="hole">'
        f'<span id="overall-score">{format_score(s.overall)}</span>'
        '<span class="label">overall</span></div></div>',
        '<div class="facts">',
        '<p class="verdict">'
        + _e(violations_phrase(s.files, s.files_with_violations, s.violations)) + "</p>",
        f'<dl class="stats">{stat_html}</dl>',
        f'<p class="muted">{_e(plural(s.files, "file"))} in scope: {st.files_analyzed} analysed, '
        f"{st.files_failed} failed to parse. A file is compliant when no error or warning finding "
        "points at it; the overall score is the file-weighted mean of the area scores.</p>",
        "</div></section>",
        *sections,
        *_areas(result),
        *_rules(result),
        *_concepts(result),
        *_top_files(result),
        *_directories(result),
        *_findings(result),
        *(_next_steps(result) if result.findings else []),
        "</main>",
        f"<footer>Generated by ssotcheck {_e(__version__)}. "
        "<code>ssotcheck explain RULE</code> documents every rule.</footer>",
        f"<script>{JS}</script>",
        "</body>",
        "</html>",
    ]
    return "\n".join(parts) + "\n"
