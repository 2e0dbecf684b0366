"""Stable JSON for automation (design §6 keys; `schema_version` bumps on breaking change)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ssotcheck import __version__
from ssotcheck.model import AreaScore, Finding, Location
from ssotcheck.report import jsonlines
from ssotcheck.report.summary import SCHEMA_VERSION, directory_scores, rule_counts, stale_count

if TYPE_CHECKING:
    from ssotcheck.pipeline import RunResult


def _loc(loc: Location) -> dict[str, Any]:
    return {"path": loc.path, "line": loc.line, "column": loc.column + 1,
            "message": loc.message}


def finding_dict(f: Finding) -> dict[str, Any]:
    loc = f.location
    return {
        "rule": f.rule,
        "name": f.name,
        "severity": f.severity.value,
        "message": f.message,
        "path": loc.path,
        "line": loc.line,
        "column": loc.column + 1,
        "end_line": loc.end_line or loc.line,
        "end_column": (loc.end_column if loc.end_column is not None else loc.column) + 1,
        "area": f.area,
        "concept": f.concept,
        "confidence": None if f.confidence is None else {
            "level": f.confidence, "reasons": list(f.confidence_reasons)},
        "related": [_loc(r) for r in f.related],
        "fix": None if f.fix is None else {
            "description": f.fix.description, "safe": f.fix.safe,
            "replacement": f.fix.replacement,
        },
        "fingerprint": f.fingerprint,
        # Whether it lowers its file's score: by severity, except for grouped root causes.
        "counted": f.counts,
    }


def directory_rows(result: RunResult) -> list[dict[str, Any]]:
    """Compliance per folder (`report.summary.DIRECTORY_DEPTH` levels), worst first."""
    return [{"path": d.name, "files": d.files, "files_with_violations": d.files_with_violations,
             "violations": d.violations, "score": d.score} for d in directory_scores(result)]


def area_dict(a: AreaScore) -> dict[str, Any]:
    """An area's scores under the report's JSON keys (also `trend`'s)."""
    return {"name": a.name, "files": a.files, "files_with_violations": a.files_with_violations,
            "violations": a.violations, "score": a.score}


def document(result: RunResult) -> dict[str, Any]:
    s = result.scores
    return {
        "schema_version": SCHEMA_VERSION,
        "tool": {"name": "ssotcheck", "version": __version__},
        "files_analyzed": result.stats.files_analyzed,
        "files_failed": result.stats.files_failed,
        "files_excluded": result.stats.files_excluded,
        "files_in_scope": s.files,
        "files_with_violations": s.files_with_violations,
        "violations": s.violations,
        "score": s.overall,
        "fail_under": result.config.fail_under,
        "areas": [area_dict(a) for a in s.areas],
        "rules": [
            {"rule": r.rule, "name": r.name, "severity": r.severity, "findings": r.findings,
             "violations": r.violations, "files": r.files}
            for r in rule_counts(result.findings)
        ],
        "concepts": [
            {"name": c.name, "kind": c.kind, "spread": c.spread, "canonical": c.canonical,
             "canonical_reason": c.canonical_reason, "homes": [_loc(h) for h in c.homes]}
            for c in result.concepts
        ],
        "directories": directory_rows(result),
        "suppressed": result.suppressed,
        "baselined": result.baselined,
        **({"diff_base": {"commit": result.diff_base, "also_at_base": result.at_base}}
           if result.diff_base else {}),
        "findings": [finding_dict(f) for f in result.findings],
        # Added in issue 12 (new keys only; the ones above keep their meaning).
        "baseline": None if result.baseline_file is None else {
            "file": result.baseline_file,
            "baselined": result.baselined,
            "areas": [{"name": a, "baselined": n} for a, n in result.baselined_by_area().items()],
            "stale": stale_count(result),
            "stale_entries": [{"rule": e.rule, "path": e.path, "anchor": e.anchor,
                               "count": e.count, "fingerprint": e.fingerprint,
                               "message": e.message} for e in result.baseline_stale],
        },
        "suppressed_findings": [
            {**finding_dict(h.finding), "suppression": {"kind": h.kind,
                                                        "justification": h.justification}}
            for h in result.held],
    }


def render(result: RunResult, **_: Any) -> str:
    # Key order is part of the contract (humans read it top-down), so no sort_keys.
    doc = document(result)
    long_lists = {key: doc[key] for key in ("findings", "suppressed_findings")}
    for key in long_lists:
        doc[key] = jsonlines.placeholder(key)
    return jsonlines.dumps(doc, long_lists)
