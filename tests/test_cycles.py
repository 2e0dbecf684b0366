"""SSOT204 import-cycle: one finding per strongly connected component."""

from __future__ import annotations

from ssotcheck.checks.cycles import shortest_cycle

from conftest import run_on


def cycles(root) -> list:
    return [f for f in run_on(root).findings if f.rule == "SSOT204"]


def test_two_module_cycle_with_import_lines(make_project) -> None:
    root = make_project({"pkg/__init__.py": "",
                         "pkg/a.py": "import os\nfrom pkg.b import helper\n",
                         "pkg/b.py": "X = 1\n\nfrom pkg import a\n"})
    (f,) = cycles(root)
    assert f.message == "import cycle: `pkg.a` -> `pkg.b` -> `pkg.a`"
    assert (f.path, f.line) == ("pkg/a.py", 2)
    assert [(r.path, r.line, r.message) for r in f.related] == [
        ("pkg/a.py", 2, "`pkg.a` imports `pkg.b`"), ("pkg/b.py", 3, "`pkg.b` imports `pkg.a`")]
    assert f.severity.value == "warning"


def test_one_finding_per_component_with_the_shortest_cycle(make_project) -> None:
    # a -> b -> c -> d -> a and a shortcut c -> a: one component, shortest cycle a-b-c.
    files = {"m/__init__.py": "",
             "m/a.py": "import m.b\n", "m/b.py": "import m.c\n",
             "m/c.py": "import m.d\nimport m.a\n", "m/d.py": "import m.a\n",
             # a second, separate component
             "n/__init__.py": "", "n/x.py": "from n import y\n", "n/y.py": "from n import x\n",
             # not in any cycle
             "n/z.py": "import n.x\n"}
    root = make_project(files)
    found = cycles(root)
    assert [f.message for f in found] == [
        "import cycle: `m.a` -> `m.b` -> `m.c` -> `m.a` (shortest of the cycles among 4 "
        "mutually dependent modules: `m.a`, `m.b`, `m.c`, `m.d`)",
        "import cycle: `n.x` -> `n.y` -> `n.x`",
    ]
    assert [r.line for r in found[0].related] == [1, 1, 2]


def test_type_checking_and_function_imports_are_excluded_by_default(make_project) -> None:
    files = {"p/__init__.py": "",
             "p/a.py": "from typing import TYPE_CHECKING\n"
                       "if TYPE_CHECKING:\n    from p.b import B\n",
             "p/b.py": "import p.a\n",
             "p/c.py": "def f():\n    from p import d\n",
             "p/d.py": "import p.c\n"}
    root = make_project(files)
    assert cycles(root) == []
    (root / "pyproject.toml").write_text(
        "[tool.ssotcheck.imports]\ncycles-include-type-checking = true\n")
    assert [f.message for f in cycles(root)] == ["import cycle: `p.a` -> `p.b` -> `p.a`"]
    (root / "pyproject.toml").write_text(
        "[tool.ssotcheck.imports]\ncycles-include-function-imports = true\n")
    assert [f.message for f in cycles(root)] == ["import cycle: `p.c` -> `p.d` -> `p.c`"]


def test_try_import_counts_and_package_init_cycles_are_found(make_project) -> None:
    files = {"q/__init__.py": "try:\n    from q.core import Thing\nexcept ImportError:\n    pass\n",
             "q/core.py": "from q import VERSION\n"}
    root = make_project(files)
    (f,) = cycles(root)
    assert f.message == "import cycle: `q` -> `q.core` -> `q`"
    assert f.path == "q/__init__.py"


def test_relative_imports_form_edges(make_project) -> None:
    files = {"r/__init__.py": "", "r/a.py": "from .b import x\n", "r/b.py": "from . import a\n"}
    assert len(cycles(make_project(files))) == 1


def test_key_is_stable_when_lines_move(make_project) -> None:
    files = {"s/__init__.py": "", "s/a.py": "import s.b\n", "s/b.py": "import s.a\n"}
    root = make_project(files)
    (before,) = cycles(root)
    (root / "s/a.py").write_text("import os\n\n\nimport s.b\n")
    (after,) = cycles(root)
    assert before.line != after.line
    assert before.fingerprint == after.fingerprint
    assert before.key == "scc:s.a"


def test_external_and_self_imports_make_no_cycle(make_project) -> None:
    files = {"t/__init__.py": "import os\nimport t\n", "t/a.py": "import os.path\nimport t.a\n"}
    assert cycles(make_project(files)) == []


def test_shortest_cycle_is_deterministic() -> None:
    succ = {"a": ["b", "c"], "b": ["a"], "c": ["a"]}
    assert shortest_cycle({"a", "b", "c"}, succ) == ("a", "b")
    succ = {"d": ["e"], "e": ["f"], "f": ["d", "e"]}
    assert shortest_cycle({"d", "e", "f"}, succ) == ("e", "f")
    succ = {"x": ["y"], "y": ["z"], "z": ["x"]}
    assert shortest_cycle({"x", "y", "z"}, succ) == ("x", "y", "z")
