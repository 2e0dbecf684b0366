"""SSOT204 import-cycle: one finding per strongly connected component."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from ssotcheck.checks.cycles import shortest_cycle

from conftest import run_on


def cycles(root) -> list:
    return [f for f in run_on(root).findings if f.rule == "SSOT204"]


def test_two_module_cycle_with_import_lines(make_project) -> None:
    root = make_project({"pkg/__init__.py": "",
                         "pkg/a.py": "import os\nfrom pkg.b import helper\n",
                         "pkg/b.py": "X = 1\n\nfrom pkg import a\n\n\ndef helper(): ...\n"})
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
             "p/b.py": "import p.a\nB = 1\n",
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
    files = {"q/__init__.py": ("try:\n    from q.core import Thing\nexcept ImportError:\n"
                               "    pass\nVERSION = 1\n"),
             "q/core.py": "from q import VERSION\nclass Thing: ...\n"}
    root = make_project(files)
    (f,) = cycles(root)
    assert f.message == "import cycle: `q` -> `q.core` -> `q`"
    assert f.path == "q/__init__.py"


def test_relative_imports_form_edges(make_project) -> None:
    files = {"r/__init__.py": "", "r/a.py": "from .b import x\n", "r/b.py": "from . import a\nx = 1\n"}
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


# ------------------------------------------------------------ `if __name__ == "__main__":`

SCRIPT_CYCLE = {"pkg/__init__.py": "",
                "pkg/a.py": "import pkg.b\n",
                "pkg/b.py": "def main(): ...\n"
                            "if __name__ == \"__main__\":\n"
                            "    import pkg.a  # runs only when b is run as a script\n"
                            "    main()\n"}


def test_main_guard_import_closes_no_cycle_by_default(make_project) -> None:
    root = make_project(SCRIPT_CYCLE)
    assert cycles(root) == []
    # Not a TYPE_CHECKING import: that option leaves it out too.
    (root / "pyproject.toml").write_text(
        "[tool.ssotcheck.imports]\ncycles-include-type-checking = true\n")
    assert cycles(root) == []
    # Deferred imports follow one option, function-level and main-guard alike.
    (root / "pyproject.toml").write_text(
        "[tool.ssotcheck.imports]\ncycles-include-function-imports = true\n")
    (f,) = cycles(root)
    assert f.message == "import cycle: `pkg.a` -> `pkg.b` -> `pkg.a`"
    assert [(r.path, r.line) for r in f.related] == [("pkg/a.py", 1), ("pkg/b.py", 3)]


@pytest.mark.parametrize("guard", [
    'if "__main__" == __name__:\n    import pkg.a\n',
    "if __name__ == '__main__':\n    import pkg.a\nelse:\n    pass\n",
    'if __name__ == "__main__":\n    if True:\n        from pkg import a\n',
    'if __name__ == "__main__":\n    try:\n        from pkg.a import x\n'
    '    except ImportError:\n        pass\n',
    'try:\n    if __name__ == "__main__":\n        import pkg.a\nexcept ImportError:\n    pass\n',
    'from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n'
    '    if __name__ == "__main__":\n        import pkg.a\n',
], ids=["reversed", "with-else", "nested-if", "try-inside", "inside-try", "inside-type-checking"])
def test_every_guard_form_closes_no_cycle(make_project, guard: str) -> None:
    root = make_project({**SCRIPT_CYCLE, "pkg/b.py": guard},
                        config="[tool.ssotcheck.imports]\ncycles-include-type-checking = true\n")
    assert cycles(root) == []


@pytest.mark.parametrize("source", [
    'if __name__ == "__main__":\n    pass\nelse:\n    import pkg.a\n',
    'if __name__ == "__main__":\n    pass\nelif True:\n    import pkg.a\n',
    'if __name__ != "__main__":\n    import pkg.a\n',
    'if __name__ == "__main__" or True:\n    import pkg.a\n',
    'class C:\n    if __name__ == "__main__":\n        import pkg.a\n',
], ids=["else-branch", "elif-branch", "not-equal", "combined-test", "class-body"])
def test_imports_outside_the_exact_guard_still_close_cycles(make_project, source: str) -> None:
    (f,) = cycles(make_project({**SCRIPT_CYCLE, "pkg/b.py": source}))
    assert f.message == "import cycle: `pkg.a` -> `pkg.b` -> `pkg.a`"


def test_main_guard_edges_have_their_own_kind(make_project) -> None:
    files = {**SCRIPT_CYCLE,
             "pkg/c.py": "import pkg.a\n"
                         "if __name__ == \"__main__\":\n"
                         "    import pkg.a\n"
                         "    def run():\n        import pkg.b\n"}
    root = make_project(files)
    kinds = {(e.importer, e.imported, e.kind) for e in run_on(root).index.edges}
    assert ("pkg.b", "pkg.a", "main") in kinds
    assert {("pkg.c", "pkg.a", "module"), ("pkg.c", "pkg.a", "main")} <= kinds
    assert ("pkg.c", "pkg.b", "function") in kinds  # a def inside the guard: "function"
    out = subprocess.run([sys.executable, "-m", "ssotcheck", "graph", "--format", "json",
                          "--no-cache", str(root)], capture_output=True, text=True, check=True)
    edges = {(e["importer"], e["imported"]): e for e in json.loads(out.stdout)["edges"]}
    assert edges[("pkg.b", "pkg.a")]["kinds"] == ["main"]
    assert edges[("pkg.c", "pkg.a")]["kinds"] == ["main", "module"]
    assert edges[("pkg.c", "pkg.a")]["lines"] == [1, 3]


def test_other_rules_still_see_main_guard_imports(make_project) -> None:
    config = """
    [tool.ssotcheck.legacy-imports]
    "pkg.old" = "pkg.new"

    [tool.ssotcheck.banned-api."pickle"]
    use = "json"
    """
    files = {"pkg/__init__.py": "", "pkg/new.py": "", "pkg/old.py": "",
             "pkg/cli.py": "if __name__ == \"__main__\":\n"
                           "    from pkg.old import thing\n"
                           "    import pickle\n"}
    findings = run_on(make_project(files, config=config)).findings
    assert [(f.rule, f.path, f.line) for f in findings if f.rule in ("SSOT201", "SSOT203")] == [
        ("SSOT201", "pkg/cli.py", 2), ("SSOT203", "pkg/cli.py", 3)]
