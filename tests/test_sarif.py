"""SARIF 2.1.0 output: valid against the official schema, with catalogue rule descriptors,
relative %SRCROOT% URIs, 1-based regions, related locations and fingerprints."""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import pytest

from conftest import run_on
from ssotcheck import catalogue
from ssotcheck.areas import AreaMap
from ssotcheck.catalogue import make_finding
from ssotcheck.model import Concept, Finding, Fix, Location, Severity
from ssotcheck.pipeline import RunResult
from ssotcheck.report import render
from ssotcheck.scoring import compute

REPO = Path(__file__).resolve().parents[1]
# ../shared beside the repository; a git worktree under wt/N has it one level further up.
SCHEMA = next((p for p in (Path(__file__).resolve().parents[k] / "shared" / "schemas" /
                           "sarif-schema-2.1.0.json" for k in (2, 3)) if p.is_file()),
              Path(__file__).resolve().parents[2] / "shared" / "schemas" /
              "sarif-schema-2.1.0.json")
EXAMPLES = REPO / "examples"


@pytest.fixture(scope="module")
def validator() -> Any:
    if not SCHEMA.is_file():
        pytest.skip(f"SARIF schema not found at {SCHEMA} (expected ../shared beside the repo)")
    import jsonschema

    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema)


def assert_valid(validator: Any, doc: dict[str, Any]) -> None:
    errors = sorted(validator.iter_errors(doc), key=lambda e: list(e.absolute_path))
    assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors[:10])


def rich_result(make_project) -> RunResult:
    root = make_project({
        "pkg/__init__.py": "",
        "pkg/a.py": "A = 1\n",
        "pkg/sub dir/b#1.py": "B = 2\n",
        "pkg/ü.py": "C = 3\n",
        "pkg/broken.py": "def f(:\n",
        "tests/test_x.py": "def test_x():\n    assert True\n",
    })
    base = run_on(root)
    homes = (Location("pkg/a.py", 1, 0, 3, 10, message="canonical"),
             Location("pkg/sub dir/b#1.py", 4, 2), Location("pkg/ü.py", 2, 0, 2, 7))
    extra = [make_finding("SSOT101", "enum `Status` is defined in 3 modules", h,
                          related=tuple(x for x in homes if x != h), concept="Status", key=h.path)
             for h in homes]
    extra += [
        make_finding("SSOT201", "legacy import 50% done, a:b",
                     Location("tests/test_x.py", 1, 0, 1, 20),
                     fix=Fix("rewrite to pkg.new", True, "pkg.new")),
        make_finding("SSOT204", "cycle", Location("pkg/a.py", 0, 0)),  # line 0 must not leak out
        make_finding("SSOT103", "just a note", Location("pkg/a.py", 9, 4), severity=Severity.INFO),
    ]
    area_of = AreaMap(base.config)
    fs = sorted([replace(f, area=area_of(f.path)) for f in (*base.findings, *extra)],
                key=Finding.sort_key)
    return replace(base, findings=tuple(fs), scores=compute(base.scope, fs, area_of),
                   concepts=(Concept("Status", "enum", homes),))


def test_pipeline_sarif_is_valid(validator: Any, make_project) -> None:
    root = make_project({"pkg/ok.py": "X = 1\n", "pkg/bad.py": "def f(:\n",
                         "tests/test_b.py": "x = (\n"})
    doc = json.loads(render(run_on(root), "sarif"))
    assert_valid(validator, doc)
    assert [r["ruleId"] for r in doc["runs"][0]["results"]] == ["SSOT000", "SSOT000"]


def test_rich_sarif_is_valid_and_complete(validator: Any, make_project) -> None:
    result = rich_result(make_project)
    doc = json.loads(render(result, "sarif"))
    assert_valid(validator, doc)
    assert doc["version"] == "2.1.0"
    run = doc["runs"][0]

    rules = run["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == list(catalogue.rules())
    for r in rules:
        rule = catalogue.get(r["id"])
        assert r["name"] == rule.name
        assert r["help"]["markdown"] == rule.markdown()
        assert r["shortDescription"]["text"] == " ".join(rule.summary.split())
        assert r["fullDescription"]["text"]
        assert r["defaultConfiguration"]["level"] == {"error": "error", "warning": "warning",
                                                       "info": "note"}[rule.severity.value]

    root_uri = run["originalUriBaseIds"]["%SRCROOT%"]["uri"]
    assert root_uri == result.config.root.as_uri() + "/"
    results = run["results"]
    assert len(results) == len(result.findings)
    for res, f in zip(results, result.findings):
        assert rules[res["ruleIndex"]]["id"] == res["ruleId"] == f.rule
        assert res["partialFingerprints"] == {"ssotcheck/v1": f.fingerprint}
        assert res["message"]["text"] == f.message
        phys = res["locations"][0]["physicalLocation"]
        assert phys["artifactLocation"]["uriBaseId"] == "%SRCROOT%"
        uri = phys["artifactLocation"]["uri"]
        assert not uri.startswith(("/", "file:")) and " " not in uri and "#" not in uri
        assert phys["region"]["startLine"] >= 1
        assert phys["region"]["startColumn"] == f.location.column + 1
        assert len(res.get("relatedLocations", [])) == len(f.related)
        assert res["properties"]["area"] == f.area

    by_msg = {r["message"]["text"]: r for r in results}
    split = [r for r in results if r["ruleId"] == "SSOT101"]
    assert {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in split} == {
        "pkg/a.py", "pkg/sub%20dir/b%231.py", "pkg/%C3%BC.py"}
    first = next(r for r in split if r["locations"][0]["physicalLocation"]["artifactLocation"]
                 ["uri"] == "pkg/a.py")
    assert first["locations"][0]["physicalLocation"]["region"] == {
        "startLine": 1, "startColumn": 1, "endLine": 3, "endColumn": 11}
    assert [rl["physicalLocation"]["artifactLocation"]["uri"] for rl in
            first["relatedLocations"]] == ["pkg/sub%20dir/b%231.py", "pkg/%C3%BC.py"]
    assert by_msg["just a note"]["level"] == "note"
    assert by_msg["cycle"]["level"] == "warning"
    assert by_msg["cycle"]["locations"][0]["physicalLocation"]["region"]["startLine"] == 1
    assert by_msg["legacy import 50% done, a:b"]["properties"]["fix"]["safe"] is True

    props = run["properties"]
    s = result.scores
    assert props["score"] == s.overall
    assert (props["filesInScope"], props["filesWithViolations"], props["violations"]) == (
        s.files, s.files_with_violations, s.violations)
    assert [a["name"] for a in props["areas"]] == [a.name for a in s.areas]
    assert props["splitConcepts"][0]["homes"] == ["pkg/a.py:1", "pkg/sub dir/b#1.py:4",
                                                   "pkg/ü.py:2"]


def test_sarif_score_equals_json_score(make_project) -> None:
    result = rich_result(make_project)
    sarif = json.loads(render(result, "sarif"))["runs"][0]["properties"]
    js = json.loads(render(result, "json"))
    assert sarif["score"] == js["score"] == result.scores.overall < 100.0
    assert [(a["name"], a["score"]) for a in sarif["areas"]] == [
        (a["name"], a["score"]) for a in js["areas"]]


def test_examples_sarif_validates(validator: Any, tmp_path: Path) -> None:
    """The bundled demo monorepo, through the real CLI, as CI would run it."""
    if not any(EXAMPLES.rglob("*.py")):
        pytest.skip("examples/ holds no Python files yet")
    out = tmp_path / "examples.sarif"
    proc = subprocess.run(
        [sys.executable, "-m", "ssotcheck", "check", str(EXAMPLES), "--format", "sarif",
         "--no-cache", "-o", str(out)], capture_output=True, text=True, timeout=300)
    assert proc.returncode in (0, 1), proc.stderr
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert_valid(validator, doc)
    run = doc["runs"][0]
    assert run["results"], "the demo has planted findings"
    assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"] == EXAMPLES.resolve().as_uri() + "/"
    for res in run["results"]:
        uri = res["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        assert (EXAMPLES / unquote(uri)).is_file(), uri  # relative to %SRCROOT%, and it exists
