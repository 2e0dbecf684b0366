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
import re
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from ssotcheck import __version__
from ssotcheck.model import AreaScore, Finding, Location, Severity
from ssotcheck.report.summary import (
    NEXT_STEPS,
    area_rows,
    fix_available,
    format_score,
    plural,
    printable,
    rule_counts,
    top_files,
    violations_phrase,
)

if TYPE_CHECKING:
    from ssotcheck.pipeline import RunResult

_SEV_RANK = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}

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
footer { max-width: 1160px; margin: 0 auto; padding: 4px 28px 32px; color: var(--muted);
         font-size: 13px; }
"""

# Sorting and filtering only touch rows the server rendered; no data is injected into
# the script, so escaping HTML is the whole XSS story.
JS = """
(function () {
  var table = document.getElementById('findings-table');
  if (!table) return;
  var body = table.tBodies[0];
  var rows = Array.prototype.slice.call(body.rows);
  var text = document.getElementById('filter-text');
  var selects = ['sev', 'rule', 'area'].map(function (k) {
    return [k, document.getElementById('filter-' + k)];
  });
  var shown = document.getElementById('shown-count');
  rows.forEach(function (r) { r._text = r.textContent.toLowerCase(); });
  function apply() {
    var q = text.value.trim().toLowerCase(), n = 0;
    rows.forEach(function (r) {
      var ok = !q || r._text.indexOf(q) >= 0;
      selects.forEach(function (s) {
        if (s[1].value && r.dataset[s[0]] !== s[1].value) ok = false;
      });
      r.hidden = !ok;
      if (ok) n++;
    });
    shown.textContent = n;
  }
  var timer;
  text.addEventListener('input', function () {
    clearTimeout(timer);
    timer = setTimeout(apply, 80);
  });
  selects.forEach(function (s) { s[1].addEventListener('change', apply); });
  document.querySelectorAll('a[data-show-rule]').forEach(function (a) {
    a.addEventListener('click', function () {
      selects[1][1].value = a.getAttribute('data-show-rule'); apply();
    });
  });
  var heads = table.tHead.rows[0].cells;
  function sortBy(th, col, dir) {
    var numeric = th.dataset.type === 'num';
    Array.prototype.forEach.call(heads, function (h) { h.setAttribute('aria-sort', 'none'); });
    th.setAttribute('aria-sort', dir === 1 ? 'ascending' : 'descending');
    rows.sort(function (x, y) {
      var a = x.cells[col].dataset.sort, b = y.cells[col].dataset.sort, c;
      if (numeric) c = Number(a) - Number(b);
      else c = a < b ? -1 : a > b ? 1 : 0;
      return c * dir || Number(x.dataset.i) - Number(y.dataset.i);
    });
    rows.forEach(function (r) { body.appendChild(r); });
  }
  Array.prototype.forEach.call(heads, function (th, col) {
    th.querySelector('button').addEventListener('click', function () {
      sortBy(th, col, th.getAttribute('aria-sort') === 'ascending' ? -1 : 1);
    });
  });
  // A shareable view: #q=text&sev=error&rule=SSOT201&area=tests&sort=rule&dir=desc
  var params = new URLSearchParams(location.hash.slice(1));
  if (params.get('q')) text.value = params.get('q');
  selects.forEach(function (s) { if (params.get(s[0])) s[1].value = params.get(s[0]); });
  Array.prototype.forEach.call(heads, function (th, col) {
    if (th.textContent.trim().toLowerCase() === params.get('sort')) {
      sortBy(th, col, params.get('dir') === 'desc' ? -1 : 1);
    }
  });
  apply();
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


def _concepts(result: RunResult) -> list[str]:
    out = ['<section class="card" id="concepts"><h2>Split concepts '
           f'<span class="count">({len(result.concepts)}'
           + (", most spread first" if result.concepts else "") + ")</span></h2>"]
    if not result.concepts:
        return out + ['<p class="empty">No concept is defined in more than one place.</p>'
                      "</section>"]
    out.append('<table id="concepts-table"><thead><tr><th>Concept</th><th>Kind</th>'
               '<th class="num">Spread</th><th>Homes</th><th>Canonical</th></tr></thead><tbody>')
    for c in result.concepts:
        homes = "".join(
            f"<li>{_loc_link(h)}"
            + ('<span class="tag">canonical</span>' if h.message == "canonical" else "")
            + "</li>" for h in c.homes)
        canonical = (f'<code>{_breakable(c.canonical, "./")}</code>' if c.canonical
                     else '<span class="muted">none chosen</span>')
        if c.canonical_reason:
            canonical += f'<div class="muted">{_e(c.canonical_reason)}</div>'
        out.append(f'<tr><td class="concept"><code>{_e(c.name)}</code></td><td>{_e(c.kind)}</td>'
                   f'<td class="num">{c.spread}</td><td><ul class="homes">{homes}</ul></td>'
                   f'<td class="canonical">{canonical}</td></tr>')
    return out + ["</tbody></table></section>"]


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


def _finding_row(i: int, f: Finding) -> str:
    sev = f.severity.value
    related = "".join(f'<div class="rel">related: {_loc_link(r)}'
                      + (f" {_message(r.message)}" if r.message else "") + "</div>"
                      for r in f.related)
    fix = (f'<div class="rel">fix ({"safe" if f.fix.safe else "unsafe"}): '
           f"{_message(f.fix.description)}</div>" if f.fix is not None else "")
    return (f'<tr data-i="{i}" data-sev="{sev}" data-rule="{_e(f.rule)}" data-area="{_e(f.area)}">'
            f'<td data-sort="{_SEV_RANK[f.severity]}"><span class="sev {sev}">{sev}</span></td>'
            f'<td class="rule" data-sort="{_e(f.rule)}"><span class="mono">{_e(f.rule)}</span>'
            f'<span class="muted">{_e(f.name)}</span></td>'
            f'<td class="loc" data-sort="{i}">{_loc_link(f.location, with_column=True)}</td>'
            f'<td data-sort="{_e(f.area)}">{_e(f.area)}</td>'
            f'<td class="msg" data-sort="{_e(f.message.lower())}">'
            f"{_message(f.message)}{related}{fix}"
            f"</td></tr>")


def _options(values: list[str]) -> str:
    return "".join(f'<option value="{_e(v)}">{_e(v)}</option>' for v in values)


def _findings(result: RunResult) -> list[str]:
    fs = result.findings
    out = ['<section class="card" id="findings"><h2>Findings '
           f'<span class="count">({len(fs)})</span></h2>']
    if not fs:
        return out + ['<p class="empty">No findings: every file in scope is compliant.</p>'
                      "</section>"]
    sevs = [s.value for s in Severity if any(f.severity is s for f in fs)]
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
        f'<span class="shown">showing <span id="shown-count">{len(fs)}</span> of {len(fs)}</span>',
        "</div>",
        '<table id="findings-table"><thead><tr>'
        '<th aria-sort="none" data-type="num"><button type="button">Severity</button></th>'
        '<th aria-sort="none"><button type="button">Rule</button></th>'
        '<th aria-sort="ascending" data-type="num"><button type="button">Location</button></th>'
        '<th aria-sort="none"><button type="button">Area</button></th>'
        '<th aria-sort="none"><button type="button">Message</button></th>'
        "</tr></thead><tbody>",
        *(_finding_row(i, f) for i, f in enumerate(fs)),
        "</tbody></table>",
        "<noscript><p class=\"muted\">Sorting and filtering need JavaScript.</p></noscript>",
        "</section>",
    ]
    return out


def _next_steps(result: RunResult) -> list[str]:
    steps = [(cmd, why) for cmd, why in NEXT_STEPS
             if cmd != "ssotcheck fix --diff" or fix_available(result.findings)]
    items = "".join(f"<li><code>{_e(cmd)}</code>: {_e(why)}</li>" for cmd, why in steps)
    return [f'<section class="card" id="next"><h2>Next steps</h2><ul class="steps">{items}</ul>'
            "</section>"]


def render(result: RunResult, **_: Any) -> str:
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
        *_areas(result),
        *_rules(result),
        *_concepts(result),
        *_top_files(result),
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
