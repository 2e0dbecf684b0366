"""Score ssotcheck findings against a generated tree's manifest.json.

A finding matches an expected entry when the rules are equal, the finding's (path, line)
is one of the entry's sites (a site with line null accepts any line of that file) and,
when the entry names a severity, the severities are equal. Several findings may match one
entry (a rule may report a multi-line import once per name); each of them is a true
positive. Recall = entries matched / entries; precision = matching findings / findings.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Mapping


@dataclass
class RuleScore:
    rule: str
    enabled: bool
    expected: int
    found: int
    true_positives: int  # findings that match an expected entry
    recalled: int  # expected entries matched by at least one finding
    missed: list[dict[str, Any]] = field(default_factory=list)  # expected entries not found
    unexpected: list[dict[str, Any]] = field(default_factory=list)  # findings matching nothing

    @property
    def precision(self) -> float | None:
        return None if self.found == 0 else self.true_positives / self.found

    @property
    def recall(self) -> float | None:
        return None if self.expected == 0 else self.recalled / self.expected

    @property
    def perfect(self) -> bool:
        return not self.missed and not self.unexpected

    def as_dict(self) -> dict[str, Any]:
        return {"rule": self.rule, "enabled": self.enabled, "expected": self.expected,
                "found": self.found, "true_positives": self.true_positives,
                "recalled": self.recalled, "precision": self.precision, "recall": self.recall,
                "missed": self.missed, "unexpected": self.unexpected}


def load(tree: Path) -> dict[str, Any]:
    return json.loads((tree / "manifest.json").read_text(encoding="utf-8"))


def _matches(entry: Mapping[str, Any], finding: Mapping[str, Any]) -> bool:
    if entry.get("severity") and entry["severity"] != finding.get("severity"):
        return False
    for site in entry["sites"]:
        if site["path"] == finding["path"] and site["line"] in (None, finding["line"]):
            return True
    return False


def score(manifest: Mapping[str, Any], findings: Iterable[Mapping[str, Any]]) -> dict[str, RuleScore]:
    """Per-rule precision/recall. `findings` are dicts with rule, path, line, severity (the
    JSON report's `findings[]`, or `finding_view()` of pipeline findings)."""
    by_rule: dict[str, list[Mapping[str, Any]]] = {}
    for f in findings:
        by_rule.setdefault(f["rule"], []).append(f)
    decoys = {(d["rule"], d["path"], d["line"]): d["id"] for d in manifest.get("decoys", ())}
    rules = list(manifest["rules"]) + sorted(set(by_rule) - set(manifest["rules"]))
    out: dict[str, RuleScore] = {}
    for rule in rules:
        spec = manifest["rules"].get(rule, {"enabled": True, "expected": []})
        entries = spec["expected"]
        got = by_rule.get(rule, [])
        hit = [False] * len(entries)
        tp = 0
        unexpected: list[dict[str, Any]] = []
        for f in got:
            matched = False
            for i, e in enumerate(entries):
                if _matches(e, f):
                    hit[i] = True
                    matched = True
            if matched:
                tp += 1
            else:
                u = {k: f.get(k) for k in ("path", "line", "severity", "message")}
                decoy = decoys.get((rule, f["path"], f["line"]))
                if decoy:
                    u["decoy"] = decoy
                unexpected.append(u)
        missed = [e for e, h in zip(entries, hit) if not h]
        out[rule] = RuleScore(rule, spec["enabled"], len(entries), len(got), tp, sum(hit),
                              missed, unexpected)
    return out


def finding_view(finding: Any) -> dict[str, Any]:
    """A pipeline `Finding` as the dict `score` expects (same fields as the JSON report)."""
    return {"rule": finding.rule, "path": finding.path, "line": finding.line,
            "severity": finding.severity.value, "message": finding.message}


def describe(scores: Mapping[str, RuleScore]) -> str:
    """Human-readable list of every miss and every unexpected finding."""
    lines: list[str] = []
    for s in scores.values():
        for e in s.missed:
            sites = ", ".join(f"{x['path']}:{x['line'] if x['line'] is not None else '*'}"
                              for x in e["sites"])
            sev = f" severity={e['severity']}" if e.get("severity") else ""
            lines.append(f"{s.rule} MISSED {e['id']}{sev} at {sites}")
        for u in s.unexpected:
            tag = f" (decoy: {u['decoy']})" if u.get("decoy") else ""
            lines.append(f"{s.rule} UNEXPECTED {u['path']}:{u['line']} [{u['severity']}]{tag} "
                         f"{(u.get('message') or '')[:160]}")
    return "\n".join(lines)
