"""The benchmark's generated monorepo: findings must equal its manifest, rule by rule.

A ~200-file tree with every rule's planted cases and decoys (benchmarks/planted.py) is
generated once per session and checked through the real pipeline. Correctness only: the
timings live in benchmarks/run.py, never in tests.
"""

from __future__ import annotations

import ast
import json
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import run_on

BENCH = Path(__file__).resolve().parent.parent / "benchmarks"
sys.path.insert(0, str(BENCH))

import generate  # noqa: E402
import manifest as manifest_mod  # noqa: E402
import planted  # noqa: E402

FILES = 200
SEED = 7


@pytest.fixture(scope="module")
def tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("bench") / "tree"
    generate.generate(FILES, root, SEED)
    return root


@pytest.fixture(scope="module")
def manifest(tree: Path) -> dict[str, Any]:
    return manifest_mod.load(tree)


@pytest.fixture(scope="module")
def scores(tree: Path, manifest: dict[str, Any]) -> dict[str, manifest_mod.RuleScore]:
    result = run_on(tree, jobs=2)
    return manifest_mod.score(manifest, [manifest_mod.finding_view(f) for f in result.findings])


@pytest.mark.parametrize("rule", planted.RULES)
def test_findings_equal_the_manifest(rule: str, scores: dict[str, manifest_mod.RuleScore],
                                     manifest: dict[str, Any]) -> None:
    got = scores[rule]
    detail = manifest_mod.describe({rule: got})
    assert got.missed == [], f"recall below 100% for {rule}:\n{detail}"
    assert got.unexpected == [], f"precision below 100% for {rule}:\n{detail}"
    assert got.expected == len(manifest["rules"][rule]["expected"])


def test_opt_in_non_canonical_imports_match_the_manifest(tmp_path: Path) -> None:
    """`generate.py --non-canonical` enables SSOT202; its planted cases are then expected
    and every other rule's expectations stay the same."""
    root = tmp_path / "tree"
    man = generate.generate(120, root, seed=SEED, non_canonical=True)
    assert man["rules"]["SSOT202"]["enabled"] and man["rules"]["SSOT202"]["expected"]
    result = run_on(root, jobs=1)
    got = manifest_mod.score(man, [manifest_mod.finding_view(f) for f in result.findings])
    assert all(s.perfect for s in got.values()), manifest_mod.describe(got)


def test_no_finding_from_a_rule_outside_the_catalogue(scores: dict[str, manifest_mod.RuleScore]) -> None:
    assert set(scores) == set(planted.RULES)


def test_tree_has_the_requested_size_and_plants_every_enabled_rule(
        tree: Path, manifest: dict[str, Any]) -> None:
    assert len(list(tree.rglob("*.py"))) == FILES == manifest["stats"]["python_files"]
    for rule, spec in manifest["rules"].items():
        if spec["enabled"]:
            assert spec["expected"], f"nothing planted for {rule}"
        else:
            assert spec["expected"] == [], f"{rule} is off in the config, yet has plants"
    decoy_rules = {d["rule"] for d in manifest["decoys"]}
    assert decoy_rules >= {"SSOT000", "SSOT101", "SSOT102", "SSOT103", "SSOT201", "SSOT203",
                           "SSOT204", "SSOT301"}


def test_every_site_points_at_the_code_it_describes(tree: Path, manifest: dict[str, Any]) -> None:
    """Guards the generator: a marker that drifted off its line would make the manifest lie."""
    texts: dict[str, list[str]] = {}

    def line(path: str, n: int) -> str:
        if path not in texts:
            texts[path] = (tree / path).read_bytes().decode("utf-8", "replace").split("\n")
        return texts[path][n - 1]

    expect_text = {"SSOT101": "class ", "SSOT103": "class ", "SSOT301": "class ",
                   "SSOT201": "import", "SSOT102": ("class ", "{")}
    for rule, spec in manifest["rules"].items():
        want = expect_text.get(rule)
        wants = want if isinstance(want, tuple) else (want,) if want else ()
        for entry in spec["expected"]:
            texts_here = []
            for site in entry["sites"]:
                assert (tree / site["path"]).is_file(), site
                if site["line"] is not None:
                    texts_here.append(line(site["path"], site["line"]))
            assert all(t.strip() and "#@" not in t for t in texts_here), (rule, entry)
            # one site of each entry is the statement itself (others may be a name in it)
            if wants and texts_here:
                assert any(w in t for t in texts_here for w in wants), (rule, entry, texts_here)
    broken = {s["path"] for e in manifest["rules"]["SSOT000"]["expected"] for s in e["sites"]}
    for path in sorted(tree.rglob("*.py")):
        rel = path.relative_to(tree).as_posix()
        if rel in broken or rel == "scripts/modern_fstrings.py":
            continue
        ast.parse(path.read_bytes(), filename=rel)  # every other file is valid 3.11 source


def test_generator_is_deterministic_and_seeded() -> None:
    a = generate.Generator(400, 3)
    a.generate()
    b = generate.Generator(400, 3)
    b.generate()
    c = generate.Generator(400, 4)
    c.generate()
    assert a.out == b.out and a.manifest() == b.manifest()
    assert a.out != c.out
    assert json.dumps(a.manifest(), sort_keys=True) == json.dumps(b.manifest(), sort_keys=True)


def test_generator_rejects_sizes_outside_its_range(tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        generate.Generator(generate.MIN_FILES - 1, 0)
    with pytest.raises(ValueError):
        generate.Generator(generate.MAX_FILES + 1, 0)
    (tmp_path / "keep.txt").write_text("not a generated tree", encoding="utf-8")
    with pytest.raises(FileExistsError):
        generate.generate(120, tmp_path, 0, force=True)
    assert (tmp_path / "keep.txt").exists()


def test_scorer_counts_misses_extras_and_severity() -> None:
    man = {"rules": {"SSOT201": {"enabled": True, "expected": [
        {"id": "a", "severity": None, "sites": [{"path": "m.py", "line": 3}]},
        {"id": "shim", "severity": "info", "sites": [{"path": "m.py", "line": 9}]},
        {"id": "multi", "severity": None, "sites": [{"path": "n.py", "line": 1},
                                                     {"path": "n.py", "line": 2}]},
    ]}, "SSOT204": {"enabled": True, "expected": [
        {"id": "cycle", "severity": None, "sites": [{"path": "x.py", "line": None}]}]}},
        "decoys": [{"rule": "SSOT201", "id": "string", "path": "m.py", "line": 5}]}
    findings = [
        {"rule": "SSOT201", "path": "m.py", "line": 3, "severity": "error"},
        {"rule": "SSOT201", "path": "m.py", "line": 9, "severity": "error"},  # should be info
        {"rule": "SSOT201", "path": "n.py", "line": 2, "severity": "error"},
        {"rule": "SSOT201", "path": "n.py", "line": 1, "severity": "error"},  # same entry again
        {"rule": "SSOT201", "path": "m.py", "line": 5, "severity": "error"},  # hit a decoy
        {"rule": "SSOT204", "path": "x.py", "line": 40, "severity": "warning"},
    ]
    s = manifest_mod.score(man, findings)
    assert (s["SSOT201"].recalled, s["SSOT201"].expected) == (2, 3)
    assert (s["SSOT201"].true_positives, s["SSOT201"].found) == (3, 5)
    assert [e["id"] for e in s["SSOT201"].missed] == ["shim"]
    assert [u.get("decoy") for u in s["SSOT201"].unexpected] == [None, "string"]
    assert s["SSOT204"].perfect and s["SSOT204"].recall == 1.0
