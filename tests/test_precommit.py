"""The pre-commit hook, run by the real `pre-commit` in a temporary git repository.

pre-commit installs ssotcheck from a snapshot of this working tree into its own
environment (from PyPI for the dependencies), exactly as a user's hook would.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import write_tree

REPO = Path(__file__).resolve().parents[1]


def git(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=True)


def _snapshot_of_this_repo(dest: Path) -> str:
    """Commit the working tree (tracked + untracked, not ignored) into a fresh repo."""
    files = git(REPO, "ls-files", "-z", "-co", "--exclude-standard").stdout.split("\0")
    for rel in filter(None, files):
        src = REPO / rel
        if not src.is_file() or rel.startswith(("tests/", "benchmarks/", "examples/", "docs/")):
            continue
        (dest / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(src, dest / rel)
    git(dest, "init", "-q")
    git(dest, "add", "-A")
    git(dest, "-c", "user.email=t@t", "-c", "user.name=t", "commit", "-qm", "snapshot")
    return git(dest, "rev-parse", "HEAD").stdout.strip()


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_precommit_hook_blocks_a_bad_commit_and_passes_a_good_one(tmp_path: Path) -> None:
    pre_commit = Path(sys.executable).with_name("pre-commit")
    if not pre_commit.exists():
        pytest.skip("pre-commit is not installed in this environment (pip install -e .[test])")
    hook_repo = tmp_path / "hook-repo"
    hook_repo.mkdir()
    rev = _snapshot_of_this_repo(hook_repo)

    project = tmp_path / "project"
    write_tree(project, {
        "pyproject.toml": """
            [tool.ssotcheck]
            [tool.ssotcheck.legacy-imports]
            "pkg.old_mod" = "pkg.new_mod"
            """,
        "pkg/__init__.py": "",
        "pkg/new_mod.py": "VALUE = 1\n",
        "pkg/user.py": "from pkg.new_mod import VALUE\n",
        ".pre-commit-config.yaml": f"""
            repos:
              - repo: {hook_repo}
                rev: {rev}
                hooks:
                  - id: ssotcheck
            """,
    })
    git(project, "init", "-q")
    git(project, "config", "user.email", "t@t")
    git(project, "config", "user.name", "t")
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "pc-home"), "NO_COLOR": "1"}
    subprocess.run([str(pre_commit), "install"], cwd=project, env=env, check=True,
                   capture_output=True)
    git(project, "add", "-A")
    first = subprocess.run(["git", "commit", "-m", "clean"], cwd=project, env=env,
                           capture_output=True, text=True)
    assert first.returncode == 0, first.stdout + first.stderr
    assert "ssotcheck (single source of truth)" in first.stdout + first.stderr

    # A syntax error and (once SSOT201 lands) a legacy import in a staged file block it.
    write_tree(project, {"pkg/bad.py": "def broken(:\n    pass\n"})
    git(project, "add", "pkg/bad.py")
    blocked = subprocess.run(["git", "commit", "-m", "bad"], cwd=project, env=env,
                             capture_output=True, text=True)
    output = blocked.stdout + blocked.stderr
    assert blocked.returncode != 0
    assert "pkg/bad.py:1:12: SSOT000" in output
    assert "Failed" in output
    assert "pkg/user.py" not in output  # only the staged file is reported

    write_tree(project, {"pkg/bad.py": "def fixed():\n    pass\n"})
    git(project, "add", "pkg/bad.py")
    fixed = subprocess.run(["git", "commit", "-m", "fixed"], cwd=project, env=env,
                           capture_output=True, text=True)
    assert fixed.returncode == 0, fixed.stdout + fixed.stderr
    assert "Passed" in fixed.stdout + fixed.stderr

    # Adoption (issue 12): old findings recorded with `ssotcheck baseline` pass the hook
    # with no configuration edit, also after an edit shifts their lines; a new finding in
    # the same staged file still blocks the commit, and so does an unused suppression.
    write_tree(project, {"pkg/legacy_user.py": "from pkg.old_mod import VALUE\n"})
    git(project, "add", "-A")
    git(project, "commit", "-q", "--no-verify", "-m", "an old finding, before the hook")
    recorded = subprocess.run([sys.executable, "-m", "ssotcheck", "baseline"], cwd=project,
                              env=env, capture_output=True, text=True)
    assert recorded.returncode == 0, recorded.stderr
    assert (project / ".ssotcheck-baseline.json").is_file()
    (project / "pkg/legacy_user.py").write_text(
        '"""Uses the value."""\n\n\nfrom pkg.old_mod import VALUE\n', encoding="utf-8")
    git(project, "add", "-A")
    shifted = subprocess.run(["git", "commit", "-m", "baseline, and a line shift"],
                             cwd=project, env=env, capture_output=True, text=True)
    assert shifted.returncode == 0, shifted.stdout + shifted.stderr

    (project / "pkg/legacy_user.py").write_text(
        '"""Uses the value."""\n\n\nfrom pkg.old_mod import VALUE\n'
        "from pkg.old_mod import VALUE as AGAIN  # ssotcheck: ignore[SSOT203]\n",
        encoding="utf-8")
    git(project, "add", "-A")
    grown = subprocess.run(["git", "commit", "-m", "a new legacy import"], cwd=project,
                           env=env, capture_output=True, text=True)
    output = grown.stdout + grown.stderr
    assert grown.returncode != 0
    assert "pkg/legacy_user.py:5:" in output and "SSOT201" in output
    assert "SSOT900" in output  # the suppression names the wrong rule
    assert "pkg/legacy_user.py:4:" not in output  # the baselined one stays quiet
