"""`ssotcheck suppressions`: every accepted exception in one list, for audit.

Inline suppression comments (rules, reason, expiry, age, whether each still suppresses
something) and baseline entries (rule, path, count, when recorded). Ages of comments
come from `git blame` of their lines (one call per file that has any); outside a git
work tree, or for a line not committed yet, the age is unknown.
"""

from __future__ import annotations

import datetime as dt
import json
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ssotcheck.gates import baseline as baseline_gate
from ssotcheck.gates.suppressions import UNUSED_RULE, judge

if TYPE_CHECKING:
    from ssotcheck.pipeline import RunResult


@dataclass(frozen=True)
class InlineRow:
    path: str
    line: int
    scope: str  # "line" | "file"
    rules: tuple[str, ...]
    reason: str
    until: str
    status: str  # active | expired | bad-date | no-reason | unused
    added: str  # YYYY-MM-DD of the commit that wrote the line ("" unknown)
    age_days: int | None


@dataclass(frozen=True)
class BaselineRow:
    rule: str
    path: str
    anchor: str
    count: int
    message: str
    added: str
    age_days: int | None
    stale: int  # how many of `count` no longer occur


@dataclass(frozen=True)
class Audit:
    inline: tuple[InlineRow, ...]
    baseline_file: str
    baseline: tuple[BaselineRow, ...]
    on: str


def _blame_dates(root: Path, path: str, lines: list[int]) -> dict[int, str]:
    """line -> commit date (YYYY-MM-DD) of the commit that last wrote it."""
    cmd = ["git", "-C", str(root), "blame", "--porcelain"]
    for n in sorted(set(lines)):
        cmd += ["-L", f"{n},{n}"]
    try:
        out = subprocess.run(cmd + ["--", path], capture_output=True, text=True, timeout=60,
                             check=False)
    except (OSError, subprocess.SubprocessError):
        return {}
    if out.returncode != 0:
        return {}
    # Porcelain output gives a commit's headers only the first time the commit appears.
    by_line: dict[int, str] = {}
    commit_date: dict[str, str] = {}
    sha = ""
    for row in out.stdout.splitlines():
        parts = row.split()
        if len(parts) >= 3 and len(parts[0]) == 40 and parts[1].isdigit():
            sha = parts[0]
            if set(sha) != {"0"}:  # all zeros: not committed yet
                by_line[int(parts[2])] = sha
        elif row.startswith("committer-time ") and sha:
            stamp = int(row.split()[1])
            commit_date[sha] = dt.datetime.fromtimestamp(stamp, dt.timezone.utc).date().isoformat()
    return {n: commit_date[c] for n, c in by_line.items() if c in commit_date}


def _age(added: str, on: dt.date) -> int | None:
    try:
        return (on - dt.date.fromisoformat(added)).days
    except ValueError:
        return None


def audit(result: RunResult, on: dt.date) -> Audit:
    config = result.config
    unused = {(f.path, f.line) for f in result.findings if f.rule == UNUSED_RULE}
    unused |= {(h.finding.path, h.finding.line) for h in result.held
               if h.finding.rule == UNUSED_RULE}
    rows: list[InlineRow] = []
    for path in sorted(result.suppression_table):
        sups = result.suppression_table[path]
        dates = _blame_dates(config.root, path, [s.line for s in sups])
        for s in sups:
            status = judge(s, config, on).status
            if status == "active" and (path, s.line) in unused:
                status = "unused"
            added = dates.get(s.line, "")
            rows.append(InlineRow(path, s.line, "file" if s.file_level else "line", s.codes,
                                  s.reason or "", s.until or "", status, added, _age(added, on)))
    entries: list[BaselineRow] = []
    target = config.baseline_path()
    recorded = baseline_gate.load(target)
    stale = {e.fingerprint: e.count for e in result.baseline_stale}
    if recorded is not None:
        for e in recorded.entries:
            entries.append(BaselineRow(e.rule, e.path, e.anchor, e.count, e.message, e.added,
                                       _age(e.added, on), stale.get(e.fingerprint, 0)))
    try:
        shown = target.resolve().relative_to(config.root).as_posix()
    except ValueError:
        shown = str(target)
    return Audit(tuple(rows), shown if recorded is not None else "", tuple(entries),
                 on.isoformat())


def render(a: Audit, fmt: str) -> str:
    if fmt == "json":
        return json.dumps(_document(a), indent=2, ensure_ascii=True) + "\n"
    out = [f"Inline suppressions: {len(a.inline)}"]
    for r in a.inline:
        rules = ",".join(r.rules) or "all rules"
        where = f"{r.path}:{r.line}" + (" (whole file)" if r.scope == "file" else "")
        bits = [f"  {where}  {rules}  [{r.status}]"]
        bits.append(f'reason="{r.reason}"' if r.reason else "no reason")
        if r.until:
            bits.append(f"until {r.until}")
        bits.append(f"age {r.age_days} days" if r.age_days is not None else "age unknown")
        out.append("  ".join(bits))
    if a.baseline_file:
        total = sum(e.count for e in a.baseline)
        out.append("")
        out.append(f"Baseline {a.baseline_file}: {len(a.baseline)} entries, {total} findings")
        for e in a.baseline:
            stale = f"  [{e.stale} no longer occur]" if e.stale else ""
            age = f"age {e.age_days} days" if e.age_days is not None else "age unknown"
            out.append(f"  {e.path}  {e.rule} x{e.count}  {e.anchor}  {age}{stale}")
    else:
        out.append("")
        out.append("Baseline: none")
    counts: dict[str, int] = {}
    for r in a.inline:
        counts[r.status] = counts.get(r.status, 0) + 1
    if counts:
        out.append("")
        out.append("Inline by status: " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))
    return "\n".join(out) + "\n"


def _document(a: Audit) -> dict[str, Any]:
    return {
        "date": a.on,
        "inline": [{"path": r.path, "line": r.line, "scope": r.scope, "rules": list(r.rules),
                    "reason": r.reason or None, "until": r.until or None, "status": r.status,
                    "added": r.added or None, "age_days": r.age_days} for r in a.inline],
        "baseline": None if not a.baseline_file else {
            "file": a.baseline_file,
            "entries": [{"rule": e.rule, "path": e.path, "anchor": e.anchor, "count": e.count,
                         "message": e.message, "added": e.added or None,
                         "age_days": e.age_days, "stale": e.stale} for e in a.baseline],
        },
    }
