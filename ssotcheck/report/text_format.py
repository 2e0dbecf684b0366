"""Human-readable output: the `report` summary, and findings as `path:line:col: RULE message`.

The report view (`full=True`) is a summary that fits one screen on a large monorepo:
score, areas, rules, the top of the split-concept register (each row naming a few homes
and counting the rest per area), the top offending files and directories, and how to see
the rest. It lists findings only when asked (`report --findings`). Its tables go through
rich, which folds them to `width` columns; there are a few dozen rows at most.

Findings (`check`, `report --findings`) are written as plain strings, never through rich:
ten thousand of them must render in well under a second. Three layouts, named as ruff
names them: `full` (head line, then indented `related:` / `fix:` lines), `concise` (one
line per finding) and `grouped` (per file). Colour is plain ANSI and only when asked for
(the CLI asks on a terminal); without it the output is plain text.
"""

from __future__ import annotations

import io
import textwrap
from typing import TYPE_CHECKING, Any, Callable, Iterable

from rich import box
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from ssotcheck.model import Finding, Location
from ssotcheck.report import RenderOptions
from ssotcheck.report.causes import fold_note, fold_uses, top_causes
from ssotcheck.report.summary import (
    NEXT_STEPS,
    RegisterRow,
    area_rows,
    directory_scores,
    fix_available,
    format_score,
    home_label,
    plural,
    printable,
    register,
    register_title,
    rule_counts,
    stale_count,
    top_files,
)

if TYPE_CHECKING:
    from ssotcheck.pipeline import RunResult

_BAR_WIDTH = 20
TOP_FILES = 10
TOP_DIRECTORIES = 10

# ------------------------------------------------------------------ plain ANSI colour

_RESET = "\x1b[0m"
_ANSI = {"bold": "\x1b[1m", "dim": "\x1b[2m", "green": "\x1b[32m", "error": "\x1b[1;31m",
         "warning": "\x1b[33m", "info": "\x1b[36m"}
Paint = Callable[[str, str], str]


def _paint(color: bool) -> Paint:
    if not color:
        return lambda text, _style: text
    return lambda text, style: f"{_ANSI[style]}{text}{_RESET}"


def _wrap(text: str, width: int, first_indent: str, indent: str) -> list[str]:
    """Wrap each line of `text` separately: check messages may carry deliberate newlines."""
    out: list[str] = []
    for i, para in enumerate(text.split("\n")):
        out += textwrap.wrap(para, width=max(width, 40), initial_indent=first_indent if i == 0
                             else indent, subsequent_indent=indent, break_long_words=False,
                             break_on_hyphens=False, drop_whitespace=True) or [indent.rstrip()]
    return out


# -------------------------------------------------------------------------- findings


def _position(loc: Location) -> str:
    return f"{loc.line}:{loc.column + 1}"


def related_lines(f: Finding) -> list[str]:
    """`related: path:line:col: message` for each related location (unindented)."""
    return [f"related: {printable(r.path)}:{_position(r)}"
            + (f": {printable(r.message)}" if r.message else "") for r in f.related]


def fix_line(f: Finding) -> str | None:
    if f.fix is None:
        return None
    return f"fix ({'safe' if f.fix.safe else 'unsafe'}): {printable(f.fix.description)}"


def _details(f: Finding, related: bool, indent: str, paint: Paint,
             width: int | None) -> list[str]:
    extra = [(line, "dim") for line in related_lines(f)] if related else []
    fix = fix_line(f)
    if fix is not None:
        extra.append((fix, "green"))
    out: list[str] = []
    for txt, style in extra:
        wrapped = [indent + txt] if width is None else _wrap(txt, width, indent, indent + "  ")
        out += [paint(w, style) for w in wrapped]
    return out


def _full(f: Finding, paint: Paint, related: bool, width: int | None) -> list[str]:
    """The head line `path:line:col: RULE message (name, severity)` and its details;
    `width=None` keeps the head on one line (the `check` view), else it wraps."""
    head = f"{printable(f.path)}:{_position(f.location)}:"
    tail = f"({f.name}, {f.severity.value})"
    message = printable(f.message)
    if width is None:
        # a message's own line breaks get the details' indent, so every line that starts
        # at column 0 is a finding's head
        lines = [f"{paint(head, 'bold')} {paint(f.rule, f.severity.value)} "
                 f"{message.replace(chr(10), chr(10) + '    ')} {paint(tail, 'dim')}"]
    else:
        lines = _wrap(f"{head} {f.rule} {message} {tail}", width, "", "    ")
        if lines[0].startswith(f"{head} {f.rule}"):
            lines[0] = (f"{paint(head, 'bold')} {paint(f.rule, f.severity.value)}"
                        + lines[0][len(head) + len(f.rule) + 1:])
    return lines + _details(f, related, "    ", paint, width)


def _concise(f: Finding, paint: Paint, related: bool) -> list[str]:
    message = printable(f.message).replace("\n", " ")
    line = (f"{paint(printable(f.path) + ':' + _position(f.location) + ':', 'bold')} "
            f"{paint(f.rule, f.severity.value)} {message}")
    return [line] + (_details(f, True, "    ", paint, None) if related else [])


def _grouped(findings: Iterable[Finding], paint: Paint, related: bool) -> list[str]:
    out: list[str] = []
    path = None
    for f in findings:
        if f.path != path:
            if path is not None:
                out.append("")
            path = f.path
            out.append(paint(printable(path) + ":", "bold"))
        message = printable(f.message).replace("\n", "\n      ")
        out.append(f"  {_position(f.location)} {paint(f.rule, f.severity.value)} {message}")
        out += _details(f, related, "      ", paint, None)
    return out


def finding_lines(findings: Iterable[Finding], options: RenderOptions, color: bool,
                  width: int | None = None, fold: bool = False) -> list[str]:
    """Every finding in `options.layout`; `width` wraps the `full` layout (report view).
    `fold` (report view, `full` layout): many uses of one banned API in one file are one
    entry with a "N uses in this file" line (`report.causes.fold_uses`); each is still a
    finding (and a baseline entry), and `check` keeps one line per use for grep."""
    paint = _paint(color)
    related = options.related()
    if options.layout == "grouped":
        return _grouped(findings, paint, related)
    out: list[str] = []
    if options.layout == "concise":
        for f in findings:
            out += _concise(f, paint, related)
    elif fold:
        for f, folded in fold_uses(findings):
            out += _full(f, paint, related, width)
            if folded:
                note = fold_note(f, folded)
                wrapped = [f"    {note}"] if width is None else _wrap(note, width, "    ",
                                                                      "      ")
                out += [paint(line, "dim") for line in wrapped]
    else:
        for f in findings:
            out += _full(f, paint, related, width)
    return out


def findings_only(result: RunResult, *, color: bool = False,
                  options: RenderOptions = RenderOptions()) -> str:
    """`-q`: the findings and nothing else (no header, no summary)."""
    lines = finding_lines(result.findings, options, color)
    return "".join(line + "\n" for line in lines)


def summary_line(result: RunResult) -> str:
    scores = result.scores
    n = len(result.findings)
    n_counted = sum(1 for f in result.findings if f.counts)
    # Wording kept from the first release (`in M of F files`): scripts grep for it.
    summary = (f"{plural(n, 'finding')} ({n_counted} counted) in "
               f"{scores.files_with_violations} of {scores.files} files; "
               f"score {format_score(scores.overall)}")
    if result.suppressed:
        summary += f"; {result.suppressed} suppressed inline"
    if result.baselined:
        summary += f"; {result.baselined} in baseline"
    stale = stale_count(result)
    if stale:
        summary += (f"; {plural(stale, 'baselined finding')} no longer "
                    f"{'occurs' if stale == 1 else 'occur'}")
    if result.at_base:
        summary += f"; {result.at_base} also at the diff base"
    return summary


def check_view(result: RunResult, options: RenderOptions, color: bool) -> str:
    lines = finding_lines(result.findings, options, color)
    if result.findings:
        lines.append("")
    lines.append(summary_line(result))
    return "\n".join(lines) + "\n"


# ----------------------------------------------------------------------- report view


def _console(buf: io.StringIO, color: bool, width: int) -> Console:
    # soft_wrap: lines are wrapped here, deliberately, or not at all; rich must not
    # re-wrap them at a terminal width it guessed.
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


def _area_table(result: RunResult, color: bool) -> Table:
    t = _table("Compliance by area", color)
    for col in ("area", "files", "files with violations", "violations", "score"):
        t.add_column(col, justify="left" if col == "area" else "right", no_wrap=col != "area",
                     overflow="fold")
    t.add_column("", no_wrap=True)
    rows = area_rows(result.scores)
    for i, a in enumerate(rows):
        is_total = i == len(rows) - 1
        t.add_row(escape(a.name), str(a.files), str(a.files_with_violations),
                  str(a.violations), format_score(a.score), _bar(a.score, color),
                  style="bold" if color and is_total else None, end_section=i == len(rows) - 2)
    return t


def _baseline_table(result: RunResult, color: bool) -> Table | None:
    """Baselined findings per area: the debt the scores beside it do not count."""
    by_area = result.baselined_by_area()
    if not by_area:
        return None
    t = _table(f"In the baseline ({result.baseline_file})", color)
    t.add_column("area", no_wrap=True)
    t.add_column("baselined", justify="right", no_wrap=True)
    for area, n in by_area.items():
        t.add_row(escape(area), str(n))
    return t


def _rule_table(result: RunResult, color: bool) -> Table | None:
    counts = rule_counts(result.findings)
    if not counts:
        return None
    t = _table("Findings by rule", color)
    for col in ("rule", "name", "severity", "findings", "violations", "files"):
        t.add_column(col, no_wrap=True, justify="right" if col in (
            "findings", "violations", "files") else "left")
    for r in counts:
        t.add_row(r.rule, r.name, r.severity, str(r.findings), str(r.violations), str(r.files))
    return t


def register_homes(row: RegisterRow) -> str:
    """`a.py:3 (canonical), b.py:9; +160 in tests, 3 in scripts`."""
    listed = ", ".join(home_label(h) for h in row.listed)
    rest = row.rest_phrase()
    return f"{listed}; {rest}" if rest else listed


def _register_table(result: RunResult, options: RenderOptions, color: bool) -> Table | None:
    if not result.concepts:
        return None
    rows = register(result, options.concepts)
    if not rows:
        return None  # `--concepts 0`: only the "N more" line
    t = _table(register_title(len(rows), len(result.concepts)), color)
    for col in ("concept", "kind", "spread", "homes"):
        t.add_column(col, justify="right" if col == "spread" else "left",
                     overflow="fold", no_wrap=col in ("kind", "spread"), ratio=3 if col == "homes"
                     else None)
    for row in rows:
        t.add_row(escape(row.name), row.kind, str(row.spread), escape(register_homes(row)))
    return t


def _top_causes_table(result: RunResult, color: bool) -> Table | None:
    """Shown when a root cause exists (SSOT301: one base many test classes fail through);
    it lists those first, then the files where one rule fires most."""
    causes = top_causes(result.findings)
    if not any(c.root_cause for c in causes):
        return None
    t = _table("Top causes (one change fixes many findings)", color)
    t.add_column("cause", overflow="fold")
    t.add_column("where", overflow="fold")
    t.add_column("fixes", justify="right", no_wrap=True)
    for cause in causes:
        where = f"{cause.path}:{cause.line}" if cause.line else cause.path
        t.add_row(escape(cause.title), escape(where), str(cause.fixes))
    return t


def _top_files_table(result: RunResult, color: bool) -> Table | None:
    top = top_files(result.findings, TOP_FILES)
    if not top:
        return None
    t = _table("Top offending files", color)
    t.add_column("file", overflow="fold")
    t.add_column("violations", justify="right", no_wrap=True)
    for path, n in top:
        t.add_row(escape(path), str(n))
    return t


def _directory_table(result: RunResult, color: bool) -> Table | None:
    dirs = [d for d in directory_scores(result) if d.files_with_violations][:TOP_DIRECTORIES]
    if not dirs:
        return None
    t = _table("Top offending directories", color)
    t.add_column("directory", overflow="fold")
    for col in ("files", "files with violations", "violations", "score"):
        t.add_column(col, justify="right", no_wrap=True)
    for d in dirs:
        t.add_row(escape(d.name), str(d.files), str(d.files_with_violations), str(d.violations),
                  format_score(d.score))
    return t


def _rest_lines(result: RunResult, options: RenderOptions, n_shown: int) -> list[str]:
    """How to see what the summary left out."""
    out = []
    if len(result.concepts) > n_shown:
        out.append(f"{len(result.concepts) - n_shown} more split concepts: "
                   "`ssotcheck report --concepts all`")
    if result.findings and not options.findings:
        out.append(f"{plural(len(result.findings), 'finding')} not listed: "
                   "`ssotcheck report --findings` lists them, `ssotcheck check "
                   "--output-format concise` one per line, `--format html` filters them")
    return out


def _next_steps(result: RunResult, width: int) -> list[str]:
    steps = [(cmd, why) for cmd, why in NEXT_STEPS
             if cmd != "ssotcheck fix --diff" or fix_available(result.findings)]
    pad = max(len(cmd) for cmd, _ in steps) + 2
    out = []
    for cmd, why in steps:
        out += _wrap(f"{cmd:<{pad}}{why}", width, "  ", " " * (pad + 2))
    return out


def _summary(result: RunResult, options: RenderOptions, color: bool, width: int) -> str:
    buf = io.StringIO()
    console = _console(buf, color, width)

    def p(item: Any = "") -> None:
        # Without colour every string is already plain text: markup parsing would eat
        # a user's `[brackets]`.
        console.print(item, markup=color)

    for line in _header(result, color, width):
        p(line)
    p("")
    tables = (_area_table(result, color), _baseline_table(result, color),
              _rule_table(result, color), _register_table(result, options, color))
    for t in tables:
        if t is not None:
            p(t)
            p("")
    n_shown = len(result.concepts) if options.concepts is None else min(
        options.concepts, len(result.concepts))
    rest = _rest_lines(result, options, n_shown)
    if rest and len(result.concepts) > n_shown:
        p(escape(rest.pop(0)) if color else rest.pop(0))
        p("")
    for t in (_top_causes_table(result, color), _top_files_table(result, color),
              _directory_table(result, color)):
        if t is not None:
            p(t)
            p("")
    for line in rest:
        for wrapped in _wrap(line, width, "", "  "):
            p(escape(wrapped) if color else wrapped)
        p("")
    # rich pads table cells to the column width; trailing blanks are noise in diffs and logs.
    return "\n".join(line.rstrip(" ") for line in buf.getvalue().split("\n")).rstrip("\n") + "\n"


def render(result: RunResult, *, color: bool = False, width: int = 100,
           full: bool = True, options: RenderOptions = RenderOptions(), **_: Any) -> str:
    if not full:
        return check_view(result, options, color)
    out = [_summary(result, options, color, width)]
    if options.findings and result.findings:
        out.append("\n".join(finding_lines(result.findings, options, color, width, fold=True))
                   + "\n\n")
    else:
        out.append("")
    lines = _wrap(summary_line(result), width, "", "  ")
    if result.findings:
        lines += ["", _paint(color)("Next steps:", "bold"), *_next_steps(result, width)]
    out.append("\n".join(lines) + "\n")
    return "".join(out)
