"""Re-use after edits: which edits take the fast path, and the pieces it stands on.

tests/test_incremental.py proves incremental answers equal answers from scratch over many
random edits; this file pins down that the fast path is actually taken where it should be
(an equality test alone would also pass if every run started over) and that the parts
deciding it (changed inputs, moved positions) say what they must.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

from ssotcheck.incremental import PositionMap, changed_inputs, move_results
from ssotcheck.index.extract import extract
from ssotcheck.index.options import ExtractOptions
from ssotcheck.model import Finding, Location, Severity
from ssotcheck.pipeline import RunResult

from tests.conftest import run_on, write_tree

CONFIG = """[tool.ssotcheck]
[tool.ssotcheck.legacy-imports]
"pkg.old" = "pkg.new"

[tool.ssotcheck.banned-api."os.environ"]
allow = ["pkg/env.py"]
"""

FILES: dict[str, str | bytes] = {
    "pkg/__init__.py": "",
    "pkg/new.py": "class Thing:\n    a = 1\n",
    "pkg/env.py": "import os\n\ndef get_env(k):\n    return os.environ.get(k)\n",
    "pkg/user.py": "from pkg.old import Thing\nfrom pkg.env import get_env\n",
    "pkg/reader.py": "import os\nHOME = os.environ['HOME']\n",
    "pkg/enums_a.py": "from enum import Enum\n\nclass Color(Enum):\n    RED = 1\n    BLUE = 2\n",
    "pkg/enums_b.py": "from enum import Enum\n\nclass Color(Enum):\n    RED = 1\n    GREEN = 3\n",
    "pkg/cyc_a.py": "import pkg.cyc_b\n",
    "pkg/cyc_b.py": "import pkg.cyc_a\n",
    "pkg/broken.py": "def broken(:\n",
}


def _project(tmp_path: Path) -> Path:
    root = write_tree(tmp_path / "proj", FILES)
    (root / "pyproject.toml").write_text(CONFIG, encoding="utf-8")
    old = time.time_ns() - 3600 * 10**9
    for p in root.rglob("*.py"):
        os.utime(p, ns=(old, old))
    return root


def _answer(r: RunResult) -> tuple[object, ...]:
    return r.findings, r.concepts, r.scores, r.scope, r.suppressed


def _after_edit(tmp_path: Path, edits: dict[str, str]) -> tuple[RunResult, RunResult]:
    """(incremental run, run from scratch) after `edits` (path -> text to append)."""
    root = _project(tmp_path)
    cache = tmp_path / "cache"
    run_on(root, use_cache=True, cache_dir=cache)
    for rel, text in edits.items():
        p = root / rel
        if text.startswith("\0"):  # prepend
            p.write_text(text[1:] + p.read_text(encoding="utf-8"), encoding="utf-8")
        else:
            p.write_text(p.read_text(encoding="utf-8") + text, encoding="utf-8")
    return (run_on(root, use_cache=True, cache_dir=cache), run_on(root))


def test_appended_helper_function_reuses_every_family(tmp_path: Path) -> None:
    inc, scratch = _after_edit(tmp_path, {"pkg/enums_a.py": "\n\ndef helper():\n    return 1\n"})
    assert inc.stats.checks == "incremental"
    assert inc.stats.families_rerun == ()
    assert inc.stats.files_parsed == 1
    assert _answer(inc) == _answer(scratch)
    assert any(f.rule == "SSOT101" for f in inc.findings)


def test_moved_lines_move_reused_findings(tmp_path: Path) -> None:
    root = _project(tmp_path)
    cache = tmp_path / "cache"
    before = run_on(root, use_cache=True, cache_dir=cache)
    p = root / "pkg/enums_b.py"
    p.write_text("\n\n\n" + p.read_text(encoding="utf-8"), encoding="utf-8")
    inc = run_on(root, use_cache=True, cache_dir=cache)
    assert inc.stats.checks == "incremental" and inc.stats.families_rerun == ()
    assert _answer(inc) == _answer(run_on(root))
    old_homes = {h.path: h.line for c in before.concepts for h in c.homes}
    new_homes = {h.path: h.line for c in inc.concepts for h in c.homes}
    assert new_homes["pkg/enums_b.py"] == old_homes["pkg/enums_b.py"] + 3
    assert new_homes["pkg/enums_a.py"] == old_homes["pkg/enums_a.py"]


def test_new_import_reruns_only_the_families_reading_imports(tmp_path: Path) -> None:
    inc, scratch = _after_edit(tmp_path, {"pkg/new.py": "import pkg.user\n"})
    assert inc.stats.checks == "incremental"
    assert "cycles" in inc.stats.families_rerun
    # local families re-check the edited file only; they are never re-run project-wide
    # (legacy_imports is not local: a rename's kind comes from the old and new homes)
    assert not {"parse_errors", "banned_api"} & set(inc.stats.families_rerun)
    assert _answer(inc) == _answer(scratch)


def test_new_third_party_import_nobody_refers_to_reruns_no_family(tmp_path: Path) -> None:
    """`import json as _j` cannot add an edge to the import graph (json is not a project
    module) and nothing looks its name up: only the local families look at the file."""
    inc, scratch = _after_edit(tmp_path, {"pkg/enums_a.py": "\nimport json as _j\n",
                                          "pkg/cyc_a.py": "\nfrom collections import deque\n"})
    assert inc.stats.checks == "incremental"
    assert inc.stats.families_rerun == ()
    assert _answer(inc) == _answer(scratch)


def test_removing_a_third_party_import_nobody_refers_to_reruns_no_family(
        tmp_path: Path) -> None:
    """The same edit backwards: after a full run that saw `import json as _j`, and after
    an incremental run that added it, taking it out again re-runs nothing either."""
    root = _project(tmp_path)
    cache = tmp_path / "cache"
    p = root / "pkg/enums_a.py"
    original = p.read_text(encoding="utf-8")
    p.write_text(original + "\nimport json as _j\n", encoding="utf-8")
    run_on(root, use_cache=True, cache_dir=cache)  # a full run with the import
    for _ in range(2):
        p.write_text(original, encoding="utf-8")
        removed = run_on(root, use_cache=True, cache_dir=cache)
        assert removed.stats.checks == "incremental"
        assert removed.stats.families_rerun == ()
        assert _answer(removed) == _answer(run_on(root))
        p.write_text(original + "\nimport json as _j\n", encoding="utf-8")
        added = run_on(root, use_cache=True, cache_dir=cache)
        assert added.stats.checks == "incremental" and added.stats.families_rerun == ()


def test_third_party_import_that_counts_still_reruns(tmp_path: Path) -> None:
    # the name it binds is referenced (a class base), a star import, a project module
    for edit in ("\nfrom enum import Enum as Thing\n", "\nfrom json import *\n",
                 "\nimport pkg.user as _u\n"):
        inc, scratch = _after_edit(tmp_path / str(abs(hash(edit))), {"pkg/enums_a.py": edit})
        assert inc.stats.families_rerun != (), edit
        assert _answer(inc) == _answer(scratch), edit


def test_local_family_finds_a_new_violation_in_the_edited_file(tmp_path: Path) -> None:
    inc, scratch = _after_edit(tmp_path, {"pkg/enums_a.py": "\nimport os\nX = os.environ\n"})
    assert inc.stats.checks == "incremental"
    assert any(f.rule == "SSOT203" and f.path == "pkg/enums_a.py" for f in inc.findings)
    assert _answer(inc) == _answer(scratch)


def test_adding_a_file_starts_over(tmp_path: Path) -> None:
    root = _project(tmp_path)
    cache = tmp_path / "cache"
    run_on(root, use_cache=True, cache_dir=cache)
    (root / "pkg/extra.py").write_text("import pkg.old\n", encoding="utf-8")
    inc = run_on(root, use_cache=True, cache_dir=cache)
    assert inc.stats.checks == "full"
    assert _answer(inc) == _answer(run_on(root))


def test_unchanged_tree_reuses_results_whole(tmp_path: Path) -> None:
    root = _project(tmp_path)
    cache = tmp_path / "cache"
    first = run_on(root, use_cache=True, cache_dir=cache)
    second = run_on(root, use_cache=True, cache_dir=cache)
    assert (first.stats.checks, second.stats.checks) == ("full", "reused")
    assert _answer(first) == _answer(second)


# ----------------------------------------------------------------- the pieces

OPTS = ExtractOptions(discriminators=("type",), banned=("os.environ",))


def _facts(text: str, path: str = "m.py"):  # noqa: ANN202 - FileFacts
    return extract(path, text.encode(), OPTS)


def test_changed_inputs_ignores_unreferenced_new_names_only() -> None:
    old = _facts("import os\n\nclass A:\n    x = 1\n")
    new = _facts("import os\n\nclass A:\n    x = 1\n\ndef helper():\n    pass\n")
    assert changed_inputs(old, new, {"os", "A"}) == frozenset()
    assert changed_inputs(old, new, {"os", "A", "helper"}) == {"defined", "kinds"}
    assert changed_inputs(old, _facts("import sys\n\nclass A:\n    x = 1\n"), set()) == \
        {"imports"}
    assert changed_inputs(old, _facts("import os\n\nclass A:\n    x = 2\n"), set()) == \
        {"classes"}
    # every field of a fact but its position counts, flags included
    shim = _facts("try:\n    import os\nexcept ImportError:\n    os = None\n\nclass A:\n"
                  "    x = 1\n")
    assert "imports" in changed_inputs(old, shim, set())
    assert changed_inputs(old, _facts("\n\nimport os\n\n\nclass A:\n    x = 1\n"),
                          {"os", "A"}) == frozenset()


def _finding(path: str, line: int, column: int = 0) -> Finding:
    return Finding("SSOT103", "duplicate-class", Severity.ERROR, "m",
                   Location(path, line, column))


def test_position_map_moves_locations_with_their_facts() -> None:
    old = _facts("class A:\n    x = 1\n\nclass B:\n    y = 2\n")
    new = _facts("# moved\n\nclass A:\n    x = 1\n\n\nclass B:\n    y = 2\n")
    moved = move_results([_finding("m.py", 4), _finding("other.py", 4)], [],
                         {"m.py": PositionMap(old, new)})
    assert moved is not None
    assert [f.location.line for f in moved[0]] == [7, 4]


def test_position_map_refuses_what_no_fact_explains() -> None:
    old = _facts("class A:\n    x = 1\n")
    new = _facts("\nclass A:\n    x = 1\n")
    assert move_results([_finding("m.py", 2, 4)], [], {"m.py": PositionMap(old, new)}) is not None
    assert move_results([_finding("m.py", 9)], [], {"m.py": PositionMap(old, new)}) is None


def test_position_map_refuses_reordered_facts() -> None:
    # Same classes, same order in the facts, but functions swapped places: facts that
    # changed order could flip any within-file comparison a family makes.
    old = _facts("def f():\n    pass\n\ndef g():\n    pass\n")
    new = _facts("def g():\n    pass\n\ndef f():\n    pass\n")
    assert not PositionMap(old, new).monotonic
    assert move_results([], [], {"m.py": PositionMap(old, new)}) is None
