"""Numbers every renderer shows, computed once so the formats cannot disagree."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from ssotcheck import catalogue
from ssotcheck.model import Finding

SCHEMA_VERSION = 1


@dataclass(frozen=True)
class RuleCount:
    rule: str
    name: str
    severity: str
    violations: int
    files: int


def rule_counts(findings: tuple[Finding, ...]) -> list[RuleCount]:
    per_rule: dict[str, list[Finding]] = {}
    for f in findings:
        per_rule.setdefault(f.rule, []).append(f)
    out = []
    for rule_id in sorted(per_rule):
        fs = per_rule[rule_id]
        rule = catalogue.get(rule_id)
        out.append(RuleCount(rule_id, rule.name, rule.severity.value, len(fs),
                             len({f.path for f in fs})))
    return out


def top_files(findings: tuple[Finding, ...], n: int = 10) -> list[tuple[str, int]]:
    counts = Counter(f.path for f in findings if f.severity.counts)
    return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:n]


def format_score(score: float) -> str:
    return f"{score:.1f}%"
