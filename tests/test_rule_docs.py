"""docs/rules/*.md are generated from the catalogue; this fails when they drift."""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

from ssotcheck import catalogue

REPO = Path(__file__).resolve().parents[1]
SCRIPT = REPO / "scripts" / "gen_rule_docs.py"
DOCS = REPO / "docs" / "rules"


@pytest.fixture(scope="module")
def gen() -> ModuleType:
    spec = importlib.util.spec_from_file_location("gen_rule_docs", SCRIPT)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def run_script(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(SCRIPT), *args], capture_output=True, text=True,
                          timeout=120)


def test_committed_rule_docs_match_the_catalogue() -> None:
    proc = run_script("--check")
    assert proc.returncode == 0, (
        f"{proc.stderr}\nregenerate with: python scripts/gen_rule_docs.py")


def test_every_rule_has_its_page_and_an_index_entry(gen: ModuleType) -> None:
    index = (DOCS / "index.md").read_text(encoding="utf-8")
    for rule in catalogue.rules().values():
        page = DOCS / f"{rule.id}-{rule.name}.md"
        text = page.read_text(encoding="utf-8")
        assert text.startswith(gen.MARKER)
        assert text.endswith(rule.markdown())  # the exact page `ssotcheck explain` prints
        assert f"# {rule.id} {rule.name}\n" in text
        assert f"| [{rule.id}]({page.name}) | `{rule.name}` | {rule.severity.value} |" in index


def test_check_mode_reports_drift_and_write_mode_repairs_it(gen: ModuleType,
                                                           tmp_path: Path) -> None:
    out = tmp_path / "rules"
    shutil.copytree(DOCS, out)
    first = next(iter(catalogue.rules().values()))
    page = out / f"{first.id}-{first.name}.md"
    page.write_text(page.read_text(encoding="utf-8") + "hand edit\n", encoding="utf-8")
    (out / "index.md").unlink()
    stale = out / "SSOT999-retired-rule.md"
    stale.write_text(gen.MARKER + " from nowhere -->\n# old\n", encoding="utf-8")
    handwritten = out / "NOTES.md"
    handwritten.write_text("# notes kept by hand\n", encoding="utf-8")

    proc = run_script("--check", "--out", str(out))
    assert proc.returncode == 1
    assert f"{page.name}: out of date" in proc.stderr
    assert "index.md: missing" in proc.stderr
    assert "SSOT999-retired-rule.md: stale" in proc.stderr
    assert "NOTES.md" not in proc.stderr
    assert page.read_text(encoding="utf-8").endswith("hand edit\n")  # --check writes nothing

    proc = run_script("--out", str(out))
    assert proc.returncode == 0, proc.stderr
    assert not stale.exists() and handwritten.exists()
    assert run_script("--check", "--out", str(out)).returncode == 0
    assert gen.compare(out) == ([], [], [])


def test_generation_is_deterministic(gen: ModuleType, tmp_path: Path) -> None:
    gen.write(tmp_path / "a")
    gen.write(tmp_path / "b")
    names = sorted(p.name for p in (tmp_path / "a").iterdir())
    assert names == sorted(p.name for p in (tmp_path / "b").iterdir())
    assert len(names) == len(catalogue.rules()) + 1
    for name in names:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()
