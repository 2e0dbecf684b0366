"""The report's "top causes": the few places where one edit clears many findings.

Kept apart from the renderers so any of them (text today; Markdown/HTML when they want
it) lists the same causes in the same order:

1. root causes first: an SSOT301 finding on an intermediate base that N test classes fail
   through (`checks.test_classes.root_cause`); fixing the base fixes all N;
2. then files where one rule fires many times (SSOT203's "38 uses in this file"), which
   one sweep of that file clears.

Pure function of the findings, sorted deterministically.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

from ssotcheck.model import Finding

ROOT_CAUSE_KEY = "root-cause:"  # the key prefix `checks.test_classes.root_cause` uses
MIN_GROUP = 2  # a file where a rule fires once is not a "cause" worth listing


@dataclass(frozen=True)
class Cause:
    rule: str
    title: str  # one line: what to change
    path: str
    line: int  # 0 when the cause is a whole file
    fixes: int  # counted findings this one change clears
    root_cause: bool


def is_root_cause(f: Finding) -> bool:
    return f.key.startswith(ROOT_CAUSE_KEY)


def top_causes(findings: Iterable[Finding], n: int = 10) -> list[Cause]:
    """Root causes (most classes first), then (rule, file) groups of counted findings
    (largest first), at most `n` in all."""
    fs = list(findings)
    heads = [f for f in fs if is_root_cause(f)]
    at = {(h.path, h.line): h for h in heads}
    fixes = {(h.path, h.line): 0 for h in heads}
    grouped: set[int] = set()
    for i, f in enumerate(fs):
        if is_root_cause(f) or not f.counts:
            continue
        for r in f.related:
            if (r.path, r.line) in at and at[(r.path, r.line)].rule == f.rule:
                fixes[(r.path, r.line)] += 1
                grouped.add(i)
                break
    out = [Cause(h.rule, h.message.split(":", 1)[0], h.path, h.line,
                 fixes[(h.path, h.line)], True) for h in heads]
    out.sort(key=lambda c: (-c.fixes, c.path, c.line))
    per_file: dict[tuple[str, str], int] = {}
    for i, f in enumerate(fs):
        if f.counts and i not in grouped and not is_root_cause(f):
            per_file[(f.rule, f.path)] = per_file.get((f.rule, f.path), 0) + 1
    files = [Cause(rule, f"{count} {rule} findings in this file", path, 0, count, False)
             for (rule, path), count in per_file.items() if count >= MIN_GROUP]
    files.sort(key=lambda c: (-c.fixes, c.path, c.rule))
    return (out + files)[:n]


# Rules whose findings the report view folds per file: one banned API used all over a
# file is one thing to fix there. Each finding keeps its own fingerprint (the baseline
# still counts every use); only the text report's listing folds them.
GROUPED_RULES = frozenset({"SSOT203"})
MIN_FOLD = 3  # fewer uses than this in one file are listed one by one


def _group_key(f: Finding) -> tuple[str, str, str] | None:
    if f.rule not in GROUPED_RULES:
        return None
    # SSOT203 keys start with the banned entry: "os.environ:os.environ.get"
    return (f.rule, f.path, f.key.partition(":")[0])


def fold_uses(findings: Iterable[Finding]) -> list[tuple[Finding, tuple[Finding, ...]]]:
    """The findings in their order, each with the later findings folded into it: the same
    rule and banned entry in the same file, when a file has `MIN_FOLD` or more of them."""
    fs = list(findings)
    groups: dict[tuple[str, str, str], list[Finding]] = {}
    for f in fs:
        key = _group_key(f)
        if key is not None:
            groups.setdefault(key, []).append(f)
    out: list[tuple[Finding, tuple[Finding, ...]]] = []
    for f in fs:
        key = _group_key(f)
        group = groups.get(key) if key is not None else None
        if group is None or len(group) < MIN_FOLD:
            out.append((f, ()))
        elif group[0] is f:
            out.append((f, tuple(group[1:])))
    return out


def fold_note(head: Finding, rest: tuple[Finding, ...]) -> str:
    """`38 uses of `os.environ` in this file; also at lines 3, 7, 9`."""
    entry = head.key.partition(":")[0]
    lines = ", ".join(str(f.line) for f in rest)
    return (f"{len(rest) + 1} uses of `{entry}` in this file; the others are at "
            f"line{'s' if len(rest) > 1 else ''} {lines}")
