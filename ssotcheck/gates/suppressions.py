"""Inline suppressions: `# ssotcheck: ignore[SSOT201] reason="..." until=YYYY-MM-DD`,
`# noqa: SSOT201`, `# ssotcheck: ignore-file[...]`.

A suppression is auditable: it may carry a reason (mandatory with `require-reason = true`)
and an expiry date. An expired suppression, or one without the reason the configuration
requires, no longer suppresses, and the finding it would have hidden says why. A
suppression that suppresses nothing, names an unknown or disabled rule, or has an
unreadable `until=` date is itself a finding, SSOT900 (which `ssotcheck fix` removes).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from typing import Mapping

from ssotcheck import catalogue
from ssotcheck.config import Config
from ssotcheck.model import Finding, Fix, Location, Suppression, SuppressionTable

UNUSED_RULE = "SSOT900"
# Never suppressible inline: SSOT000 means the file's comments were never read, and an
# `ignore[SSOT900]` would be a suppression whose only job is to hide itself.
UNSUPPRESSIBLE = frozenset({"SSOT000", UNUSED_RULE})


def parse_until(text: str | None) -> dt.date | None:
    """The expiry date, or None when there is none. Raises ValueError for a bad one."""
    if text is None:
        return None
    if len(text) != 10 or text[4] != "-" or text[7] != "-":
        raise ValueError(text)
    return dt.date.fromisoformat(text)


@dataclass(frozen=True)
class Judgement:
    """What one suppression comment means on this run."""

    suppression: Suppression
    known: tuple[str, ...]  # codes that name a rule of the catalogue (() = every rule)
    unknown: tuple[str, ...]  # codes that name no rule
    status: str  # "active" | "expired" | "bad-date" | "no-reason"
    until: dt.date | None = None

    def covers(self, finding: Finding) -> bool:
        s = self.suppression
        if not s.file_level and s.line != finding.location.line:
            return False
        if not s.codes:
            return True
        return any(finding.rule.startswith(c) for c in self.known)


def judge(s: Suppression, config: Config, on: dt.date) -> Judgement:
    rule_ids = tuple(catalogue.rules())
    known = tuple(c for c in s.codes if any(r.startswith(c) for r in rule_ids))
    unknown = tuple(c for c in s.codes if c not in known)
    try:
        until = parse_until(s.until)
    except ValueError:
        return Judgement(s, known, unknown, "bad-date")
    if until is not None and until < on:
        return Judgement(s, known, unknown, "expired", until)
    if config.require_reason and not (s.reason or "").strip():
        return Judgement(s, known, unknown, "no-reason", until)
    return Judgement(s, known, unknown, "active", until)


@dataclass(frozen=True)
class Suppressed:
    """A finding a gate took out of the gate's count, and on what grounds (SARIF keeps it)."""

    finding: Finding
    kind: str  # "inline" | "baseline"
    justification: str = ""


@dataclass(frozen=True)
class Outcome:
    kept: list[Finding]
    suppressed: list[Suppressed]
    unused: list[Finding]  # SSOT900 findings (not yet subject to the baseline)


def _note(j: Judgement) -> str:
    s = j.suppression
    where = "the file's ignore-file suppression" if s.file_level else \
        f"the suppression on line {s.line}"
    if j.status == "expired":
        why = f" ({s.reason})" if s.reason else ""
        return f" [not suppressed: {where} expired on {j.until}{why}]"
    if j.status == "no-reason":
        return f' [not suppressed: {where} has no reason="...", which require-reason = true makes mandatory]'
    return f" [not suppressed: {where} has an unreadable until= date]"


def apply(findings: list[Finding], per_file: Mapping[str, SuppressionTable], config: Config,
          on: dt.date, report_paths: frozenset[str] | None = None) -> Outcome:
    """Findings left after inline suppressions, the suppressed ones, and SSOT900 findings
    for the suppressions in `report_paths` (default: every file with findings or
    suppressions) that did not earn their place."""
    by_path: dict[str, list[Finding]] = {}
    for f in findings:
        by_path.setdefault(f.path, []).append(f)
    kept: list[Finding] = []
    suppressed: list[Suppressed] = []
    unused: list[Finding] = []
    want_unused = config.rule_enabled(UNUSED_RULE)
    paths = set(by_path) | {p for p, table in per_file.items() if table}
    for path in sorted(paths):
        fs = by_path.get(path, [])
        table = per_file.get(path)
        if not table:
            kept.extend(fs)
            continue
        judged = [judge(s, config, on) for s in table]
        used: dict[int, set[str]] = {}  # judgement index -> codes that matched a finding
        for f in fs:
            if f.rule in UNSUPPRESSIBLE:
                kept.append(f)
                continue
            matching = [(i, j) for i, j in enumerate(judged) if j.covers(f)]
            for i, j in matching:
                used.setdefault(i, set()).update(
                    c for c in (j.known or ("",)) if f.rule.startswith(c))
            active = next((j for _, j in matching if j.status == "active"), None)
            if active is not None:
                suppressed.append(Suppressed(f, "inline", active.suppression.reason or ""))
            elif matching:
                kept.append(replace(f, message=f.message + _note(matching[0][1])))
            else:
                kept.append(f)
        if want_unused and (report_paths is None or path in report_paths):
            for i, j in enumerate(judged):
                u = _unused_finding(path, j, used.get(i, set()), config)
                if u is not None:
                    unused.append(u)
    return Outcome(kept, suppressed, unused)


def _unused_finding(path: str, j: Judgement, used: set[str], config: Config) -> Finding | None:
    s = j.suppression
    loc = Location(path, s.line, s.column)
    problems: list[str] = []
    drop: list[str] = []  # codes `fix` can take out of the comment
    if j.status == "bad-date":
        problems.append(f"until={s.until} is not a date (write until=YYYY-MM-DD); this "
                        f"suppression is ignored until it is fixed")
    for c in j.unknown:
        problems.append(f"{c} names no ssotcheck rule (see `ssotcheck explain`)")
        drop.append(c)
    if j.status != "bad-date":
        for c in j.known or (() if s.codes else ("",)):
            if c in used:
                continue
            if c and not any(config.rule_enabled(r) for r in catalogue.rules() if r.startswith(c)):
                problems.append(f"{c} is not enabled, so there is nothing for it to suppress")
            else:
                where = "in this file" if s.file_level else "on this line"
                problems.append(f"no {c} finding {where} to suppress" if c else
                                f"nothing {where} to suppress")
            drop.append(c)
    if not problems:
        return None
    everything = not s.codes or set(drop) >= set(s.codes)
    fix = None
    if j.status != "bad-date":
        fix = Fix("remove the suppression" if everything else
                  f"drop {', '.join(sorted(drop))} from the suppression", safe=True,
                  replacement="" if everything else
                  ",".join(c for c in s.codes if c not in drop))
    kind = "ignore-file" if s.file_level else s.style
    return catalogue.make_finding(
        UNUSED_RULE, "unused suppression: " + "; ".join(problems), loc, fix=fix,
        key=f"{kind}[{','.join(s.codes)}]:{','.join(sorted(drop))}:{j.status}")
