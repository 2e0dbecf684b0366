"""`ssotcheck diff BASE [HEAD]` output: text, Markdown (a pull-request comment) and JSON."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from ssotcheck import __version__
from ssotcheck.model import Finding
from ssotcheck.report.json_format import finding_dict
from ssotcheck.report.summary import printable

if TYPE_CHECKING:
    from ssotcheck.history import ConceptChange, Diff, Point

DIFF_SCHEMA_VERSION = 1
FORMATS = ("text", "markdown", "json")


def render(d: Diff, fmt: str) -> str:
    return {"text": text, "markdown": markdown, "json": to_json}[fmt](d)


def _score(v: float | None) -> str:
    return "-" if v is None else f"{v:.1f}%"


def _delta(a: float | None, b: float | None) -> str:
    return "" if a is None or b is None else f"{b - a:+.1f}"


def area_moves(d: Diff) -> list[tuple[str, float | None, float | None, int, int]]:
    """(area, base score, head score, base files, head files) for every area of either."""
    before = {a.name: a for a in d.base.areas}
    after = {a.name: a for a in d.head.areas}
    names = [a.name for a in d.head.areas] + [n for n in before if n not in after]
    return [(n, before[n].score if n in before else None, after[n].score if n in after else None,
             before[n].files if n in before else 0, after[n].files if n in after else 0)
            for n in names]


def _where(p: Point) -> str:
    return p.label if not p.commit else f"{p.label} ({printable(p.subject)[:60]})"


def _finding_line(f: Finding) -> str:
    return f"{printable(f.path)}:{f.line}:{f.location.column + 1}: {f.rule} {printable(f.message)}"


def _concept_line(c: ConceptChange) -> str:
    if c.before == 0:
        return f"newly split: {c.kind} {printable(c.name)} ({c.after} homes)"
    if c.after == 0:
        return f"merged: {c.kind} {printable(c.name)} (had {c.before} homes)"
    return f"{c.kind} {printable(c.name)}: {c.before} -> {c.after} homes"


def text(d: Diff) -> str:
    out = [f"ssotcheck diff {_where(d.base)} -> {_where(d.head)}", "",
           f"score: {_score(d.base.score)} -> {_score(d.head.score)} "
           f"({_delta(d.base.score, d.head.score) or '±0.0'})"]
    for name, a, b, fa, fb in area_moves(d):
        out.append(f"  {printable(name):<16} {_score(a):>7} -> {_score(b):>7}  "
                   f"{_delta(a, b):>6}  ({fa} -> {fb} files)")
    out += ["", f"{len(d.new)} new finding{'s' if len(d.new) != 1 else ''}:"]
    out += [f"  + {_finding_line(f)}" for f in d.new]
    out += [f"{len(d.fixed)} fixed finding{'s' if len(d.fixed) != 1 else ''}:"]
    out += [f"  - {_finding_line(f)}" for f in d.fixed]
    if d.concepts:
        out += ["concepts:"] + [f"  {_concept_line(c)}" for c in d.concepts]
    if d.renames:
        out += [f"{len(d.renames)} file{'s' if len(d.renames) != 1 else ''} renamed "
                "(findings followed them)"]
    return "\n".join(out) + "\n"


def _md(s: str) -> str:
    return printable(s).replace("|", "\\|").replace("\n", " ")


def markdown(d: Diff) -> str:
    delta = _delta(d.base.score, d.head.score)
    out = [f"## ssotcheck: {_score(d.head.score)}"
           + (f" ({delta} vs `{d.base.label}`)" if delta else ""), "",
           f"**{len(d.new)} new**, **{len(d.fixed)} fixed** findings"
           f" since `{d.base.label}`.", "",
           "| Area | Base | Head | Change | Files |", "|:--|--:|--:|--:|--:|"]
    for name, a, b, fa, fb in area_moves(d):
        out.append(f"| {_md(name)} | {_score(a)} | {_score(b)} | {_delta(a, b)} | {fb} |")
    for title, items, sign in (("New findings", d.new, "+"), ("Fixed findings", d.fixed, "-")):
        if items:
            out += ["", f"### {title}", "", "| | Rule | Where | Message |", "|--|--|--|--|"]
            out += [f"| {sign} | {f.rule} | `{_md(f.path)}:{f.line}` | {_md(f.message)} |"
                    for f in items]
    if d.concepts:
        out += ["", "### Concepts", ""] + [f"- {_md(_concept_line(c))}" for c in d.concepts]
    return "\n".join(out) + "\n"


def _point(p: Point) -> dict[str, Any]:
    return {"commit": p.commit or None, "subject": p.subject, "score": p.score,
            "files": p.files, "violations": p.violations}


def to_json(d: Diff) -> str:
    payload = {
        "schema_version": DIFF_SCHEMA_VERSION,
        "tool": {"name": "ssotcheck", "version": __version__},
        "base": _point(d.base),
        "head": _point(d.head),
        "areas": [{"name": n, "base": a, "head": b, "change": None if a is None or b is None
                   else round(b - a, 1), "base_files": fa, "head_files": fb}
                  for n, a, b, fa, fb in area_moves(d)],
        "new": [finding_dict(f) for f in d.new],
        "fixed": [finding_dict(f) for f in d.fixed],
        "concepts": {
            "split": [{"kind": c.kind, "name": c.name, "homes": c.after} for c in d.split],
            "merged": [{"kind": c.kind, "name": c.name, "homes": c.before} for c in d.merged],
            "changed": [{"kind": c.kind, "name": c.name, "before": c.before, "after": c.after}
                        for c in d.concepts if c.before and c.after],
        },
        "renames": [{"from": a, "to": b} for a, b in d.renames],
    }
    return json.dumps(payload, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
