"""The command line as a user meets it: help, exit codes, gates, baseline, output options."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import write_tree


def ssot(*args: str, cwd: Path | None = None, env: dict[str, str] | None = None
         ) -> subprocess.CompletedProcess[str]:
    full_env = {**os.environ, **(env or {})}
    full_env.pop("NO_COLOR", None) if env is None or "NO_COLOR" not in env else None
    return subprocess.run([sys.executable, "-m", "ssotcheck", *args], capture_output=True,
                          text=True, cwd=cwd, env=full_env)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "proj"
    write_tree(root, {
        "pyproject.toml": "[tool.ssotcheck]\n",
        "pkg/__init__.py": "",
        "pkg/good.py": "def ok():\n    return 1\n",
        "pkg/broken.py": "def broken(:\n    pass\n",
        "tests/test_thing.py": "def test_x():\n    assert True\n",
    })
    return root


def test_help_teaches_commands_and_exit_codes() -> None:
    out = ssot("--help")
    assert out.returncode == 0
    for word in ("check", "report", "fix", "baseline", "graph", "explain", "init", "trend",
                 "Exit codes: 0 pass, 1 findings, 2 usage error", "examples:"):
        assert word in out.stdout
    sub = ssot("check", "--help")
    assert "--fail-under" in sub.stdout and "--format" in sub.stdout


def test_no_command_prints_help_and_exits_2() -> None:
    out = ssot()
    assert out.returncode == 2 and "usage:" in out.stdout


def test_version() -> None:
    from ssotcheck import __version__

    assert ssot("--version").stdout.strip() == f"ssotcheck {__version__}"


def test_check_exit_codes_and_message_format(project: Path) -> None:
    out = ssot("check", "--no-cache", str(project))
    assert out.returncode == 1
    assert "pkg/broken.py:1:12: SSOT000 could not analyse this file (syntax)" in out.stdout
    assert "1 finding (1 counted) in 1 of 4 files; score 75.0%" in out.stdout
    (project / "pkg" / "broken.py").write_text("def fixed():\n    pass\n", encoding="utf-8")
    ok = ssot("check", "--no-cache", str(project))
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert "0 findings (0 counted) in 0 of 4 files; score 100.0%" in ok.stdout


def test_scope_limits_findings_and_score(project: Path) -> None:
    out = ssot("check", "--no-cache", str(project / "tests"))
    assert out.returncode == 0
    assert "in 0 of 1 files; score 100.0%" in out.stdout
    out = ssot("check", "--no-cache", str(project / "pkg" / "broken.py"))
    assert out.returncode == 1 and "in 1 of 1 files; score 0.0%" in out.stdout


def test_fail_under_gate(project: Path) -> None:
    (project / "pyproject.toml").write_text('[tool.ssotcheck]\nfail-under = 80\n',
                                            encoding="utf-8")
    out = ssot("check", str(project))
    assert out.returncode == 1
    assert "score 75.0% is below fail-under 80.0%" in out.stderr
    lenient = ssot("check", "--fail-under", "70", str(project))
    assert lenient.returncode == 1  # the finding itself still fails the gate ...
    assert "below fail-under" not in lenient.stderr  # ... but the score passes
    # Scores are computed after the gates (design §2), so a baselined finding no longer
    # lowers the score.
    (project / "pyproject.toml").write_text(
        '[tool.ssotcheck]\nfail-under = 80\nbaseline = "b.json"\n', encoding="utf-8")
    assert ssot("baseline", str(project)).returncode == 0
    assert ssot("check", str(project)).returncode == 0


def test_baseline_ratchet(project: Path) -> None:
    (project / "pyproject.toml").write_text('[tool.ssotcheck]\nbaseline = "b.json"\n',
                                            encoding="utf-8")
    assert ssot("check", str(project)).returncode == 1
    made = ssot("baseline", str(project))
    assert made.returncode == 0 and "wrote 1 finding" in made.stdout
    data = json.loads((project / "b.json").read_text())
    assert data["schema_version"] == 2 and sum(e["count"] for e in data["entries"]) == 1
    passed = ssot("check", str(project))
    assert passed.returncode == 0 and "1 in baseline" in passed.stdout
    # shifting the broken line keeps it baselined (fingerprints ignore line numbers) ...
    (project / "pkg" / "broken.py").write_text("\n\ndef broken(:\n    pass\n", encoding="utf-8")
    assert ssot("check", str(project)).returncode == 0
    # ... but a new problem fails the gate
    (project / "pkg" / "new_bad.py").write_text("class (:\n", encoding="utf-8")
    again = ssot("check", str(project))
    assert again.returncode == 1 and "pkg/new_bad.py" in again.stdout
    assert "pkg/broken.py" not in again.stdout
    assert ssot("check", "--no-baseline", str(project)).returncode == 1


def test_corrupt_baseline_is_a_clear_error(project: Path) -> None:
    (project / "pyproject.toml").write_text('[tool.ssotcheck]\nbaseline = "b.json"\n',
                                            encoding="utf-8")
    (project / "b.json").write_text("{not json", encoding="utf-8")
    out = ssot("check", str(project))
    assert out.returncode == 2 and "not a valid ssotcheck baseline" in out.stderr
    assert "Traceback" not in out.stderr


def test_inline_suppressions(project: Path) -> None:
    write_tree(project, {"pkg/legacy.py": "import os  # ssotcheck: ignore[SSOT203]\n"})
    from ssotcheck.index.source import suppressions

    def brief(text: str) -> tuple:
        return tuple((s.line, s.codes, s.file_level) for s in suppressions(text))

    assert brief("import os  # ssotcheck: ignore[SSOT203]\n") == ((1, ("SSOT203",), False),)
    assert brief("x = 1  # noqa: SSOT201, SSOT203\n") == ((1, ("SSOT201", "SSOT203"), False),)
    assert brief("# ssotcheck: ignore-file\n") == ((1, (), True),)
    assert brief("x = 1  # noqa\n") == ()  # a bare noqa belongs to other linters


def test_usage_errors_exit_2(project: Path, tmp_path: Path) -> None:
    missing = ssot("check", str(project / "nope.py"))
    assert missing.returncode == 2 and "path does not exist" in missing.stderr
    bad_rule = ssot("check", "--select", "SSOT8", str(project))
    assert bad_rule.returncode == 2 and "names no known rule" in bad_rule.stderr
    unknown = ssot("explain", "split-enums")
    assert unknown.returncode == 2 and "did you mean `split-enum`" in unknown.stderr
    for out in (missing, bad_rule, unknown):
        assert "Traceback" not in out.stderr


def test_explain_lists_and_prints_rules() -> None:
    listing = ssot("explain")
    assert listing.returncode == 0
    ids = [line.split()[0] for line in listing.stdout.splitlines()]
    assert ids == sorted(ids) and "SSOT101" in ids and "SSOT301" in ids
    page = ssot("explain", "ssot101", env={"NO_COLOR": "1"})
    assert page.stdout.startswith("# SSOT101 split-enum")
    for heading in ("## What it does", "## Why is this bad?", "## Example", "## Use instead",
                    "## Options"):
        assert heading in page.stdout


def test_output_file_and_quiet(project: Path) -> None:
    target = project / "out" / "report.json"
    out = ssot("check", "--no-cache", "--format", "json", "-o", str(target), str(project))
    assert out.returncode == 1 and out.stdout == ""
    data = json.loads(target.read_text())
    assert data["findings"][0]["path"] == "pkg/broken.py"
    quiet = ssot("check", "-q", "--no-cache", str(project))
    assert quiet.stdout.splitlines()[0].startswith("pkg/broken.py:1:12: SSOT000")
    assert "score" not in quiet.stdout


def test_color_always_and_no_color(project: Path) -> None:
    colored = ssot("check", "--no-cache", "--color", "always", str(project))
    assert "\x1b[" in colored.stdout
    plain = ssot("check", "--no-cache", str(project), env={"NO_COLOR": "1"})
    assert "\x1b[" not in plain.stdout


def test_json_has_design_keys(project: Path) -> None:
    data = json.loads(ssot("report", "--no-cache", "--format", "json", str(project)).stdout)
    for key in ("schema_version", "tool", "files_analyzed", "score", "areas", "findings"):
        assert key in data
    assert data["tool"]["version"]
    area = data["areas"][0]
    assert set(area) >= {"name", "files", "files_with_violations", "violations", "score"}
    finding = data["findings"][0]
    assert set(finding) >= {"rule", "name", "severity", "message", "path", "line", "column",
                            "area", "related", "fingerprint"}


def test_init_writes_a_loadable_config(tmp_path: Path) -> None:
    write_tree(tmp_path, {"mypkg/__init__.py": "", "other/__init__.py": ""})
    out = ssot("init", str(tmp_path))
    assert out.returncode == 0 and "3 areas" in out.stdout
    from ssotcheck import config as cfgmod

    cfg = cfgmod.load(tmp_path / "ssotcheck.toml", tmp_path)
    assert [a for a, _ in cfg.areas] == ["tests", "mypkg", "other"]
    again = ssot("init", str(tmp_path))
    assert again.returncode == 2 and "not overwritten" in again.stderr


def test_report_record_and_trend(project: Path) -> None:
    # Outside git, with nothing recorded: a clear error pointing at `report --record`.
    first = ssot("trend", str(project))
    assert first.returncode == 2
    assert "not inside a git repository" in first.stderr and "report --record" in first.stderr
    ssot("report", "--record", str(project))
    (project / "pkg" / "broken.py").write_text("x = 1\n", encoding="utf-8")
    ssot("report", "--record", str(project))
    lines = ssot("trend", str(project)).stdout.splitlines()
    assert len(lines) == 3
    assert "75.0%" in lines[1] and "100.0%" in lines[2] and "+25.0" in lines[2]


def test_verbose_shows_cache_counter(project: Path) -> None:
    first = ssot("check", "-v", str(project))
    assert "parsed: 4 files (cache hits: 0)" in first.stderr
    second = ssot("check", "-v", str(project))
    assert "parsed: 0 files (cache hits: 4)" in second.stderr
    assert ssot("cache", "clear", str(project)).stdout.startswith("removed")
    assert not (project / ".ssotcheck_cache").exists()


def test_unparseable_file_counts_even_when_ssot000_is_deselected(project: Path) -> None:
    out = ssot("check", "--no-cache", "--ignore", "SSOT000", "--format", "json", str(project))
    data = json.loads(out.stdout)
    assert data["findings"] == []
    assert data["score"] == 75.0  # pkg/broken.py is still non-compliant (design §5)


def test_output_and_baseline_files_are_world_readable(project: Path) -> None:
    # mkstemp creates 0600 files; a report or baseline meant for CI artefacts must not be.
    out = project / "report.json"
    ssot("report", "--no-cache", "--format", "json", "-o", str(out), str(project))
    ssot("baseline", "--file", str(project / "b.json"), str(project))
    umask = os.umask(0)
    os.umask(umask)
    for p in (out, project / "b.json"):
        assert p.stat().st_mode & 0o777 == 0o666 & ~umask
