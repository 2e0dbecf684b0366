"""GitHub Actions workflow commands: one annotation per finding, then a summary notice.

Escaping follows @actions/core (`toCommandValue` / `escapeData` / `escapeProperty`):
data escapes `%`, CR and LF; property values additionally escape `:` and `,`, which
would otherwise end the value. File paths are relative to the project root, which is
where GitHub expects them when the project is the repository root.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ssotcheck.model import Finding, Severity
from ssotcheck.report.summary import format_score, score_headline, violations_phrase

if TYPE_CHECKING:
    from ssotcheck.pipeline import RunResult

_COMMAND = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def command(name: str, properties: dict[str, str | int], message: str) -> str:
    props = ",".join(f"{k}={escape_property(str(v))}" for k, v in properties.items())
    head = f"::{name} {props}" if props else f"::{name}"
    return f"{head}::{escape_data(message)}"


def annotation(f: Finding) -> str:
    loc = f.location
    props: dict[str, str | int] = {"file": loc.path, "line": max(loc.line, 1),
                                   "col": loc.column + 1}
    if loc.end_line is not None and loc.end_line >= loc.line:
        props["endLine"] = loc.end_line
        # GitHub ignores columns on multi-line annotations, so only send them on one line.
        if loc.end_line == loc.line and loc.end_column is not None and loc.end_column > loc.column:
            props["endColumn"] = loc.end_column + 1
    props["title"] = f"{f.rule} {f.name}"
    lines = [f.message]
    lines += [f"related: {r.path}:{r.line}" + (f" ({r.message})" if r.message else "")
              for r in f.related]
    if f.fix is not None:
        lines.append(f"fix: {f.fix.description}")
    lines.append(f"Run `ssotcheck explain {f.rule}` for details.")
    return command(_COMMAND[f.severity], props, "\n".join(lines))


def summary_notice(result: RunResult) -> str:
    s = result.scores
    lines = [score_headline(s)]
    lines += [f"{a.name}: {format_score(a.score)} ("
              f"{violations_phrase(a.files, a.files_with_violations, a.violations)})"
              for a in s.areas]
    if result.concepts:
        lines.append(f"split concepts: {len(result.concepts)} (most spread: "
                     f"{result.concepts[0].name} in {result.concepts[0].spread} files)")
    return command("notice", {"title": f"ssotcheck score {format_score(s.overall)}"},
                   "\n".join(lines))


def render(result: RunResult, **_: Any) -> str:
    out = [annotation(f) for f in result.findings]
    out.append(summary_notice(result))
    return "\n".join(out) + "\n"
