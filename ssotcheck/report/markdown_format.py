"""GitHub-flavoured Markdown for pull-request comments and `$GITHUB_STEP_SUMMARY`.

Long lists are capped so a comment stays well under GitHub's 65,536-character limit;
the caps never touch the headline or the tables, whose numbers come from
`report.summary` like every other format's. User content (paths, messages, concept
names) is escaped so it cannot open HTML, links, mentions or table cells.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from ssotcheck.model import Finding, Severity
from ssotcheck.report import REGISTER_ROWS
from ssotcheck.report.summary import (
    NEXT_STEPS,
    area_rows,
    directory_scores,
    home_label,
    left_out,
    register,
    register_title,
    fix_available,
    format_score,
    plural,
    rule_counts,
    stale_count,
    top_files,
    violations_phrase,
)

if TYPE_CHECKING:
    from ssotcheck.pipeline import RunResult

MAX_FINDINGS = 30
MAX_CONCEPTS = REGISTER_ROWS
MAX_HOMES = 8  # related locations named per finding
MAX_DIRECTORIES = 10
# GitHub rejects a job summary over 1 MiB; a comment's limit (65,536 characters) is met by
# the caps above in practice, this guard holds the summary limit whatever the messages.
SIZE_LIMIT = 1024 * 1024 - 4096

_SPECIAL = re.compile(r"([\\`*_\[\]<>|~#@!&{}])")
_SEV_ORDER = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}


def text(s: str) -> str:
    """Plain text safe anywhere inline, table cells included."""
    return _SPECIAL.sub(r"\\\1", s.replace("\r", " ").replace("\n", " "))


def code(s: str, *, in_table: bool = False) -> str:
    """An inline code span that survives backticks (and, in a table cell, pipes) in `s`."""
    s = s.replace("\r", " ").replace("\n", " ")
    if in_table:
        # GFM splits table cells at `|` even inside code spans unless it is escaped;
        # outside a table the backslash would show, so only escape here.
        s = s.replace("|", "\\|")
    fence = "`" * (max((len(m) for m in re.findall(r"`+", s)), default=0) + 1)
    pad = " " if s.startswith("`") or s.endswith("`") else ""
    return f"{fence}{pad}{s}{pad}{fence}"


def message(s: str) -> str:
    """Escaped text whose `backticked` names stay code spans, as the checks wrote them."""
    parts = re.split(r"`([^`\n]+)`", s)
    return "".join(code(p) if i % 2 else text(p) for i, p in enumerate(parts))


def _row(cells: list[str]) -> str:
    return "| " + " | ".join(cells) + " |"


def _finding_item(f: Finding) -> str:
    loc = f.location
    item = (f"- {code(f'{loc.path}:{loc.line}:{loc.column + 1}')} **{f.rule}** "
            f"{f.name} ({f.severity.value}): {message(f.message)}")
    if f.related:
        shown = ", ".join(code(f"{r.path}:{r.line}") for r in f.related[:MAX_HOMES])
        more = f" and {len(f.related) - MAX_HOMES} more" if len(f.related) > MAX_HOMES else ""
        item += f"  \n  related: {shown}{more}"
    return item


def render(result: RunResult, **_: Any) -> str:
    s, st = result.scores, result.stats
    out: list[str] = [
        f"## ssotcheck: {format_score(s.overall)} compliant",
        "",
        f"**{violations_phrase(s.files, s.files_with_violations, s.violations)}** · "
        f"{st.files_analyzed} analysed, {st.files_failed} failed to parse, "
        f"{st.files_excluded} excluded"
        + (f", {result.suppressed} suppressed inline" if result.suppressed else "")
        + (f", {result.baselined} in baseline" if result.baselined else "")
        + (f", {stale_count(result)} baselined no longer occur" if stale_count(result) else "")
        + (f", {result.at_base} also at the diff base" if result.at_base else ""),
        "",
        "### Compliance by area",
        "",
        _row(["Area", "Files", "Files with violations", "Violations", "Score"]),
        _row([":--", "--:", "--:", "--:", "--:"]),
    ]
    rows = area_rows(s)
    for i, a in enumerate(rows):
        cells = [text(a.name), str(a.files), str(a.files_with_violations), str(a.violations),
                 format_score(a.score)]
        if i == len(rows) - 1:
            cells = [f"**{c}**" for c in cells]
        out.append(_row(cells))
    by_area = result.baselined_by_area()
    if by_area:
        out += ["", f"### In the baseline ({code(result.baseline_file or '')})", "",
                _row(["Area", "Baselined"]), _row([":--", "--:"])]
        out += [_row([text(a), str(n)]) for a, n in by_area.items()]
    counts = rule_counts(result.findings)
    if counts:
        out += ["", "### Findings by rule", "",
                _row(["Rule", "Name", "Severity", "Findings", "Violations", "Files"]),
                _row([":--", ":--", ":--", "--:", "--:", "--:"])]
        out += [_row([r.rule, r.name, r.severity, str(r.findings), str(r.violations),
                      str(r.files)]) for r in counts]
    out += _register(result)
    top = top_files(result.findings, 5)
    if top:
        out += ["", "### Top offending files", ""]
        out += [f"- {code(path)}: {plural(n, 'violation')}" for path, n in top]
    out += _directories(result)
    doc = _join(out, _findings(result, MAX_FINDINGS), result)
    n = MAX_FINDINGS
    while len(doc.encode("utf-8")) > SIZE_LIMIT and n > 0:
        # Messages can be long (a split concept's message lists every home): show fewer.
        n //= 2
        doc = _join(out, _findings(result, n), result)
    return doc


def _join(head: list[str], findings: list[str], result: RunResult) -> str:
    out = head + findings
    shown = sum(1 for line in findings if line.startswith("- ") and "**SSOT" in line)
    concepts = min(len(result.concepts), MAX_CONCEPTS)
    omitted = left_out(result, shown, concepts)
    if omitted:
        out += ["", f"_Left out of this summary: {omitted}. `ssotcheck report --format html` "
                    "shows everything in one filterable page._"]
    if result.findings:
        steps = [(cmd, why) for cmd, why in NEXT_STEPS
                 if cmd != "ssotcheck fix --diff" or fix_available(result.findings)]
        out += ["", "<details><summary>Next steps</summary>", ""]
        out += [f"- `{cmd}`: {text(why)}" for cmd, why in steps]
        out += ["", "</details>"]
    else:
        out += ["", "No findings."]
    return "\n".join(out) + "\n"


def _findings(result: RunResult, cap: int) -> list[str]:
    if not result.findings:
        return []
    ranked = sorted(result.findings, key=lambda f: (_SEV_ORDER[f.severity], f.sort_key()))
    out = ["", "### Top findings", ""]
    out += [_finding_item(f) for f in ranked[:cap]]
    if len(ranked) > cap:
        out.append(f"- … and {len(ranked) - cap} more (`ssotcheck report --findings` lists "
                   "them all)")
    return out


def _register(result: RunResult) -> list[str]:
    if not result.concepts:
        return []
    rows = register(result, MAX_CONCEPTS)
    out = ["", "### " + register_title(len(rows), len(result.concepts)), "",
           _row(["Concept", "Kind", "Spread", "Homes"]), _row([":--", ":--", "--:", ":--"])]
    for row in rows:
        homes = [code(home_label(h), in_table=True) for h in row.listed]
        rest = row.rest_phrase()
        if rest:
            homes.append(text(rest))
        out.append(_row([code(row.name, in_table=True), text(row.kind), str(row.spread),
                         "<br>".join(homes)]))
    if len(result.concepts) > MAX_CONCEPTS:
        out += ["", f"… and {plural(len(result.concepts) - MAX_CONCEPTS, 'more concept')} "
                    "(`ssotcheck report --concepts all`)"]
    return out


def _directories(result: RunResult) -> list[str]:
    dirs = [d for d in directory_scores(result) if d.files_with_violations][:MAX_DIRECTORIES]
    if not dirs:
        return []
    out = ["", "### Top offending directories", "",
           _row(["Directory", "Files", "Files with violations", "Violations", "Score"]),
           _row([":--", "--:", "--:", "--:", "--:"])]
    out += [_row([code(d.name, in_table=True), str(d.files), str(d.files_with_violations),
                  str(d.violations), format_score(d.score)]) for d in dirs]
    return out
