"""The bundled demo monorepo: every rule fires where it was planted, through the real CLI.

Planted lines carry a `# planted SSOTnnn` comment; those comments are the expectation,
so moving a case in examples/ cannot silently leave this test checking stale lines.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest

from ssotcheck import catalogue

REPO = Path(__file__).resolve().parents[1]
EXAMPLES = REPO / "examples"
MARKER = re.compile(r"#.*\bplanted (SSOT\d{3})\b")


def planted() -> dict[str, set[tuple[str, int]]]:
    """rule -> {(path relative to examples/, line)} from the marker comments."""
    out: dict[str, set[tuple[str, int]]] = defaultdict(set)
    for path in sorted(EXAMPLES.rglob("*.py")):
        rel = path.relative_to(EXAMPLES).as_posix()
        if rel.startswith(".ssotcheck_cache/"):
            continue
        # errors="replace": the SSOT000 case is a text file, but must not break this scan
        text = path.read_bytes().decode("utf-8", errors="replace")
        for lineno, line in enumerate(text.splitlines(), 1):
            m = MARKER.search(line)
            if m:
                out[m.group(1)].add((rel, lineno))
    return dict(out)


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NO_COLOR": "1", "CI": "1", "COLUMNS": "100"}
    env.pop("SSOTCHECK_CACHE_DIR", None)
    # --no-cache: the runs must neither depend on nor write a cache inside examples/.
    proc = subprocess.run(
        [sys.executable, "-m", "ssotcheck", *args, "--no-cache"],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=300,
    )
    assert "Traceback" not in proc.stderr, proc.stderr
    return proc


@pytest.fixture(scope="module")
def report() -> dict[str, Any]:
    proc = cli("report", "examples/", "--format", "json")
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def test_every_rule_in_the_catalogue_is_planted() -> None:
    marks = planted()
    assert sorted(marks) == sorted(catalogue.rules())


def test_readme_lists_every_planted_case() -> None:
    readme = (EXAMPLES / "README.md").read_text(encoding="utf-8")
    for rule, places in planted().items():
        assert rule in readme
        for path, line in places:
            # `path:line`, or a `:line` continuation after the same path on that row
            assert f"{path}:{line}" in readme or (path in readme and f"`:{line}`" in readme), \
                f"README does not mention {rule} at {path}:{line}"


def test_report_finds_every_rule_where_it_was_planted(report: dict[str, Any]) -> None:
    marks = planted()
    found: dict[str, set[tuple[str, int]]] = defaultdict(set)
    for f in report["findings"]:
        found[f["rule"]].add((f["path"], f["line"]))
    missing_file = {}
    missing_line = {}
    for rule in sorted(catalogue.rules()):
        planted_files = {p for p, _ in marks.get(rule, ())}
        if not {p for p, _ in found[rule]} & planted_files:
            missing_file[rule] = sorted(planted_files)
        elif not found[rule] & marks[rule]:
            missing_line[rule] = (sorted(marks[rule]), sorted(found[rule]))
    assert missing_file == {}, "rules with no finding in the file they were planted in"
    assert missing_line == {}, "rules found in the right file but not at a planted line"


def test_report_finds_nothing_that_was_not_planted(report: dict[str, Any]) -> None:
    marks = planted()
    stray = [
        (f["rule"], f["path"], f["line"], f["message"]) for f in report["findings"]
        if f["path"] not in {p for p, _ in marks.get(f["rule"], ())}
    ]
    assert stray == []


def test_report_json_has_the_design_keys_and_consistent_counts(report: dict[str, Any]) -> None:
    for key in ("schema_version", "tool", "files_analyzed", "score", "areas", "findings"):
        assert key in report
    assert report["files_analyzed"] == len(list(EXAMPLES.rglob("*.py"))) - 1  # one SSOT000
    assert {a["name"] for a in report["areas"]} == {"production", "tests", "legacy"}
    for a in report["areas"]:
        assert 0 <= a["files_with_violations"] <= a["files"]
        assert 0.0 <= a["score"] < 100.0  # every area has a planted case
    legacy = next(a for a in report["areas"] if a["name"] == "legacy")
    assert legacy["score"] == 0.0  # its only file does not parse


def test_text_output_is_byte_identical_across_runs_and_jobs() -> None:
    first = cli("report", "examples/", "--jobs", "1")
    second = cli("report", "examples/", "--jobs", "1")
    parallel = cli("report", "examples/", "--jobs", "2")
    assert first.returncode == second.returncode == parallel.returncode == 0
    assert "SSOT301" in first.stdout  # not vacuously equal
    assert first.stdout == second.stdout
    assert first.stdout == parallel.stdout


def test_json_output_is_identical_across_jobs(report: dict[str, Any]) -> None:
    parallel = cli("report", "examples/", "--format", "json", "--jobs", "2")
    assert json.loads(parallel.stdout) == report
