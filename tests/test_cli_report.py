"""`ssotcheck report` / `check --format ...` / `explain` through the real command line."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from ssotcheck import catalogue
from ssotcheck.report import FORMATS

REPO = Path(__file__).resolve().parents[1]
EXAMPLES = REPO / "examples"

PROJECT = {
    "pkg/__init__.py": "",
    "pkg/status.py": """
        from enum import Enum

        class ExecutionStatus(str, Enum):
            PENDING = "pending"
            COMPLETED = "completed"
        """,
    "pkg/agents/__init__.py": "",
    "pkg/agents/context.py": """
        from enum import Enum

        class ExecutionStatus(str, Enum):
            PENDING = "pending"
            COMPLETED = "completed"
            FAILED = "failed"
        """,
    "pkg/broken.py": "def handler(event:\n    return event\n",
    "pkg/very/deeply/nested/package/with/a/long/path/that/goes/on/and/on/module_name.py":
        "def f(:\n",
    "tests/test_status.py": "def test_x(:\n",
    "tests/test_ok.py": "def test_ok():\n    assert True\n",
}


def ssotcheck(*args: str, cwd: Path | None = None, seed: str = "0",
              ) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONHASHSEED": seed, "NO_COLOR": "1", "COLUMNS": "80"}
    env.pop("SSOTCHECK_CACHE_DIR", None)
    return subprocess.run([sys.executable, "-m", "ssotcheck", *args], capture_output=True,
                          text=True, timeout=300, cwd=cwd, env=env)


@pytest.fixture
def project(make_project) -> Path:
    return make_project(PROJECT, config='[tool.ssotcheck]\n[tool.ssotcheck.areas]\n'
                                        'production = ["pkg/**"]\ntests = ["tests/**"]\n')


# ------------------------------------------------------------------------- report


def test_report_is_readable_at_100_columns_and_byte_identical(project: Path,
                                                              tmp_path: Path) -> None:
    runs = [ssotcheck("report", str(project), "--no-cache", "--jobs", "1", seed="1"),
            ssotcheck("report", str(project), "--no-cache", "--jobs", "1", seed="2"),
            ssotcheck("report", str(project), "--no-cache", "--jobs", "2", seed="3"),
            ssotcheck("report", str(project), "--cache-dir", str(tmp_path / "c"), "--jobs", "2"),
            ssotcheck("report", str(project), "--cache-dir", str(tmp_path / "c"), "--jobs", "1")]
    for proc in runs:
        assert proc.returncode == 0, proc.stderr
    text = runs[0].stdout
    assert all(proc.stdout == text for proc in runs[1:])  # cold, warm, 1 or 2 workers
    assert max(len(line) for line in text.split("\n")) <= 100
    assert "\x1b[" not in text
    assert "files analysed: 5   failed to parse: 3" in text
    for heading in ("Compliance by area", "Findings by rule", "Top offending files",
                    "Next steps:"):
        assert f"\n{heading}\n" in text
    assert "tests      |     2 |                     1 |          1 | 50.0% |" in text


@pytest.mark.parametrize("fmt", [f for f in FORMATS if f != "text"])
def test_every_format_is_byte_identical_across_runs_and_jobs(project: Path, tmp_path: Path,
                                                             fmt: str) -> None:
    outputs = []
    for jobs, seed in (("1", "1"), ("2", "2")):
        target = tmp_path / f"out-{jobs}.{fmt}"
        proc = ssotcheck("report", str(project), "--no-cache", "--jobs", jobs, "--format", fmt,
                         "-o", str(target), seed=seed)
        assert proc.returncode == 0, proc.stderr
        assert proc.stdout == ""  # -o: nothing on stdout
        outputs.append(target.read_bytes())
    assert outputs[0] == outputs[1]
    assert len(outputs[0]) > 200


def test_check_exit_codes_and_json_on_stdout(project: Path, make_project) -> None:
    proc = ssotcheck("check", str(project), "--no-cache", "--format", "json")
    assert proc.returncode == 1
    doc = json.loads(proc.stdout)
    assert doc["score"] < 100 and any(f["rule"] == "SSOT000" for f in doc["findings"])

    clean = project.parent / "clean"
    (clean / "pkg").mkdir(parents=True)
    (clean / "pkg" / "a.py").write_text("A = 1\n", encoding="utf-8")
    (clean / "ssotcheck.toml").write_text("[tool.ssotcheck]\nfail-under = 100\n",
                                          encoding="utf-8")
    proc = ssotcheck("check", str(clean), "--no-cache", "--format", "github")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout == ("::notice title=ssotcheck score 100.0%25::100.0%25 compliant: "
                           "0 violations in 0 of 1 file%0Aproduction: 100.0%25 (0 violations in "
                           "0 of 1 file)\n")


def test_check_scope_limits_what_is_scored(project: Path) -> None:
    proc = ssotcheck("check", str(project / "tests"), "--no-cache", "--format", "json")
    doc = json.loads(proc.stdout)
    assert [a["name"] for a in doc["areas"]] == ["tests"]
    assert {f["path"] for f in doc["findings"]} == {"tests/test_status.py"}
    assert doc["score"] == 50.0


def test_examples_report_is_readable_and_deterministic() -> None:
    if not any(EXAMPLES.rglob("*.py")):
        pytest.skip("examples/ holds no Python files yet")
    a = ssotcheck("report", str(EXAMPLES), "--no-cache", "--jobs", "1", seed="1")
    b = ssotcheck("report", str(EXAMPLES), "--no-cache", "--jobs", "2", seed="2")
    assert a.returncode == 0, a.stderr
    assert a.stdout == b.stdout
    assert max(len(line) for line in a.stdout.split("\n")) <= 100
    assert "Compliance by area" in a.stdout


# ------------------------------------------------------------------------ explain


def test_explain_prints_the_rule_page() -> None:
    catalogue.rules.cache_clear()  # compare with the TOML as the subprocess will read it
    rule = catalogue.get("SSOT101")
    for query in ("SSOT101", "ssot101", "split-enum"):
        proc = ssotcheck("explain", query)
        assert proc.returncode == 0, proc.stderr
        assert proc.stdout == rule.markdown()
    assert "## Why is this bad?" in rule.markdown()


def test_explain_without_a_rule_lists_them_all() -> None:
    proc = ssotcheck("explain")
    catalogue.rules.cache_clear()
    assert proc.returncode == 0
    lines = proc.stdout.strip().split("\n")
    assert [line.split()[0] for line in lines] == list(catalogue.rules())
    assert all(len(line.split()) > 3 for line in lines)


@pytest.mark.parametrize(("query", "hint"), [
    ("SOT101", "did you mean `SSOT101`?"),
    ("split-enm", "did you mean `split-enum`?"),
    ("zzzz", "run `ssotcheck explain` for the list"),
])
def test_explain_unknown_rule_exits_2_with_a_suggestion(query: str, hint: str) -> None:
    proc = ssotcheck("explain", query)
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert f"unknown rule `{query}`" in proc.stderr and hint in proc.stderr
    assert "Traceback" not in proc.stderr
