"""`ssotcheck trend` output: text (a table and a sparkline per area), JSON, Markdown, CSV,
and HTML (a page with the inline SVG chart `svg_chart` that `report --format html
--trend N` embeds too). Points come oldest first; every output is a pure function of them.
"""

from __future__ import annotations

import csv
import html
import io
import json
from typing import TYPE_CHECKING, Any, Sequence

from ssotcheck import __version__
from ssotcheck.report.html_format import CSP, CSS
from ssotcheck.report.json_format import area_dict
from ssotcheck.report.summary import printable

if TYPE_CHECKING:
    from ssotcheck.history import Point

TREND_SCHEMA_VERSION = 1
FORMATS = ("text", "json", "markdown", "html", "csv")
SPARKS = "▁▂▃▄▅▆▇█"


def render(points: Sequence[Point], fmt: str) -> str:
    return {"text": text, "json": to_json, "markdown": markdown, "html": page,
            "csv": to_csv}[fmt](points)


def _fmt(score: float | None) -> str:
    return "-" if score is None else f"{score:.1f}%"


def area_names(points: Sequence[Point]) -> list[str]:
    """Every area any point has, in the order they first appear."""
    seen: dict[str, None] = {}
    for p in points:
        for a in p.areas:
            seen.setdefault(a.name, None)
    return list(seen)


def area_series(points: Sequence[Point], name: str) -> list[float | None]:
    out: list[float | None] = []
    for p in points:
        got = [a.score for a in p.areas if a.name == name]
        out.append(got[0] if got else None)
    return out


def sparkline(values: Sequence[float | None]) -> str:
    """One character per point, scaled between the series' own lowest and highest value
    (a flat series is drawn at full height); a gap is a space."""
    known = [v for v in values if v is not None]
    if not known:
        return " " * len(values)
    lo, hi = min(known), max(known)
    out = []
    for v in values:
        if v is None:
            out.append(" ")
        elif hi == lo:
            out.append(SPARKS[-1])
        else:
            out.append(SPARKS[round((v - lo) / (hi - lo) * (len(SPARKS) - 1))])
    return "".join(out)


def _clip(s: str, n: int) -> str:
    s = printable(s)
    return s if len(s) <= n else s[:n - 1] + "…"


def text(points: Sequence[Point]) -> str:
    if not points:
        return "no commits to show\n"
    out = [f"{'commit':<10}  {'date':<10}  {'score':>6}  {'change':>6}  {'files':>6}  "
           f"{'findings':>8}  {'split':>5}  subject"]
    prev: float | None = None
    for p in points:
        if p.score is None:
            out.append(f"{p.label:<10}  {p.date[:10]:<10}  {'-':>6}  {'':>6}  {'':>6}  {'':>8}  "
                       f"{'':>5}  {_clip(p.subject, 50)}  [skipped: {printable(p.error or '')}]")
            continue
        change = "" if prev is None else f"{p.score - prev:+.1f}"
        out.append(f"{p.label:<10}  {p.date[:10]:<10}  {_fmt(p.score):>6}  {change:>6}  "
                   f"{p.files:>6}  {p.violations:>8}  {len(p.concepts):>5}  {_clip(p.subject, 50)}")
        prev = p.score
    out.append("")
    names = ["overall", *area_names(points)]
    width = max(len(n) for n in names)
    for name in names:
        series = ([p.score for p in points] if name == "overall"
                  else area_series(points, name))
        known = [v for v in series if v is not None]
        span = f"{_fmt(known[0])} -> {_fmt(known[-1])}" if known else "-"
        out.append(f"{printable(name):<{width}}  {sparkline(series)}  {span}")
    return "\n".join(out) + "\n"


def point_dict(p: Point) -> dict[str, Any]:
    return {
        "commit": p.commit or None,
        "date": p.date or None,
        "subject": p.subject,
        "score": p.score,
        "files": p.files,
        "files_with_violations": p.files_with_violations,
        "violations": p.violations,
        "areas": [area_dict(a) for a in p.areas],
        "rules": dict(p.rules),
        "split_concepts": [{"kind": k, "name": n, "homes": h} for k, n, h in p.concepts],
        "error": p.error,
    }


def to_json(points: Sequence[Point]) -> str:
    payload = {
        "schema_version": TREND_SCHEMA_VERSION,
        "tool": {"name": "ssotcheck", "version": __version__},
        "points": [point_dict(p) for p in points],
    }
    return json.dumps(payload, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def _md(s: str) -> str:
    return printable(s).replace("|", "\\|").replace("\n", " ")


def markdown(points: Sequence[Point]) -> str:
    names = area_names(points)
    head = ["commit", "date", "score", *names, "findings", "split concepts", "subject"]
    out = ["## ssotcheck trend", "", "| " + " | ".join(_md(h) for h in head) + " |",
           "|" + "|".join("---" if i in (0, 1, len(head) - 1) else "---:"
                          for i in range(len(head))) + "|"]
    for p in points:
        areas = {a.name: a.score for a in p.areas}
        if p.score is None:
            cells = [f"`{p.label}`", p.date[:10], "skipped", *["" for _ in names], "", "",
                     _md(f"{p.subject} ({p.error})")]
        else:
            cells = [f"`{p.label}`", p.date[:10], _fmt(p.score),
                     *[_fmt(areas.get(n)) for n in names], str(p.violations),
                     str(len(p.concepts)), _md(p.subject)]
        out.append("| " + " | ".join(cells) + " |")
    series = [("overall", [p.score for p in points])] + [
        (n, area_series(points, n)) for n in names]
    out += ["", *[f"- **{_md(n)}** `{sparkline(s)}`" for n, s in series]]
    return "\n".join(out) + "\n"


def to_csv(points: Sequence[Point]) -> str:
    names = area_names(points)
    rules = sorted({r for p in points for r, _ in p.rules})
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["commit", "date", "subject", "score", "files", "files_with_violations",
                "violations", "split_concepts", *[f"area:{n}" for n in names],
                *[f"rule:{r}" for r in rules], "error"])
    for p in points:
        areas = {a.name: a.score for a in p.areas}
        counts = dict(p.rules)
        w.writerow([p.commit, p.date, p.subject,
                    "" if p.score is None else f"{p.score:.1f}", p.files,
                    p.files_with_violations, p.violations, len(p.concepts),
                    *["" if areas.get(n) is None else f"{areas[n]:.1f}" for n in names],
                    *[counts.get(r, 0) for r in rules], p.error or ""])
    return buf.getvalue()


# ------------------------------------------------------------------------ HTML

_COLORS = ("#2f6fde", "#1f9d55", "#c98a00", "#d64545", "#8e44ad", "#16a2b8", "#7f8c8d")
W, H, PAD_L, PAD_R, PAD_T, PAD_B = 760, 260, 44, 16, 14, 30


def _e(s: object) -> str:
    return html.escape(printable(str(s)), quote=True)


def anchor(p: Point) -> str:
    return f"commit-{p.commit[:12] or 'working-tree'}"


def svg_chart(points: Sequence[Point]) -> str:
    """Overall score (thick) and each area's, one marker per commit on the overall line
    linking to that commit's row of the table below it. A skipped commit gets a hollow
    marker on the axis. Pure SVG: no scripts, fonts or external references."""
    n = len(points)
    inner_w, inner_h = W - PAD_L - PAD_R, H - PAD_T - PAD_B

    def x(i: int) -> float:
        return PAD_L + (inner_w * i / (n - 1) if n > 1 else inner_w / 2)

    def y(v: float) -> float:
        return PAD_T + inner_h * (1 - v / 100)

    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="trend-chart" viewBox="0 0 {W} {H}" '
             f'width="{W}" height="{H}" role="img" aria-label="score per commit">']
    for tick in (0, 25, 50, 75, 100):
        parts.append(f'<line x1="{PAD_L}" x2="{W - PAD_R}" y1="{y(tick):.1f}" '
                     f'y2="{y(tick):.1f}" stroke="#8884" stroke-width="1"/>')
        parts.append(f'<text x="{PAD_L - 6}" y="{y(tick) + 4:.1f}" text-anchor="end" '
                     f'font-size="11" fill="currentColor">{tick}%</text>')
    names = area_names(points)
    series = [("overall", [p.score for p in points])] + [
        (nm, area_series(points, nm)) for nm in names]
    for k, (name, values) in enumerate(series):
        color = _COLORS[k % len(_COLORS)] if k else "currentColor"
        width = 3 if k == 0 else 1.5
        segs: list[list[str]] = [[]]
        for i, v in enumerate(values):
            if v is None:
                segs.append([])
            else:
                segs[-1].append(f"{x(i):.1f},{y(v):.1f}")
        for seg in segs:
            if len(seg) > 1:
                parts.append(f'<polyline class="series" data-series="{_e(name)}" fill="none" '
                             f'stroke="{color}" stroke-width="{width}" points="{" ".join(seg)}"/>')
    for i, p in enumerate(points):
        tip = f"{p.label} {p.date[:10]} {_fmt(p.score)} {p.subject}"
        if p.score is None:
            tip += f" (skipped: {p.error})"
            mark = (f'<circle class="point skipped" cx="{x(i):.1f}" cy="{y(0):.1f}" r="5" '
                    'fill="none" stroke="#d64545" stroke-width="2">')
        else:
            mark = (f'<circle class="point" cx="{x(i):.1f}" cy="{y(p.score):.1f}" r="5" '
                    'fill="currentColor">')
        parts.append(f'<a href="#{anchor(p)}" data-commit="{_e(p.commit)}">{mark}'
                     f'<title>{_e(tip)}</title></circle></a>')
    # legend
    lx = PAD_L
    for k, (name, _) in enumerate(series):
        color = _COLORS[k % len(_COLORS)] if k else "currentColor"
        parts.append(f'<rect x="{lx}" y="{H - 14}" width="10" height="10" fill="{color}"/>'
                     f'<text x="{lx + 14}" y="{H - 5}" font-size="11" fill="currentColor">'
                     f'{_e(name)}</text>')
        lx += 24 + 7 * len(name)
    parts.append("</svg>")
    return "".join(parts)


def table_html(points: Sequence[Point]) -> str:
    names = area_names(points)
    head = "".join(f"<th>{_e(h)}</th>" for h in
                   ["commit", "date", "score", *names, "findings", "split concepts", "subject"])
    rows = []
    for p in reversed(points):
        areas = {a.name: a.score for a in p.areas}
        if p.score is None:
            cells = [_fmt(None), *["" for _ in names], "", ""]
            subject = f"{_e(p.subject)} <em>(skipped: {_e(p.error)})</em>"
        else:
            cells = [_fmt(p.score), *[_fmt(areas.get(nm)) for nm in names], str(p.violations),
                     str(len(p.concepts))]
            subject = _e(p.subject)
        rules = ", ".join(f"{r} {c}" for r, c in p.rules)
        rows.append(f'<tr id="{anchor(p)}"><td><code>{_e(p.label)}</code></td>'
                    f"<td>{_e(p.date[:10])}</td>"
                    + "".join(f'<td class="num">{_e(c)}</td>' for c in cells)
                    + f'<td>{subject}{"<br><small>" + _e(rules) + "</small>" if rules else ""}'
                    "</td></tr>")
    return (f'<table class="trend-table"><thead><tr>{head}</tr></thead>'
            f"<tbody>{''.join(rows)}</tbody></table>")


def section(points: Sequence[Point]) -> str:
    """The trend card `report --format html --trend N` embeds."""
    return (f'<section class="card" id="trend"><style>{TREND_CSS}</style><h2>Trend</h2>'
            f'<p class="muted">{len(points)} commits, oldest first (first-parent history). '
            "Each point links to its commit's row.</p>"
            f'<div class="chart">{svg_chart(points)}</div>{table_html(points)}</section>')


def page(points: Sequence[Point]) -> str:
    return "\n".join([
        "<!DOCTYPE html>", '<html lang="en">', "<head>", '<meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">',
        "<title>ssotcheck trend</title>", f"<style>{CSS}</style>", "</head>",
        "<body><main>", section(points), "</main>",
        f"<footer>Generated by ssotcheck {_e(__version__)}.</footer>", "</body>", "</html>",
    ]) + "\n"


TREND_CSS = """
.trend-chart { max-width: 100%; height: auto; color: var(--ink); }
.trend-table { border-collapse: collapse; margin-top: 12px; width: 100%; }
.trend-table td, .trend-table th { padding: 3px 8px; border-bottom: 1px solid var(--line);
  text-align: left; vertical-align: top; }
.trend-table td.num { text-align: right; font-variant-numeric: tabular-nums; }
.trend-table tr:target { background: var(--code); }
"""
