"""Human-readable output: findings as `path:line:col: RULE message`, plus the report view."""

from __future__ import annotations

import io
from typing import Any

from rich import box
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from ssotcheck.model import Finding
from ssotcheck.report.summary import format_score, rule_counts, top_files

_SEV_STYLE = {"error": "bold red", "warning": "yellow", "info": "cyan"}


def _finding_lines(f: Finding, color: bool) -> list[str]:
    loc = f.location
    sev = f.severity.value
    head = f"{loc.path}:{loc.line}:{loc.column + 1}:"
    if color:
        line = (f"[bold]{escape(head)}[/bold] [{_SEV_STYLE[sev]}]{f.rule}[/] "
                f"{escape(f.message)} [dim]({f.name}, {sev})[/dim]")
    else:
        line = f"{head} {f.rule} {f.message} ({f.name}, {sev})"
    out = [line]
    for r in f.related:
        txt = f"    related: {r.path}:{r.line}:{r.column + 1}" + (f": {r.message}" if r.message else "")
        out.append(f"[dim]{escape(txt)}[/dim]" if color else txt)
    if f.fix is not None:
        txt = f"    fix ({'safe' if f.fix.safe else 'unsafe'}): {f.fix.description}"
        out.append(f"[green]{escape(txt)}[/green]" if color else txt)
    return out


def findings_only(result: "RunResult", *, color: bool = False) -> str:  # noqa: F821
    """`-q`: the findings and nothing else (no header, no summary)."""
    buf = io.StringIO()
    console = _console(buf, color, 100)
    for f in result.findings:
        for line in _finding_lines(f, color):
            console.print(line)
    return buf.getvalue()


def _console(buf: io.StringIO, color: bool, width: int) -> Console:
    return Console(file=buf, width=width, force_terminal=color, no_color=not color,
                   color_system="standard" if color else None, highlight=False,
                   emoji=False, soft_wrap=True)


def _table(title: str, color: bool) -> Table:
    return Table(title=title, title_justify="left", box=box.SIMPLE_HEAD if color else box.ASCII2,
                 show_edge=False, pad_edge=False)


def render(result: "RunResult", *, color: bool = False, width: int = 100,  # noqa: F821
           full: bool = True, **_: Any) -> str:
    buf = io.StringIO()
    console = _console(buf, color, width)
    p = console.print
    stats, scores = result.stats, result.scores

    if full:
        p(f"[bold]ssotcheck report[/bold] for {escape(str(result.config.root.name) or '.')}"
          if color else f"ssotcheck report for {result.config.root.name or '.'}")
        p(f"files analysed: {stats.files_analyzed}   failed to parse: {stats.files_failed}   "
          f"excluded: {stats.files_excluded}   in scope: {scores.files}")
        p("")
        t = _table("Compliance by area", color)
        for col in ("area", "files", "files with violations", "violations", "score"):
            t.add_column(col, justify="left" if col == "area" else "right")
        for a in scores.areas:
            t.add_row(a.name, str(a.files), str(a.files_with_violations), str(a.violations),
                      format_score(a.score))
        t.add_row("overall", str(scores.files), str(scores.files_with_violations),
                  str(scores.violations), format_score(scores.overall),
                  style="bold" if color else None)
        p(t)
        p("")
        counts = rule_counts(result.findings)
        if counts:
            t = _table("Findings by rule", color)
            for col in ("rule", "name", "severity", "violations", "files"):
                t.add_column(col, justify="right" if col in ("violations", "files") else "left")
            for r in counts:
                t.add_row(r.rule, r.name, r.severity, str(r.violations), str(r.files))
            p(t)
            p("")
        if result.concepts:
            t = _table("Split concepts (most spread first)", color)
            for col in ("concept", "kind", "spread", "homes"):
                t.add_column(col, justify="right" if col == "spread" else "left",
                             overflow="fold")
            for c in result.concepts:
                homes = "\n".join(
                    f"{h.path}:{h.line}" + (" (canonical)" if h.message == "canonical" else "")
                    for h in c.homes)
                t.add_row(c.name, c.kind, str(c.spread), homes)
            p(t)
            p("")
        top = top_files(result.findings)
        if top:
            t = _table("Top offending files", color)
            t.add_column("file", overflow="fold")
            t.add_column("violations", justify="right")
            for path, n in top:
                t.add_row(path, str(n))
            p(t)
            p("")

    for f in result.findings:
        for line in _finding_lines(f, color):
            p(line)
    if result.findings:
        p("")
    n = len(result.findings)
    counted = sum(1 for f in result.findings if f.severity.counts)
    summary = (f"{n} finding{'s' if n != 1 else ''} ({counted} counted) in "
               f"{scores.files_with_violations} of {scores.files} files; "
               f"score {format_score(scores.overall)}")
    if result.suppressed:
        summary += f"; {result.suppressed} suppressed inline"
    if result.baselined:
        summary += f"; {result.baselined} in baseline"
    p(summary)
    if full and result.findings:
        p("")
        p("Next steps:")
        p("  ssotcheck explain RULE            what a rule means and how to fix it")
        if any(f.fix is not None for f in result.findings):
            p("  ssotcheck fix --diff              preview automatic fixes")
        p("  ssotcheck baseline                accept today's findings, fail only on new ones")
        p("  ssotcheck report --format html -o report.html   shareable report")
    return buf.getvalue()
