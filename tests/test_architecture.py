"""The house rules of ssotcheck's own source, checked with ssotcheck itself.

- No import circle between files of `ssotcheck/`, function-level and TYPE_CHECKING
  imports included (the repository's configuration turns both on for SSOT204).
- The facts cache's code fingerprint covers every module that decides what a file's facts
  are, so editing any of them invalidates cached facts.
"""

from __future__ import annotations

import ast
from pathlib import Path

from ssotcheck.config import load
from ssotcheck.index.cache import EXTRACTION_CODE
from ssotcheck.pipeline import RunOptions, run

REPO = Path(__file__).resolve().parents[1]
PACKAGE = REPO / "ssotcheck"


def test_no_import_circle_between_our_own_files() -> None:
    config = load(None, REPO)
    assert config.cycles_include_function_imports and config.cycles_include_type_checking
    result = run(config, RunOptions(paths=("ssotcheck",), use_cache=False, use_baseline=False))
    assert result.stats.files_analyzed >= 50
    cycles = [f"{f.path}:{f.location.line}: {f.message}" for f in result.findings
              if f.rule == "SSOT204"]
    assert cycles == []


def _first_party_imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    out: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("ssotcheck"):
            for alias in node.names:
                sub = f"{node.module}.{alias.name}"
                out.add(sub if _module_file(sub) else node.module)
        elif isinstance(node, ast.Import):
            out.update(a.name for a in node.names if a.name.startswith("ssotcheck"))
    return out


def _module_file(module: str) -> Path | None:
    base = REPO.joinpath(*module.split("."))
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.exists():
            return candidate
    return None


def test_the_facts_fingerprint_covers_all_extraction_code() -> None:
    todo = ["ssotcheck.index.extract", "ssotcheck.index.extract_cst"]
    seen: set[str] = set()
    while todo:
        module = todo.pop()
        if module in seen or module in ("ssotcheck", "ssotcheck.index"):
            continue
        seen.add(module)
        path = _module_file(module)
        assert path is not None, module
        todo.extend(_first_party_imports(path))
    reached = {str(_module_file(m).relative_to(PACKAGE)) for m in seen}  # type: ignore[union-attr]
    assert reached <= set(EXTRACTION_CODE), sorted(reached - set(EXTRACTION_CODE))
