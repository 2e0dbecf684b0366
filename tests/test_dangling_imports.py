"""SSOT205 dangling-import: every spelling, what is never flagged, where it went, cycles."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ssotcheck.cli import main
from ssotcheck.model import Finding, Severity

from conftest import run_on

MOVED = {
    "pkg/__init__.py": "",
    "pkg/core.py": "class Kept: ...\n",
    "pkg/sub/__init__.py": "",
    "pkg/sub/present.py": "VALUE = 1\n",
    "pkg/new/__init__.py": "",
    "pkg/new/home.py": "class Moved: ...\n\n\ndef helper(): ...\n",
}


def dangling(root: Path) -> list[Finding]:
    return [f for f in run_on(root).findings if f.rule == "SSOT205"]


def at(findings: list[Finding]) -> dict[tuple[str, int], Finding]:
    return {(f.path, f.line): f for f in findings}


def test_every_spelling_is_flagged_at_its_import(make_project) -> None:
    root = make_project({**MOVED, "pkg/user.py": """
        from pkg.core import Kept, Moved
        from pkg.sub import gone
        import pkg.sub.gone_too
        import pkg.sub.gone_three as g3
        from .core import Moved as M2
        from . import nothing_here
        from .sub.present import MISSING


        def later():
            from pkg.core import helper
            return helper
        """, "pkg/sub/inner.py": "from .. import core\nfrom ..core import Absent\n"})
    got = at(dangling(root))
    assert sorted(got) == [("pkg/sub/inner.py", 2)] + [("pkg/user.py", n)
                                                      for n in (1, 2, 3, 4, 5, 6, 7, 11)]
    assert "`pkg.core` does not define `Moved`" in got[("pkg/user.py", 1)].message
    assert "neither defines `gone` nor has a submodule `gone`" in got[("pkg/user.py", 2)].message
    assert "no file provides `pkg.sub.gone_too`" in got[("pkg/user.py", 3)].message
    assert "`pkg.sub` has no module `gone_three`" in got[("pkg/user.py", 4)].message
    assert "`pkg.sub.present` does not define `MISSING`" in got[("pkg/user.py", 7)].message
    assert "`pkg.core` does not define `Absent`" in got[("pkg/sub/inner.py", 2)].message
    assert all(f.severity is Severity.ERROR for f in got.values())
    # the column is the name's, so a multi-name import points at the missing one
    assert got[("pkg/user.py", 1)].location.column == len("from pkg.core import Kept, ")


def test_guarded_imports_are_info_and_type_checking_imports_warnings(make_project) -> None:
    root = make_project({**MOVED, "pkg/user.py": """
        from typing import TYPE_CHECKING
        try:
            from pkg.fast import speedup
        except ImportError:
            speedup = None
        try:
            import pkg.fast2
        except ModuleNotFoundError:
            pass
        try:
            from pkg.core import Gone
        except Exception:
            Gone = None
        if TYPE_CHECKING:
            from pkg.core import Moved
        """})
    got = at(dangling(root))
    sev = {line: f.severity for (_, line), f in got.items()}
    assert sev == {3: Severity.INFO, 7: Severity.INFO, 11: Severity.INFO, 15: Severity.WARNING}
    assert got[("pkg/user.py", 3)].fix is None  # a fallback is left as it is
    assert "try/except ImportError fallback" in got[("pkg/user.py", 3)].message
    assert "TYPE_CHECKING" in got[("pkg/user.py", 15)].message
    assert got[("pkg/user.py", 15)].fix is not None


def test_what_exists_is_never_flagged(make_project) -> None:
    root = make_project({
        "pkg/__init__.py": "from pkg.core import Kept as Kept\nfrom pkg.stars import *\n",
        "pkg/core.py": "class Kept: ...\nCONST = 1\nfor LOOPED in (): pass\n",
        "pkg/stars.py": "from pkg.deeper import *\n",
        "pkg/deeper.py": "__all__ = ['Starred']\nStarred = 1\n",
        "pkg/sub/__init__.py": "",
        "pkg/sub/mod.py": "",
        "pkg/ext.py": "from os.path import *\n",
        "pkg/lazy.py": "def __getattr__(name):\n    return name\n",
        "nsroot/inner/leaf.py": "X = 1\n",
        "pkg/user.py": """
            import os.path
            from pkg import Kept, Starred, sub
            from pkg.sub import mod
            import pkg.sub.mod as m
            from pkg.core import CONST
            from pkg.ext import join
            from pkg.lazy import anything
            from pkg import __path__ as p
            from pkg.core import __name__ as n
            from nsroot.inner import leaf
            from nsroot import inner
            import nsroot.inner.leaf
            from third_party import whatever
            import json.nothing
            """,
    })
    assert dangling(root) == []


def test_a_namespace_folder_and_a_src_layout_are_first_party(make_project) -> None:
    root = make_project({
        "src/app/__init__.py": "",
        "src/app/core.py": "A = 1\n",
        "src/nsp/part/mod.py": "B = 1\n",
        "tests/test_app.py": ("from app.core import A, B\nimport nsp.part.gone\n"
                              "from nsp.part import mod\nfrom nsp.part.mod import B\n"),
    })
    got = at(dangling(root))
    assert sorted(got) == [("tests/test_app.py", 1), ("tests/test_app.py", 2)]


def test_folders_nothing_imports_by_name_are_not_first_party(make_project) -> None:
    """A top-level folder without `__init__.py` that no import uses (release scripts
    in `packaging/`) does not shadow the installed package of that name; nor does one
    named like a standard-library module (`test/`)."""
    root = make_project({
        "app/__init__.py": "",
        "packaging/release.py": "from packaging.version import Version\n",
        "test/support/helpers.py": "from test.support import os_helper\n",
        "test/support/other.py": "import test.support.helpers\n",
    })
    assert dangling(root) == []


def test_stale_dunder_all(make_project) -> None:
    root = make_project({
        "pkg/__init__.py": "from pkg.core import Kept\n__all__ = ['Kept', 'core', 'Gone']\n",
        "pkg/core.py": "class Kept: ...\n",
        "pkg/dyn.py": "def __getattr__(name): ...\n__all__ = ['Anything']\n",
    })
    got = dangling(root)
    assert [f.message for f in got] == [
        "`__all__` lists `Gone`, which the module no longer defines"]
    assert got[0].path == "pkg/__init__.py"


def test_where_it_went_unique_ambiguous_and_configured(make_project) -> None:
    root = make_project({
        **MOVED,
        "pkg/a.py": "class Twice: ...\n",
        "pkg/b.py": "class Twice: ...\n",
        "pkg/declared.py": "class Twice: ...\n",
        "pkg/user.py": "from pkg.core import Moved\nfrom pkg.core import Twice\n",
    })
    got = at(dangling(root))
    unique = got[("pkg/user.py", 1)]
    assert "it now lives in `pkg.new.home.Moved`" in unique.message
    assert unique.fix is not None and unique.fix.safe
    assert unique.fix.replacement == "pkg.new.home.Moved"
    assert unique.related and unique.related[0].path == "pkg/new/home.py"
    many = got[("pkg/user.py", 2)]
    assert "3 candidates: `pkg.a.Twice`, `pkg.b.Twice`, `pkg.declared.Twice`" in many.message
    assert many.fix is None
    (root / "pyproject.toml").write_text(
        '[tool.ssotcheck.canonical]\nTwice = "pkg.declared"\n', encoding="utf-8")
    declared = at(dangling(root))[("pkg/user.py", 2)]
    assert "it now lives in `pkg.declared.Twice` (canonical home)" in declared.message
    assert declared.fix is not None and declared.fix.safe


def test_registry_names_the_home_and_defers_to_ssot201(make_project) -> None:
    files = {**MOVED, "pkg/user.py": "from pkg.core import Old\n"}
    config = ('[tool.ssotcheck.legacy-imports]\n"pkg.core.Old" = "pkg.new.home.Moved"\n'
              '[tool.ssotcheck]\n')
    root = make_project(files, config=config + 'ignore = ["SSOT201"]\n')
    (f,) = dangling(root)
    assert "it now lives in `pkg.new.home.Moved` (legacy registry)" in f.message
    # renamed: `from pkg.new.home import Moved as Old` keeps the file working, but only
    # a person can say the two are the same thing
    assert f.fix is not None and not f.fix.safe
    root = make_project(files, config=config)
    found = run_on(root).findings
    assert [x.rule for x in found if x.path == "pkg/user.py"] == ["SSOT201"]


def test_missing_module_gets_the_module_level_home(make_project) -> None:
    root = make_project({
        **MOVED,
        "pkg/user.py": ("from pkg.gone import Moved, helper\nimport pkg.gone as gone_mod\n"
                        "import pkg.gone\nfrom pkg import gone\n"),
    })
    found = dangling(root)
    assert [(f.line, f.fix.replacement) for f in found if f.fix] == [
        (1, "pkg.new.home.Moved"), (1, "pkg.new.home.helper"), (2, "pkg.new.home"),
        (3, "pkg.new.home"), (4, "pkg.new.home")]
    got = at(found)
    assert got[("pkg/user.py", 2)].fix.safe  # the alias keeps the binding
    assert not got[("pkg/user.py", 3)].fix.safe  # `import pkg.gone` binds `pkg`: uses change
    assert not got[("pkg/user.py", 4)].fix.safe  # `from pkg.new import home as gone`
    assert "where every name still imported from it lives" in got[("pkg/user.py", 2)].message


def test_moved_module_found_by_its_name(make_project) -> None:
    root = make_project({**MOVED, "pkg/new/factory.py": "def make(): ...\n",
                         "pkg/user.py": "import pkg.factory as f\nfrom pkg import factory\n"})
    got = at(dangling(root))
    assert got[("pkg/user.py", 1)].fix.replacement == "pkg.new.factory"
    assert got[("pkg/user.py", 2)].fix.replacement == "pkg.new.factory"
    assert got[("pkg/user.py", 2)].fix.safe


def test_missing_submodule_never_closes_a_cycle(make_project, capsys) -> None:
    """`pkg.a` imports the missing `pkg.gone`; `pkg/__init__` imports `pkg.a`. Before
    SSOT205, the first became an edge to `pkg` and closed a phantom cycle."""
    root = make_project({
        "pkg/__init__.py": "from pkg.a import thing\n",
        "pkg/a.py": "import pkg.gone\nfrom pkg import also_gone\nthing = 1\n",
    })
    found = run_on(root).findings
    assert sorted(f.rule for f in found) == ["SSOT205", "SSOT205"]
    assert main(["graph", "--format", "json", "--no-cache", str(root)]) == 0
    graph = json.loads(capsys.readouterr().out)
    edge = next(e for e in graph["edges"] if e["importer"] == "pkg.a")
    assert edge["imported"] == "pkg" and edge["kinds"] == ["dangling"]
    assert main(["graph", "--format", "dot", "--no-cache", str(root)]) == 0
    assert '"pkg.a" -> "pkg" [style=dotted, color=red];' in capsys.readouterr().out


def test_a_real_cycle_next_to_a_dangling_import_is_still_reported(make_project) -> None:
    root = make_project({
        "pkg/__init__.py": "",
        "pkg/a.py": "from pkg.b import B\nimport pkg.gone\nA = 1\n",
        "pkg/b.py": "from pkg.a import A\nB = 1\n",
    })
    rules = sorted(f.rule for f in run_on(root).findings)
    assert rules == ["SSOT204", "SSOT205"]


def test_overlay_outside_the_source_roots_answers_the_import(make_project) -> None:
    """ansible's `module_utils/` beside a test module is mounted under
    `ansible.module_utils` at run time; with explicit source roots such a copy outside
    them is taken as a possible provider rather than the import as dangling."""
    root = make_project({
        "lib/ansible/__init__.py": "",
        "lib/ansible/module_utils/__init__.py": "",
        "targets/mu/module_utils/foo.py": "data = 1\n",
        "targets/mu/library/test.py": ("from ansible.module_utils import foo\n"
                                       "from ansible.module_utils.foo import data\n"
                                       "import ansible.module_utils.bar\n"),
    }, config='[tool.ssotcheck]\nsrc = ["lib"]\n')
    got = dangling(root)
    assert [(f.path, f.line) for f in got] == [("targets/mu/library/test.py", 3)]
    (root / "targets/mu/module_utils/bar.py").parent.mkdir(parents=True, exist_ok=True)
    (root / "targets/other/bar.py").parent.mkdir(parents=True)
    (root / "targets/other/bar.py").write_text("x = 1\n")
    (f,) = dangling(root)
    assert "candidates" not in f.message and "lives" not in f.message and f.fix is None


def test_relative_import_beyond_the_top_is_left_alone(make_project) -> None:
    root = make_project({"pkg/__init__.py": "", "pkg/a.py": "from ... import x\n",
                         "script.py": "from . import y\n"})
    assert dangling(root) == []


@pytest.mark.parametrize("spelling", ["globals()['X'] = 1", "globals().update(X=1)",
                                      "vars()['X'] = 1", "import sys\nsys.modules[__name__].X = 1"])
def test_dynamic_namespaces_are_skipped(make_project, spelling: str) -> None:
    root = make_project({"pkg/__init__.py": "", "pkg/dyn.py": spelling + "\n",
                         "pkg/user.py": "from pkg.dyn import X\n"})
    assert dangling(root) == []


def test_global_declarations_and_attribute_injection_bind(make_project) -> None:
    root = make_project({
        "pkg/__init__.py": "from pkg import base\nbase.dialect = 1\n",
        "pkg/base.py": "def _go():\n    global LATE\n    LATE = 1\n\n\n_go()\n",
        "pkg/user.py": "from pkg.base import LATE, dialect\n",
    })
    assert dangling(root) == []


def test_extension_modules_exist_with_unknown_names(make_project) -> None:
    """Cython sources, stubs and compiled modules provide a module without source to
    read: an import of one is never dangling, whatever name it asks for."""
    root = make_project({
        "pkg/__init__.py": "",
        "pkg/cyext/__init__.py": "",
        "pkg/cyext/speedups.pyx": "def fast(): pass\n",
        "pkg/_native.cpython-311-x86_64-linux-gnu.so": b"\x7fELF",
        "pkg/typed.pyi": "X: int\n",
        "pkg/user.py": ("from pkg.cyext.speedups import fast\nfrom pkg._native import thing\n"
                        "import pkg.typed\nfrom pkg.cyext import speedups\nimport pkg.cyext.nope\n"),
    })
    assert [(f.path, f.line) for f in dangling(root)] == [("pkg/user.py", 5)]


def test_a_module_that_does_not_parse_is_no_evidence(make_project) -> None:
    root = make_project({"pkg/__init__.py": "", "pkg/broken.py": "def f(:\n",
                         "pkg/user.py": "from pkg.broken import anything\n"})
    assert [f.rule for f in run_on(root).findings] == ["SSOT000"]
