"""Stable JSON for automation (design §6 keys; `schema_version` bumps on breaking change)."""

from __future__ import annotations

from json.encoder import encode_basestring_ascii as _str
from typing import TYPE_CHECKING, Any, Callable

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


def finding_line(f: Finding, memo: dict[str, str] | None = None) -> str:
    """`json.dumps(finding_dict(f))`, byte for byte, written out directly: building and
    encoding 25,000 dicts was most of a warm run's rendering on real code. `memo` holds
    the encoded forms of strings that repeat from finding to finding (paths, rules)."""
    known = {} if memo is None else memo
    get = known.get

    def rep(text: str) -> str:
        got = known[text] = _str(text)
        return got

    loc = f.location
    # [perf] `get(x) or rep(x)`: a dict lookup for the strings seen before, a call only
    # for new ones (encoded strings are never empty: they hold their quotes).
    related = ", ".join([
        f'{{"path": {get(r.path) or rep(r.path)}, "line": {r.line}, "column": {r.column + 1}, '
        f'"message": {_str(r.message)}}}' for r in f.related]) if f.related else ""
    if f.confidence is None:
        confidence = "null"
    else:
        reasons = ", ".join([_str(r) for r in f.confidence_reasons])
        confidence = f'{{"level": {_str(f.confidence)}, "reasons": [{reasons}]}}'
    fix = f.fix
    fixed = "null" if fix is None else (
        f'{{"description": {_str(fix.description)}, "safe": {_bool(fix.safe)}, '
        f'"replacement": {_opt(fix.replacement, _str)}}}')
    end_column = (loc.end_column if loc.end_column is not None else loc.column) + 1
    severity = f.severity.value
    concept = f.concept
    return (
        f'{{"rule": {get(f.rule) or rep(f.rule)}, "name": {get(f.name) or rep(f.name)}, '
        f'"severity": {get(severity) or rep(severity)}, '
        f'"message": {_str(f.message)}, "path": {get(loc.path) or rep(loc.path)}, '
        f'"line": {loc.line}, "column": {loc.column + 1}, '
        f'"end_line": {loc.end_line or loc.line}, '
        f'"end_column": {end_column}, "area": {get(f.area) or rep(f.area)}, '
        f'"concept": {"null" if concept is None else get(concept) or rep(concept)}, '
        f'"confidence": {confidence}, '
        f'"related": [{related}], "fix": {fixed}, "fingerprint": {_str(f.fingerprint)}, '
        f'"counted": {"true" if f.counts else "false"}}}')


def _bool(value: bool) -> str:
    return "true" if value else "false"


def _opt(value: str | None, encode: Callable[[str], str]) -> str:
    return "null" if value is None else encode(value)


def directory_rows(result: RunResult) -> list[dict[str, Any]]:
    """Compliance per folder (`report.summary.DIRECTORY_DEPTH` levels), worst first."""
    return [{"path": d.name, "files": d.files, "files_with_violations": d.files_with_violations,
             "violations": d.violations, "score": d.score} for d in directory_scores(result)]


def area_dict(a: AreaScore) -> dict[str, Any]:
    """An area's scores under the report's JSON keys (also `trend`'s)."""
    return {"name": a.name, "files": a.files, "files_with_violations": a.files_with_violations,
            "violations": a.violations, "score": a.score}


def document(result: RunResult, findings: bool = True) -> dict[str, Any]:
    """The report as a dict; without `findings`, the finding lists are left empty (the
    renderer writes them line by line)."""
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
        "findings": [finding_dict(f) for f in result.findings] if findings else [],
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
            for h in result.held] if findings else [],
    }


def render(result: RunResult, **_: Any) -> str:
    # Key order is part of the contract (humans read it top-down), so no sort_keys.
    doc = document(result, findings=False)
    memo: dict[str, str] = {}
    lines = {
        "findings": [finding_line(f, memo) for f in result.findings],
        "suppressed_findings": [
            # `finding_dict` with one more key, written the same way.
            finding_line(h.finding, memo)[:-1] + ', "suppression": {"kind": '
            + _str(h.kind) + ', "justification": ' + _str(h.justification) + "}}"
            for h in result.held],
    }
    for key in lines:
        doc[key] = jsonlines.placeholder(key)
    return jsonlines.dumps(doc, {}, lines)
