"""SSOT201 by import context, on the `fix/guards` fixture: golden messages.

Contexts: a guarded fallback (info), a probe (warning; `imports.legacy-probes = false`
skips it), an absence assertion (not reported), a hard import (error, with a fix).
Regenerate the golden file with `SSOTCHECK_REGEN_GOLDEN=1` after checking the change.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from conftest import FIXTURES, run_on

from ssotcheck.model import Severity

CASE = FIXTURES / "fix" / "guards" / "input"
GOLDEN = FIXTURES / "golden" / "ssot201_contexts.txt"


def lines(root: Path) -> str:
    out = []
    for f in run_on(root).findings:
        if f.rule == "SSOT201":
            fix = "" if f.fix is None else f" [fix, {'safe' if f.fix.safe else 'unsafe'}]"
            out.append(f"{f.path}:{f.line}: {f.severity.value}{fix}: {f.message}")
    return "\n".join(out) + "\n"


def test_golden_messages(tmp_path: Path) -> None:
    root = tmp_path / "proj"
    shutil.copytree(CASE, root)
    got = lines(root)
    if os.environ.get("SSOTCHECK_REGEN_GOLDEN"):
        GOLDEN.write_text(got, encoding="utf-8")
    assert got == GOLDEN.read_text(encoding="utf-8")


def test_each_context_has_its_severity(tmp_path: Path) -> None:
    root = tmp_path / "proj"
    shutil.copytree(CASE, root)
    found = [f for f in run_on(root).findings if f.rule == "SSOT201"]
    by_line = {(f.path, f.line): f for f in found}
    assert by_line[("app/compat.py", 10)].severity is Severity.INFO
    assert by_line[("app/compat.py", 14)].severity is Severity.WARNING
    assert by_line[("app/compat.py", 20)].severity is Severity.ERROR
    assert by_line[("tests/test_gone.py", 17)].severity is Severity.WARNING
    assert not any(f.line in (11, 26) and f.path == "tests/test_gone.py" for f in found)
    assert [f.fix is not None for f in found] == [False, False, True, False]


def test_probes_can_be_skipped(tmp_path: Path) -> None:
    root = tmp_path / "proj"
    shutil.copytree(CASE, root)
    (root / "pyproject.toml").write_text(
        (root / "pyproject.toml").read_text() + "\n[tool.ssotcheck.imports]\nlegacy-probes = false\n")
    found = [f for f in run_on(root).findings if f.rule == "SSOT201"]
    assert [(f.path, f.line) for f in found] == [("app/compat.py", 10), ("app/compat.py", 20)]
