"""Project root and empty runs (issue 13): `--config FILE` supplies settings only, the root
is the folder on the command line or the current directory; a run that analyses no Python
file never prints 100%; `-v` names the root and the configuration file."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import write_tree

CONFIG = """
[tool.ssotcheck]
exclude = ["pkg/generated/**"]
[tool.ssotcheck.areas]
core = ["pkg/**"]
tests = ["tests/**"]
"""


def ssot(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "CI")}
    return subprocess.run([sys.executable, "-m", "ssotcheck", *args, "--no-cache"],
                          capture_output=True, text=True, cwd=cwd, env=env, timeout=120)


@pytest.fixture
def layout(tmp_path: Path) -> tuple[Path, Path]:
    """A project without configuration, and a settings file in another folder."""
    proj = write_tree(tmp_path / "proj", {
        "pkg/__init__.py": "",
        "pkg/a.py": "A = 1\n",
        "pkg/generated/big.py": "B = 2\n",
        "tests/test_a.py": "def test_a():\n    assert True\n",
    })
    other = tmp_path / "settings" / "ssot.toml"
    other.parent.mkdir()
    other.write_text(CONFIG, encoding="utf-8")
    return proj, other


def test_config_from_another_folder_keeps_the_cwd_as_root(layout: tuple[Path, Path]) -> None:
    proj, other = layout
    out = ssot("report", "--config", str(other), "--format", "json", "-v", cwd=proj)
    assert out.returncode == 0, out.stderr
    doc = json.loads(out.stdout)
    # the globs of the settings file were read from the project root, not its own folder
    assert doc["files_analyzed"] == 3 and doc["files_excluded"] == 1
    assert {a["name"]: a["files"] for a in doc["areas"]} == {"core": 2, "tests": 1}
    assert f"root {proj.resolve()}; config {other.resolve()}" in out.stderr


def test_config_from_another_folder_with_the_root_on_the_command_line(
        layout: tuple[Path, Path]) -> None:
    proj, other = layout
    out = ssot("report", "proj", "--config", str(other.relative_to(proj.parent)), "-f", "json",
               cwd=proj.parent)
    assert out.returncode == 0, out.stderr
    assert {a["name"] for a in json.loads(out.stdout)["areas"]} == {"core", "tests"}


def test_verbose_names_the_root_and_the_discovered_config(tmp_path: Path) -> None:
    proj = write_tree(tmp_path / "p", {"pyproject.toml": CONFIG, "pkg/a.py": "A = 1\n"})
    out = ssot("check", "-v", cwd=proj / "pkg")
    assert out.returncode == 0, out.stderr
    assert f"root {proj.resolve()}; config {(proj / 'pyproject.toml').resolve()}" in out.stderr
    bare = write_tree(tmp_path / "bare", {"a.py": "A = 1\n"})
    out = ssot("check", "-v", cwd=bare)
    assert f"root {bare.resolve()}; config none (defaults)" in out.stderr


@pytest.mark.parametrize("command", ["check", "report"])
def test_no_python_files_is_an_error_not_a_perfect_score(tmp_path: Path, command: str) -> None:
    empty = write_tree(tmp_path / "empty", {"README.md": "# nothing here\n"})
    for fmt in ("text", "json"):
        out = ssot(command, "--format", fmt, cwd=empty)
        assert out.returncode == 2, (fmt, out.stdout, out.stderr)
        assert f"no Python files found under {empty.resolve()}" in out.stderr
        assert "100.0" not in out.stdout and out.stdout == ""


def test_a_directory_without_python_files_is_an_error(layout: tuple[Path, Path]) -> None:
    proj, _ = layout
    (proj / "docs").mkdir()
    (proj / "docs" / "index.md").write_text("hi\n", encoding="utf-8")
    out = ssot("check", "docs", cwd=proj)
    assert out.returncode == 2
    assert "no Python files found under docs" in out.stderr


def test_only_non_python_files_given_is_the_pre_commit_case(layout: tuple[Path, Path]) -> None:
    proj, _ = layout
    (proj / "README.md").write_text("hi\n", encoding="utf-8")
    (proj / "setup.cfg").write_text("[x]\n", encoding="utf-8")
    out = ssot("check", "README.md", "setup.cfg", cwd=proj)
    assert out.returncode == 0, out.stderr
    assert "no Python files among the 2 given paths; nothing to check" in out.stderr
    assert "100.0" not in out.stdout


def test_everything_excluded_says_so(tmp_path: Path) -> None:
    proj = write_tree(tmp_path / "p", {"pyproject.toml": '[tool.ssotcheck]\nexclude = ["**"]\n',
                                       "a.py": "A = 1\n", "b/c.py": "C = 1\n"})
    out = ssot("check", cwd=proj)
    assert out.returncode == 2
    assert "no Python files found under" in out.stderr and "excluded by `exclude`" in out.stderr


def test_verbose_report_says_when_project_directories_keep_their_names(tmp_path: Path) -> None:
    """Two dashed service directories that each hold `tests/`: named from inside, their
    test modules would take each other's names, so both keep the directory in module names
    and their imports do not resolve; `report -v` says so and what to set."""
    mono = write_tree(tmp_path / "mono", {
        "auth-service/auth/__init__.py": "", "auth-service/tests/test_app.py": "",
        "billing-service/billing/__init__.py": "", "billing-service/tests/test_app.py": ""})
    out = ssot("report", "-v", cwd=mono)
    assert out.returncode == 0, out.stderr
    assert ("warning: auth-service/ and billing-service/ would each hold a module named "
            "`tests`, so their modules keep the directory in their names and their absolute "
            "imports do not resolve; list the roots to name modules from in `src`") in out.stderr
    # Roots in `src` are the user's word: nothing to warn about.
    (mono / "pyproject.toml").write_text(
        '[tool.ssotcheck]\nsrc = ["auth-service", "billing-service"]\n')
    assert "warning:" not in ssot("report", "-v", cwd=mono).stderr
