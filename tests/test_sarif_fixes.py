"""SARIF `fixes` for autofixable findings (issue 13): valid against the SARIF schema, and
applying a log's artifactChanges gives the same file as `ssotcheck fix` does."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from urllib.parse import unquote

import pytest

from conftest import write_tree
from ssotcheck.cli import main
from test_sarif import assert_valid, validator  # noqa: F401  (a fixture)

CONFIG = """
[tool.ssotcheck]
[tool.ssotcheck.legacy-imports]
"pkg.old.Thing" = "pkg.new.Thing"
"pkg.oldmod" = "pkg.newmod"
"""

FILES = {
    "pyproject.toml": CONFIG,
    "pkg/__init__.py": "",
    "pkg/old.py": "class Thing: ...\nclass Other: ...\n",
    "pkg/new.py": "class Thing: ...\n",
    "pkg/oldmod.py": "X = 1\n",
    "pkg/newmod.py": "X = 1\n",
    # one binding per statement: the statement's new text is the whole fix
    "app/a.py": "from pkg.old import Thing  # keep this comment\n\nprint(Thing)\n",
    "app/b.py": "import pkg.oldmod as om\nprint(om.X)\n",
    "app/c.py": "def f():\n    from pkg.old import Thing as T\n    return T\n",
    "app/é.py": "x = 'é'; from pkg.old import Thing\nprint(x, Thing)\n",
    # two names in one statement: the codemod splits it; SARIF carries no edit
    "app/d.py": "from pkg.old import Thing, Other\nprint(Thing, Other)\n",
}


def apply(text: str, replacements: list[dict]) -> str:
    """Apply SARIF replacements (1-based lines, 1-based code-point columns, end exclusive)."""
    lines = text.splitlines(keepends=True)
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line))

    def offset(line: int, col: int) -> int:
        return starts[line - 1] + col - 1

    for r in sorted(replacements, key=lambda r: (r["deletedRegion"]["startLine"],
                                                 r["deletedRegion"]["startColumn"]), reverse=True):
        reg = r["deletedRegion"]
        a = offset(reg["startLine"], reg["startColumn"])
        b = offset(reg["endLine"], reg["endColumn"])
        text = text[:a] + r["insertedContent"]["text"] + text[b:]
    return text


@pytest.fixture
def sarif(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> tuple[Path, dict]:
    root = write_tree(tmp_path / "proj", FILES)
    capsys.readouterr()
    assert main(["check", str(root), "--no-cache", "--format", "sarif"]) == 1
    return root, json.loads(capsys.readouterr().out)


def test_sarif_fixes_are_schema_valid_and_match_ssotcheck_fix(
        sarif: tuple[Path, dict], tmp_path: Path, validator) -> None:  # noqa: F811
    root, doc = sarif
    assert_valid(validator, doc)
    results = [r for r in doc["runs"][0]["results"] if r["ruleId"] == "SSOT201"]
    with_fixes = {unquote(r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]): r
                  for r in results if "fixes" in r}
    assert sorted(with_fixes) == ["app/a.py", "app/b.py", "app/c.py", "app/é.py"]
    without = [r for r in results if "fixes" not in r]
    assert {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            for r in without} == {"app/d.py"}
    assert all(r["properties"]["fix"]["safe"] for r in results)  # described either way

    fixed = tmp_path / "fixed"
    shutil.copytree(root, fixed)
    assert main(["fix", str(fixed), "--no-cache", "-q"]) == 0
    for path, result in with_fixes.items():
        (fix,) = result["fixes"]
        (change,) = fix["artifactChanges"]
        assert unquote(change["artifactLocation"]["uri"]) == path
        assert fix["description"]["text"].startswith("rewrite to `")
        before = (root / path).read_text(encoding="utf-8")
        assert apply(before, change["replacements"]) == (fixed / path).read_text(
            encoding="utf-8"), path
