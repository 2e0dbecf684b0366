"""SARIF 2.1.0 for code-scanning services (GitHub, Azure DevOps, IDE viewers).

Rule descriptors come from the catalogue, so a result's help text is the same page
`ssotcheck explain` prints. URIs are relative to `%SRCROOT%` so the log is portable
between checkouts; `originalUriBaseIds` still records where this run's root was.
The run's `properties` carry the scores, with the same numbers as every other format.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from ssotcheck import __version__, catalogue
from ssotcheck.catalogue import Rule
from ssotcheck.model import Finding, Location, Severity
from ssotcheck.report import jsonlines
from ssotcheck.report.summary import SCHEMA_VERSION, directory_scores

if TYPE_CHECKING:
    from ssotcheck.gates.suppressions import Suppressed
    from ssotcheck.pipeline import RunResult

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
SRCROOT = "%SRCROOT%"
FINGERPRINT_KEY = "ssotcheck/v1"

_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
_TAGS = {"0": "analysis", "1": "duplicate-definition", "2": "imports", "3": "tests",
         "9": "suppressions"}


def _prose(text: str) -> str:
    """TOML prose is hard-wrapped; viewers re-flow it, so join lines within a paragraph."""
    paras = re.split(r"\n\s*\n", text.strip())
    return "\n\n".join(" ".join(line.strip() for line in p.splitlines()) for p in paras)


def rule_descriptor(rule: Rule) -> dict[str, Any]:
    family = _TAGS.get(rule.id[4:5], "ssot")
    return {
        "id": rule.id,
        "name": rule.name,
        "shortDescription": {"text": _prose(rule.summary)},
        "fullDescription": {"text": _prose(rule.what_it_does)},
        "help": {"text": rule.markdown(), "markdown": rule.markdown()},
        "defaultConfiguration": {"level": _LEVEL[rule.severity]},
        "properties": {"tags": ["ssot", family], "fixable": rule.fixable},
    }


@lru_cache(maxsize=1 << 16)
def _uri(path: str) -> str:
    # Relative URI references: percent-encode anything a path may hold that a URI may not.
    return quote(path, safe="/")


def _region(loc: Location) -> dict[str, Any]:
    line, end_line = loc.line, loc.end_line
    region: dict[str, Any] = {"startLine": line if line > 1 else 1,
                              "startColumn": loc.column + 1}
    if end_line is not None and end_line >= line:
        region["endLine"] = end_line if end_line > 1 else 1
        end_column = loc.end_column
        if end_column is not None and (end_line > line or end_column > loc.column):
            # SARIF's endColumn is exclusive and 1-based, like ast's end_col_offset + 1.
            region["endColumn"] = end_column + 1
    return region


def _physical(loc: Location) -> dict[str, Any]:
    return {"artifactLocation": {"uri": _uri(loc.path), "uriBaseId": SRCROOT},
            "region": _region(loc)}


def _related(i: int, loc: Location) -> dict[str, Any]:
    out: dict[str, Any] = {"id": i, "physicalLocation": _physical(loc)}
    if loc.message:
        out["message"] = {"text": loc.message}
    return out


def fix_object(f: Finding) -> dict[str, Any]:
    """A SARIF `fix`: the finding's exact text edits, all in the finding's file."""
    assert f.fix is not None
    return {
        "description": {"text": f.fix.description},
        "artifactChanges": [{
            "artifactLocation": {"uri": _uri(f.path), "uriBaseId": SRCROOT},
            "replacements": [
                {"deletedRegion": _region(Location(f.path, e.span.line, e.span.column,
                                                   e.span.end_line, e.span.end_column)),
                 "insertedContent": {"text": e.text}}
                for e in f.fix.edits],
        }],
    }


def suppressed_object(h: Suppressed, rule_index: dict[str, int]) -> dict[str, Any]:
    """A result a gate took out: still in the log, marked so viewers show it as accepted
    (`inSource` for an inline comment, `external` for the baseline file)."""
    out = result_object(h.finding, rule_index)
    entry: dict[str, Any] = {"kind": "inSource" if h.kind == "inline" else "external",
                             "status": "accepted"}
    if h.justification:
        entry["justification"] = h.justification
    out["suppressions"] = [entry]
    if h.kind == "baseline":
        out["baselineState"] = "unchanged"
    return out


def result_object(f: Finding, rule_index: dict[str, int]) -> dict[str, Any]:
    out: dict[str, Any] = {
        "ruleId": f.rule,
        "level": _LEVEL[f.severity],
        "message": {"text": f.message},
        "locations": [{"physicalLocation": _physical(f.location)}],
    }
    index = rule_index.get(f.rule)
    if index is not None:
        out["ruleIndex"] = index
    if f.related:
        out["relatedLocations"] = [_related(i, r) for i, r in enumerate(f.related)]
    if f.fix is not None and f.fix.edits:
        out["fixes"] = [fix_object(f)]
    out["partialFingerprints"] = {FINGERPRINT_KEY: f.fingerprint}
    props: dict[str, Any] = {"area": f.area}
    if f.concept is not None:
        props["concept"] = f.concept
    if f.confidence is not None:
        props["confidence"] = f.confidence
        props["confidenceReasons"] = list(f.confidence_reasons)
    if f.fix is not None:
        # Also when `fixes` is there: this names the canonical target for tools that
        # want it, and a fix without exact edits (the codemod's) is described only here.
        props["fix"] = {"description": f.fix.description, "safe": f.fix.safe,
                        "replacement": f.fix.replacement}
    out["properties"] = props
    return out


def score_properties(result: RunResult) -> dict[str, Any]:
    s, st = result.scores, result.stats
    return {
        "schemaVersion": SCHEMA_VERSION,
        "score": s.overall,
        "filesAnalyzed": st.files_analyzed,
        "filesFailed": st.files_failed,
        "filesExcluded": st.files_excluded,
        "filesInScope": s.files,
        "filesWithViolations": s.files_with_violations,
        "violations": s.violations,
        "suppressed": result.suppressed,
        "baselined": result.baselined,
        "areas": [{"name": a.name, "files": a.files,
                   "filesWithViolations": a.files_with_violations,
                   "violations": a.violations, "score": a.score} for a in s.areas],
        "splitConcepts": [{"name": c.name, "kind": c.kind, "spread": c.spread,
                           "canonical": c.canonical,
                           "homes": [f"{h.path}:{h.line}" for h in c.homes]}
                          for c in result.concepts],
        "directories": [{"path": d.name, "files": d.files,
                         "filesWithViolations": d.files_with_violations,
                         "violations": d.violations, "score": d.score}
                        for d in directory_scores(result)],
    }


def document(result: RunResult) -> dict[str, Any]:
    rules = list(catalogue.rules().values())
    index = {r.id: i for i, r in enumerate(rules)}
    return {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "ssotcheck",
                "version": __version__,
                "semanticVersion": __version__,
                "rules": [rule_descriptor(r) for r in rules],
            }},
            "invocations": [{"executionSuccessful": True}],
            "originalUriBaseIds": {SRCROOT: {
                "uri": result.config.root.as_uri().rstrip("/") + "/",
                "description": {"text": "The project root: the directory of its configuration."},
            }},
            "columnKind": "unicodeCodePoints",
            "results": [result_object(f, index) for f in result.findings]
            + [suppressed_object(h, index) for h in result.held],
            "properties": score_properties(result),
        }],
    }


def render(result: RunResult, **_: Any) -> str:
    doc = document(result)
    run = doc["runs"][0]
    results = run["results"]
    run["results"] = jsonlines.placeholder("results")
    return jsonlines.dumps(doc, {"results": results})
