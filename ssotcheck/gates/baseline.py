"""Baseline (ratchet): findings recorded in the baseline file do not fail the gate.

The file lists entries keyed without line numbers: rule + path + the finding's stable
anchor (the concept and its home, the import, ...), with a count. Their identity is
`Finding.fingerprint` (one function for every "same finding?" question). So edits
elsewhere in a file, code moved within it and a new copy of a concept in *another*
file keep old findings baselined, while a second copy of the same problem in the same
file is reported (the count is exceeded).

Over an existing file, `ssotcheck baseline` only shrinks it (`record(mode="shrink")`):
entries whose finding is gone are dropped, new findings are not added unless asked
(`add-new`), and `reset` re-records everything. Entries that match nothing are *stale*;
`check` reports them and `--strict-baseline` fails on them, so the file keeps shrinking.

Format (schema 2), sorted for stable diffs:

    {"schema_version": 2, "tool": "ssotcheck", "tool_version": "0.1.0",
     "entries": [{"rule": "SSOT101", "path": "pkg/a.py", "anchor": "Status:pkg.a.Status",
                  "count": 1, "fingerprint": "...", "message": "...", "added": "2026-12-03"}]}

Schema 1 files (`{"fingerprints": {fp: count}}`) are still read: the fingerprints are
the same function of the same parts.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Callable, Iterable

from ssotcheck import __version__
from ssotcheck.atomic import atomic_write
from ssotcheck.model import Finding, finding_identity
from ssotcheck.errors import BaselineError

SCHEMA_VERSION = 2
READABLE_SCHEMAS = (1, 2)


@dataclass(frozen=True)
class Entry:
    rule: str
    path: str
    anchor: str
    count: int
    fingerprint: str
    message: str = ""
    added: str = ""  # YYYY-MM-DD the entry was first recorded ("" when unknown)

    def sort_key(self) -> tuple[str, str, str, str]:
        return (self.path, self.rule, self.anchor, self.fingerprint)


@dataclass(frozen=True)
class Baseline:
    entries: tuple[Entry, ...] = ()
    schema_version: int = SCHEMA_VERSION
    tool_version: str = __version__

    def total(self) -> int:
        return sum(e.count for e in self.entries)


def _entry(raw: object, path: Path, i: int) -> Entry:
    if not isinstance(raw, dict):
        raise TypeError(f"entries[{i}] is not an object")
    try:
        rule, file, anchor = str(raw["rule"]), str(raw["path"]), str(raw["anchor"])
        count = raw.get("count", 1)
        if not isinstance(count, int) or isinstance(count, bool) or count < 1:
            raise TypeError(f"entries[{i}].count must be a positive integer")
    except KeyError as exc:
        raise TypeError(f"entries[{i}] lacks {exc}") from None
    fp = finding_identity(rule, file, anchor)
    return Entry(rule, file, anchor, count, fp, str(raw.get("message", "")),
                 str(raw.get("added", "")))


def load(path: Path) -> Baseline | None:
    """The baseline at `path`, None when there is no file. Raises BaselineError for a
    file that is not an ssotcheck baseline this version can read."""
    if not path.exists():
        return None
    hint = ("fix or delete it, or re-record it with `ssotcheck baseline --reset` "
            "(the file is left as it is)")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise BaselineError(f"{path}: not a valid ssotcheck baseline ({exc}); {hint}") from None
    if not isinstance(data, dict) or data.get("tool", "ssotcheck") != "ssotcheck" or not (
            "entries" in data or "fingerprints" in data):
        raise BaselineError(f"{path}: not a valid ssotcheck baseline (not written by "
                            f"ssotcheck: no `entries`); {hint}")
    version = data.get("schema_version")
    if version not in READABLE_SCHEMAS:
        raise BaselineError(
            f"{path}: baseline schema {version!r} was written by ssotcheck "
            f"{data.get('tool_version', 'of another version')}; this is ssotcheck {__version__}, "
            f"which reads schemas {', '.join(map(str, READABLE_SCHEMAS))}. Upgrade ssotcheck, "
            f"or re-record with `ssotcheck baseline --reset`")
    try:
        if version == 1:
            fps = data["fingerprints"]
            if not isinstance(fps, dict):
                raise TypeError("fingerprints must be an object")
            entries = [Entry("", "", "", int(n), str(fp)) for fp, n in fps.items() if int(n) > 0]
        else:
            raw = data["entries"]
            if not isinstance(raw, list):
                raise TypeError("entries must be a list")
            entries = [_entry(r, path, i) for i, r in enumerate(raw)]
    except (KeyError, TypeError, ValueError) as exc:
        raise BaselineError(f"{path}: not a valid ssotcheck baseline ({exc}); {hint}") from None
    return Baseline(tuple(sorted(entries, key=Entry.sort_key)), int(version),
                    str(data.get("tool_version", "")))


@dataclass(frozen=True)
class Outcome:
    kept: list[Finding]
    baselined: list[Finding]
    stale: list[Entry]  # entries (count = how many findings are missing) that matched nothing


def apply(findings: list[Finding], baseline: Baseline | None,
          judged: Callable[[Entry], bool] = lambda e: True) -> Outcome:
    """Take baselined findings out. `judged(entry)` says whether this run speaks for an
    entry (its path is in scope, its rule enabled); only those can be stale."""
    if baseline is None:
        return Outcome(list(findings), [], [])
    budget: Counter[str] = Counter()
    for e in baseline.entries:
        budget[e.fingerprint] += e.count
    kept: list[Finding] = []
    baselined: list[Finding] = []
    for f in sorted(findings, key=Finding.sort_key):
        if budget[f.fingerprint] > 0:
            budget[f.fingerprint] -= 1
            baselined.append(f)
        else:
            kept.append(f)
    stale: list[Entry] = []
    for e in baseline.entries:  # an identity listed twice shares one budget: report it once
        left = budget.pop(e.fingerprint, 0)
        if left > 0 and judged(e):
            stale.append(replace(e, count=left))
    return Outcome(kept, baselined, stale)


@dataclass(frozen=True)
class Recorded:
    baseline: Baseline
    removed: int  # findings the old file listed that no longer occur
    added: int  # findings added to it
    not_added: int  # new findings left out (shrink mode)


def record(findings: Iterable[Finding], old: Baseline | None, mode: str, on: str,
           speaks_for: Callable[[Entry], bool] = lambda e: True) -> Recorded:
    """The baseline to write. mode: "shrink" (the ratchet: never grows), "add-new"
    (shrink, then add new findings) or "reset" (exactly today's findings).
    `speaks_for(entry)` is False for entries this run cannot judge (outside the paths
    given, rule not enabled): they are kept as they are."""
    current: dict[str, list[Finding]] = {}
    for f in sorted(findings, key=Finding.sort_key):
        current.setdefault(f.fingerprint, []).append(f)
    if old is None or mode == "reset":
        total = sum(len(fs) for fs in current.values())
        before = old.total() if old is not None else 0
        return Recorded(_sorted([_from_findings(fs, on) for fs in current.values()]),
                        removed=max(0, before - total), added=total, not_added=0)
    entries: list[Entry] = []
    removed = added = not_added = 0
    left = {fp: len(fs) for fp, fs in current.items()}
    for e in old.entries:
        now = current.get(e.fingerprint)
        if now is None:
            if e.rule and not speaks_for(e):
                entries.append(e)  # this run cannot judge it: kept as it is
            else:
                removed += e.count  # fixed (or a schema-1 entry nothing matches)
            continue
        keep = min(e.count, left[e.fingerprint])
        removed += e.count - keep
        if keep:
            left[e.fingerprint] -= keep
            # Details from today's finding: a schema-1 entry had none, a message may drift.
            entries.append(_from_findings(now, e.added or on, keep))
    for fp, n in sorted(left.items()):
        if n <= 0:
            continue
        if mode == "add-new":
            entries.append(_from_findings(current[fp], on, n))
            added += n
        else:
            not_added += n
    return Recorded(_sorted(_merge(entries)), removed, added, not_added)


def _from_findings(fs: list[Finding], on: str, count: int | None = None) -> Entry:
    f = fs[0]
    return Entry(f.rule, f.path, f.anchor, count if count is not None else len(fs),
                 f.fingerprint, f.message, on)


def _merge(entries: list[Entry]) -> list[Entry]:
    by_fp: dict[str, Entry] = {}
    for e in entries:
        prev = by_fp.get(e.fingerprint)
        by_fp[e.fingerprint] = e if prev is None else replace(
            prev, count=prev.count + e.count, added=min(filter(None, (prev.added, e.added)),
                                                        default=""))
    return list(by_fp.values())


def _sorted(entries: list[Entry]) -> Baseline:
    return Baseline(tuple(sorted(entries, key=Entry.sort_key)))


def write(baseline: Baseline, path: Path) -> None:
    payload = {
        "schema_version": SCHEMA_VERSION,
        "tool": "ssotcheck",
        "tool_version": __version__,
        "entries": [
            {"rule": e.rule, "path": e.path, "anchor": e.anchor, "count": e.count,
             "fingerprint": e.fingerprint, "message": e.message, "added": e.added}
            for e in baseline.entries if e.rule  # a schema-1 entry nothing matched: gone
        ],
    }
    text = json.dumps(payload, indent=2, ensure_ascii=False) + "\n"
    atomic_write(path, text.encode("utf-8"))
