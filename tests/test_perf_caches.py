"""The machinery that makes large runs fast must never change an answer.

Covers the facts codec (tuples instead of pickled dataclasses), the whole-run results
cache, the facts delta file, and the GC handling of
`pipeline.run`. Each test compares against the plain, uncached, single-process answer.
"""

from __future__ import annotations

import gc
import os
import shutil
import sys
import time
from pathlib import Path

import pytest

from ssotcheck.index import codec
from ssotcheck.index.cache import FactsCache
from ssotcheck.index.extract import extract
from ssotcheck.index.options import ExtractOptions
from ssotcheck.model import FileFacts
from ssotcheck.pipeline import RunResult
from ssotcheck.report.graph_export import export

from tests.conftest import run_on, write_tree

BENCH = Path(__file__).resolve().parent.parent / "benchmarks"
PARITY = Path(__file__).resolve().parent / "fixtures" / "parity"

CONFIG = """
[tool.ssotcheck.legacy-imports]
"pkg.old" = "pkg.new"

[tool.ssotcheck.banned-api."os.environ"]
use = "pkg.env.get_env"
allow = ["pkg/env.py"]
"""

FILES: dict[str, str | bytes] = {
    "pkg/__init__.py": "",
    "pkg/new.py": "class Thing:\n    a = 1\n    b = 2\n",
    "pkg/env.py": "import os\n\ndef get_env(k):\n    return os.environ.get(k)\n",
    "pkg/user.py": "import pkg.old\nfrom pkg.old import Thing  # ssotcheck: ignore[SSOT201]\n",
    "pkg/reader.py": "import os\nHOME = os.environ['HOME']\n",
    "pkg/enums_a.py": "from enum import Enum\n\nclass Color(Enum):\n    RED = 1\n    BLUE = 2\n",
    "pkg/enums_b.py": "from enum import Enum\n\nclass Color(Enum):\n    RED = 1\n    GREEN = 3\n",
    "pkg/broken.py": "def broken(:\n",
    "tests/test_x.py": "class TestX:\n    def test_a(self):\n        assert True\n",
}


def _project(tmp_path: Path, config: str = CONFIG) -> Path:
    root = tmp_path / "proj"
    write_tree(root, FILES)
    (root / "pyproject.toml").write_text("[tool.ssotcheck]\n" + config, encoding="utf-8")
    old = time.time_ns() - 3600 * 10**9  # past the racy window, like an old checkout
    for p in root.rglob("*.py"):
        os.utime(p, ns=(old, old))
    return root


def _answer(r: RunResult) -> list[tuple[str, str, int, str, str]]:
    return [(f.rule, f.path, f.line, f.severity.value, f.message) for f in r.findings]


def _cached(root: Path, cache: Path, **kw: object) -> RunResult:
    return run_on(root, use_cache=True, cache_dir=cache, **kw)  # type: ignore[arg-type]


# ------------------------------------------------------------------------- codec

def _corpus() -> list[FileFacts]:
    options = ExtractOptions(banned=("os.environ", "os.getenv"))
    out = [extract(p.name, p.read_bytes(), options) for p in sorted(PARITY.glob("*.py"))]
    for rel, text in FILES.items():
        out.append(extract(rel, text.encode() if isinstance(text, str) else text, options))
    sys.path.insert(0, str(BENCH))
    import planted  # the benchmark's planted cases: every kind of fact the rules read

    for rel, rendered in planted.rendered().items():
        out.append(extract(rel, rendered.text.encode(), options))
    return out


def test_codec_round_trips_every_kind_of_fact() -> None:
    corpus = _corpus()
    kinds = {"imports", "classes", "functions", "dict_literals", "name_uses", "suppressions",
             "error", "all_names"}
    present = {k for f in corpus for k in kinds if getattr(f, k)}
    assert present == kinds, "the corpus no longer exercises every field"
    for facts in corpus:
        encoded = codec.encode_facts(facts)
        assert codec.decode_facts(encoded) == facts
        moved = codec.decode_facts(encoded, "elsewhere/x.py")
        assert moved.path == "elsewhere/x.py" and moved.classes == facts.classes


def test_codec_output_is_plain_data() -> None:
    """What crosses processes and lands in the cache must need no class to load."""
    def plain(v: object) -> bool:
        if isinstance(v, tuple):
            return all(plain(x) for x in v)
        return v is None or type(v) in (str, int, bool, float)

    assert all(plain(codec.encode_facts(f)) for f in _corpus())


# ------------------------------------------------------------------ results cache

def test_unchanged_tree_is_answered_from_the_results_cache(tmp_path: Path) -> None:
    root = _project(tmp_path)
    reference = run_on(root)
    cache = tmp_path / "cache"
    cold = _cached(root, cache)
    warm = _cached(root, cache)
    assert "checks" in cold.stats.seconds and "checks" not in warm.stats.seconds
    assert _answer(warm) == _answer(cold) == _answer(reference)
    assert warm.scores == reference.scores and warm.suppressed == reference.suppressed == 1
    assert (warm.stats.files_parsed, warm.stats.cache_hits) == (0, len(FILES))
    assert warm.stats.files_failed == reference.stats.files_failed == 1
    # The index of an answered run still has every fact, loaded when someone asks.
    assert warm.index.files == reference.index.files
    assert export(warm.index, "json") == export(reference.index, "json")


def test_any_changed_input_reruns_the_checks(tmp_path: Path) -> None:
    root = _project(tmp_path)
    cache = tmp_path / "cache"
    _cached(root, cache)
    # an edited file
    (root / "pkg" / "enums_b.py").write_text("X = 1\n", encoding="utf-8")
    edited = _cached(root, cache)
    assert "checks" in edited.stats.seconds
    assert _answer(edited) == _answer(run_on(root))
    assert not any(f.rule == "SSOT101" for f in edited.findings)
    # other configuration
    (root / "pyproject.toml").write_text("[tool.ssotcheck]\nignore = [\"SSOT203\"]\n" + CONFIG,
                                         encoding="utf-8")
    reconfigured = _cached(root, cache)
    assert "checks" in reconfigured.stats.seconds
    assert not any(f.rule == "SSOT203" for f in reconfigured.findings)
    # a new file, and a deleted one
    (root / "pkg" / "more.py").write_text("import pkg.old\n", encoding="utf-8")
    (root / "pkg" / "reader.py").unlink()
    moved = _cached(root, cache)
    assert _answer(moved) == _answer(run_on(root))
    assert "pkg/more.py" in {f.path for f in moved.findings}


def test_touched_files_are_confirmed_by_content(tmp_path: Path) -> None:
    root = _project(tmp_path)
    cache = tmp_path / "cache"
    cold = _cached(root, cache)
    later = time.time_ns() - 60 * 10**9
    for p in root.rglob("*.py"):
        os.utime(p, ns=(later, later))
    touched = _cached(root, cache)
    assert "checks" not in touched.stats.seconds and _answer(touched) == _answer(cold)


def test_same_size_same_tick_rewrite_is_not_answered_from_results(tmp_path: Path) -> None:
    root = tmp_path / "proj"
    write_tree(root, {"m.py": "from enum import Enum\nclass A(Enum):\n    X = 1\n",
                      "n.py": "from enum import Enum\nclass A(Enum):\n    X = 1\n"})
    cache = tmp_path / "cache"
    first = _cached(root, cache)  # written just now: inside the racy window
    assert [f.rule for f in first.findings] == ["SSOT101"]
    st = (root / "n.py").stat()
    (root / "n.py").write_text("from enum import Enum\nclass B(Enum):\n    Y = 1\n",
                               encoding="utf-8")
    os.utime(root / "n.py", ns=(st.st_atime_ns, st.st_mtime_ns))
    second = _cached(root, cache)
    assert second.findings == ()


@pytest.mark.parametrize("damage", ["garbage", "empty", "other-shape"])
def test_damaged_results_file_is_ignored(tmp_path: Path, damage: str) -> None:
    root = _project(tmp_path)
    cache = tmp_path / "cache"
    cold = _cached(root, cache)
    (results,) = cache.rglob("results.pickle")
    if damage == "garbage":
        results.write_bytes(os.urandom(2000))
    elif damage == "empty":
        results.write_bytes(b"")
    else:
        import pickle

        results.write_bytes(pickle.dumps(("ssotcheck-results-v1", "x", {"key": 1})))
    again = _cached(root, cache)
    assert "checks" in again.stats.seconds and _answer(again) == _answer(cold)


# ---------------------------------------------------------------------- delta file

def test_editing_one_file_writes_a_small_delta_not_the_whole_cache(tmp_path: Path) -> None:
    root = _project(tmp_path)
    cache = tmp_path / "cache"
    _cached(root, cache)
    (base,) = cache.rglob("facts.pickle")
    before = base.stat()
    (root / "pkg" / "new.py").write_text("class Thing:\n    a = 1\n    c = 3\n", encoding="utf-8")
    _cached(root, cache)
    after = base.stat()
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)
    (delta,) = cache.rglob("facts-delta.pickle")
    assert delta.stat().st_size < before.st_size
    fresh = FactsCache(cache, base.parent.name.split("-", 1)[1])
    fresh.load()
    got = fresh.entries["pkg/new.py"][3]
    assert [m.name for m in got.classes[0].members] == ["a", "c"]
    assert fresh.entries["pkg/new.py"][3] == extract(
        "pkg/new.py", (root / "pkg" / "new.py").read_bytes(), ExtractOptions(
            banned=("os.environ",)))


def test_a_delta_for_another_base_is_never_applied(tmp_path: Path) -> None:
    root = _project(tmp_path)
    for i in range(80):  # enough entries that editing all of them is not "a few"
        (root / "pkg" / f"filler_{i}.py").write_text(f"VALUE_{i} = {i}\n", encoding="utf-8")
    cache = tmp_path / "cache"
    _cached(root, cache)
    (root / "pkg" / "new.py").write_text("class Other:\n    z = 1\n    y = 2\n", encoding="utf-8")
    _cached(root, cache)
    (delta,) = cache.rglob("facts-delta.pickle")
    stale = delta.read_bytes()
    # Many changes fold everything into a new base file and drop the delta ...
    for p in sorted(root.rglob("*.py")):
        p.write_text(p.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    _cached(root, cache)
    assert not list(cache.rglob("facts-delta.pickle"))
    # ... and the old delta, put back, does not match that base: it is ignored.
    delta.write_bytes(stale)
    (root / "pkg" / "new.py").write_text("class Thing:\n    a = 1\n    b = 2\n", encoding="utf-8")
    result = _cached(root, cache)
    assert _answer(result) == _answer(run_on(root))
    classes = result.index.files["pkg/new.py"].classes
    assert [c.name for c in classes] == ["Thing"]


# --------------------------------------------------------------------------- gc

def test_run_restores_the_collector_state(tmp_path: Path) -> None:
    root = _project(tmp_path)
    assert gc.isenabled()
    run_on(root)
    assert gc.isenabled()
    gc.disable()
    try:
        run_on(root)
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_run_leaves_nothing_frozen_for_library_callers(tmp_path: Path) -> None:
    root = _project(tmp_path)
    before = gc.get_freeze_count()
    run_on(root)
    assert gc.get_freeze_count() == before


def test_a_restored_cache_in_a_fresh_checkout_elsewhere_is_answered_from_it(
        tmp_path: Path) -> None:
    """What CI does: the cache folder is restored into a new checkout at another path,
    where every file (the cache's own too) has a new inode and mtime. The run is answered
    from the stored results: no file parsed, no family re-run, the same findings."""
    root = _project(tmp_path)
    reference = run_on(root)
    first = run_on(root, use_cache=True)  # the default cache folder, inside the project
    assert first.stats.files_parsed == len(FILES)
    moved = tmp_path / "elsewhere" / "checkout"
    moved.parent.mkdir()
    shutil.copytree(root, moved, symlinks=True)
    shutil.rmtree(root)
    later = time.time_ns() - 60 * 10**9  # new, but outside the racy window
    for p in moved.rglob("*"):
        if p.is_file():
            os.utime(p, ns=(later, later))
    again = run_on(moved, use_cache=True)
    assert again.stats.files_parsed == 0
    assert again.stats.checks == "reused" and not again.stats.families_rerun
    assert _answer(again) == _answer(first) == _answer(reference)
    # ... and the stats it learnt make the next run a plain warm one.
    assert run_on(moved, use_cache=True).stats.checks == "reused"


def test_a_damaged_facts_file_is_not_mistaken_for_a_copied_one(tmp_path: Path) -> None:
    root = _project(tmp_path)
    cache = tmp_path / "cache"
    _cached(root, cache)
    (facts_file,) = cache.rglob("facts.pickle")
    data = facts_file.read_bytes()
    facts_file.write_bytes(data[:-10] + bytes(10))  # same size, other content
    again = _cached(root, cache)
    assert again.stats.checks != "reused"
    assert _answer(again) == _answer(run_on(root))
