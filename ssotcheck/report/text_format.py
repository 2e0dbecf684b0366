"""Human-readable output: findings as `path:line:col: RULE message`, plus the report view.

The report view (`full=True`) fits `width` columns: tables shrink and fold, and finding
messages wrap with a hanging indent. The `check` view keeps one line per finding so
editors and `grep` can consume it. Without colour it is plain ASCII apart from the
user's own paths and messages.
"""

from __future__ import annotations

import io
import textwrap
from typing import TYPE_CHECKING, Any

from rich import box
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from ssotcheck.model import Finding
from ssotcheck.report.summary import (
    NEXT_STEPS,
    area_rows,
    fix_available,
    format_score,
    plural,
    rule_counts,
    top_files,
)

if TYPE_CHECKING:
    from ssotcheck.pipeline import RunResult

_SEV_STYLE = {"error": "bold red", "warning": "yellow", "info": "cyan"}
_BAR_WIDTH = 20


def _wrap(text: str, width: int, first_indent: str, indent: str) -> list[str]:
    """Wrap each line of `text` separately: check messages may carry deliberate newlines."""
    out: list[str] = []
    for i, para in enumerate(text.split("\n")):
        out += textwrap.wrap(para, width=max(width, 40), initial_indent=first_indent if i == 0
                             else indent, subsequent_indent=indent, break_long_words=False,
                             break_on_hyphens=False, drop_whitespace=True) or [indent.rstrip()]
    return out


def _finding_lines(f: Finding, color: bool, width: int | None = None) -> list[str]:
    """Console markup lines for one finding; `width=None` keeps the head on one line."""
    loc = f.location
    sev = f.severity.value
    head = f"{loc.path}:{loc.line}:{loc.column + 1}:"
    tail = f"({f.name}, {sev})"
    plain = f"{head} {f.rule} {f.message} {tail}"
    lines = [plain] if width is None else _wrap(plain, width, "", "    ")
    if color:
        out = []
        for i, line in enumerate(lines):
            styled = escape(line)
            if i == 0 and line.startswith(f"{head} {f.rule}"):
                rest = line[len(head) + len(f.rule) + 1:]
                styled = (f"[bold]{escape(head)}[/bold] [{_SEV_STYLE[sev]}]{f.rule}[/]"
                          f"{escape(rest)}")
            if i == len(lines) - 1 and line.endswith(tail):
                styled = styled[: len(styled) - len(escape(tail))] + f"[dim]{escape(tail)}[/dim]"
            out.append(styled)
        lines = out
    extra: list[tuple[str, str]] = []
    for r in f.related:
        txt = f"related: {r.path}:{r.line}:{r.column + 1}" + (f": {r.message}" if r.message else "")
        extra.append((txt, "dim"))
    if f.fix is not None:
        extra.append((f"fix ({'safe' if f.fix.safe else 'unsafe'}): {f.fix.description}", "green"))
    for txt, style in extra:
        wrapped = [f"    {txt}"] if width is None else _wrap(txt, width, "    ", "      ")
        lines += [f"[{style}]{escape(w)}[/{style}]" if color else w for w in wrapped]
    return lines


def findings_only(result: RunResult, *, color: bool = False) -> str:
    """`-q`: the findings and nothing else (no header, no summary)."""
    buf = io.StringIO()
    console = _console(buf, color, 100)
    for f in result.findings:
        for line in _finding_lines(f, color):
            console.print(line, markup=color)
    return buf.getvalue()


def _console(buf: io.StringIO, color: bool, width: int) -> Console:
    # soft_wrap: lines are wrapped here, deliberately, or not at all (the `check` view);
    # rich must not re-wrap them at a terminal width it guessed.
    return Console(file=buf, width=width, force_terminal=color, no_color=not color,
                   color_system="standard" if color else None, highlight=False,
                   emoji=False, soft_wrap=True, markup=True)


def _table(title: str, color: bool) -> Table:
    return Table(title=title, title_justify="left", box=box.SIMPLE_HEAD if color else box.ASCII2,
                 show_edge=False, pad_edge=False, title_style="bold" if color else None)


def _bar(score: float, color: bool) -> str:
    filled = int(score * _BAR_WIDTH // 100)
    if score < 100 and filled == _BAR_WIDTH:
        filled -= 1  # a full bar would read as "no violations"
    if not color:
        return "#" * filled + "." * (_BAR_WIDTH - filled)
    style = "green" if score >= 95 else "yellow" if score >= 80 else "red"
    return f"[{style}]{'█' * filled}[/{style}][dim]{'░' * (_BAR_WIDTH - filled)}[/dim]"


def _header(result: RunResult, color: bool, width: int) -> list[str]:
    stats, scores = result.stats, result.scores
    name = result.config.root.name or "."
    score = format_score(scores.overall)
    lines = [f"[bold]ssotcheck report[/bold] for {escape(name)}" if color
             else f"ssotcheck report for {name}"]
    verdict = (f"score {score}: {plural(scores.violations, 'violation')} in "
               f"{scores.files_with_violations} of {plural(scores.files, 'file')}")
    lines.append(f"[bold]{escape(verdict)}[/bold]" if color else verdict)
    counts = (f"files analysed: {stats.files_analyzed}   failed to parse: {stats.files_failed}   "
              f"excluded: {stats.files_excluded}   in scope: {scores.files}")
    lines += _wrap(counts, width, "", "")
    return lines


def render(result: RunResult, *, color: bool = False, width: int = 100,
           full: bool = True, **_: Any) -> str:
    buf = io.StringIO()
    console = _console(buf, color, width)
    scores = result.scores

    def p(item: Any = "") -> None:
        # Without colour every string is already plain text: markup parsing would eat
        # a user's `[brackets]`.
        console.print(item, markup=color)

    if full:
        for line in _header(result, color, width):
            p(line)
        p("")
        t = _table("Compliance by area", color)
        for col in ("area", "files", "files with violations", "violations", "score"):
            t.add_column(col, justify="left" if col == "area" else "right", no_wrap=col != "area",
                         overflow="fold")
        t.add_column("", no_wrap=True)
        rows = area_rows(scores)
        for i, a in enumerate(rows):
            is_total = i == len(rows) - 1
            t.add_row(escape(a.name), str(a.files), str(a.files_with_violations),
                      str(a.violations), format_score(a.score), _bar(a.score, color),
                      style="bold" if color and is_total else None, end_section=i == len(rows) - 2)
        p(t)
        p("")
        counts = rule_counts(result.findings)
        if counts:
            t = _table("Findings by rule", color)
            for col in ("rule", "name", "severity", "findings", "violations", "files"):
                t.add_column(col, no_wrap=True, justify="right" if col in (
                    "findings", "violations", "files") else "left")
            for r in counts:
                t.add_row(r.rule, r.name, r.severity, str(r.findings), str(r.violations),
                          str(r.files))
            p(t)
            p("")
        if result.concepts:
            t = _table("Split concepts (most spread first)", color)
            for col in ("concept", "kind", "spread", "homes"):
                t.add_column(col, justify="right" if col == "spread" else "left",
                             overflow="fold", no_wrap=col in ("kind", "spread"))
            for c in result.concepts:
                homes = "\n".join(
                    escape(f"{h.path}:{h.line}" + (" (canonical)" if h.message == "canonical"
                                                   else ""))
                    for h in c.homes)
                t.add_row(escape(c.name), c.kind, str(c.spread), homes)
            p(t)
            p("")
        top = top_files(result.findings)
        if top:
            t = _table("Top offending files", color)
            t.add_column("file", overflow="fold")
            t.add_column("violations", justify="right", no_wrap=True)
            for path, n in top:
                t.add_row(escape(path), str(n))
            p(t)
            p("")

    for f in result.findings:
        for line in _finding_lines(f, color, width if full else None):
            p(line)
    if result.findings:
        p("")
    n = len(result.findings)
    n_counted = sum(1 for f in result.findings if f.severity.counts)
    # Wording kept from the first release (`in M of F files`): scripts grep for it.
    summary = (f"{plural(n, 'finding')} ({n_counted} counted) in "
               f"{scores.files_with_violations} of {scores.files} files; "
               f"score {format_score(scores.overall)}")
    if result.suppressed:
        summary += f"; {result.suppressed} suppressed inline"
    if result.baselined:
        summary += f"; {result.baselined} in baseline"
    for line in (_wrap(summary, width, "", "  ") if full else [summary]):
        p(escape(line) if color else line)
    if full and result.findings:
        p("")
        p("[bold]Next steps:[/bold]" if color else "Next steps:")
        steps = [(cmd, why) for cmd, why in NEXT_STEPS
                 if cmd != "ssotcheck fix --diff" or fix_available(result.findings)]
        pad = max(len(cmd) for cmd, _ in steps) + 2
        for cmd, why in steps:
            for line in _wrap(f"{cmd:<{pad}}{why}", width, "  ", " " * (pad + 2)):
                p(escape(line) if color else line)
    # rich pads table cells to the column width; trailing blanks are noise in diffs and logs.
    return "\n".join(line.rstrip(" ") for line in buf.getvalue().split("\n"))
