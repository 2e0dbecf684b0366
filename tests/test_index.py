"""ProjectIndex: module naming, import resolution, re-exports, class hierarchy, graph."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.conftest import run_on

TREE = {
    "pkg/__init__.py": "from .core.models import Thing\nfrom pkg.core import models as m\n",
    "pkg/core/__init__.py": "",
    "pkg/core/models.py": """
        from enum import Enum
        import enum as e

        class Thing:
            pass

        class Color(str, Enum):
            RED = "r"

        class Shade(e.IntEnum):
            DARK = 1
        """,
    "pkg/core/sub/deep.py": """
        from ... import Thing
        from ..models import Color as C
        from .. import models
        import pkg.core.models as pm
        from typing import TYPE_CHECKING
        if TYPE_CHECKING:
            from pkg.api import handler

        class Special(Thing):
            pass

        class Deeper(pm.Thing):
            pass

        class Deepest(Special, models.Color):
            pass

        def f():
            from pkg import api
        """,
    "pkg/api.py": "from pkg import Thing\nfrom somewhere_else import Mystery\nclass X(Mystery): pass\n",
    "nsp/mod.py": "import pkg.core.models\n",  # namespace package: no __init__.py
}


def test_module_names_and_packages(make_project) -> None:
    root = make_project(TREE)
    idx = run_on(root).index
    assert idx.module_of["pkg/__init__.py"] == "pkg"
    assert idx.module_of["pkg/core/sub/deep.py"] == "pkg.core.sub.deep"
    assert idx.module_of["nsp/mod.py"] == "nsp.mod"
    assert idx.modules["pkg"].is_package and not idx.modules["pkg.api"].is_package


def test_src_layout_is_detected(make_project) -> None:
    root = make_project({"src/app/__init__.py": "", "src/app/core.py": "X = 1\n",
                         "tests/test_app.py": "from app.core import X\n"})
    idx = run_on(root).index
    assert idx.module_of["src/app/core.py"] == "app.core"
    assert ("tests.test_app", "app.core") in {(e.importer, e.imported) for e in idx.edges}


def test_relative_imports_resolve(make_project) -> None:
    idx = run_on(make_project(TREE)).index
    deep = idx.files["pkg/core/sub/deep.py"]
    targets = {(i.module, i.name, i.level): idx.import_target("pkg.core.sub.deep", i)
               for i in deep.imports}
    assert targets[("", "Thing", 3)] == ("pkg", "Thing")
    assert targets[("models", "Color", 2)] == ("pkg.core.models", "Color")
    # `from .. import models` names a module, so it points at that module
    assert targets[("", "models", 2)] == ("pkg.core.models", None)


def test_reexports_resolve_to_the_defining_module(make_project) -> None:
    idx = run_on(make_project(TREE)).index
    assert idx.resolve_symbol("pkg", "Thing") == ("pkg.core.models", "Thing")
    assert idx.resolve_symbol("pkg.api", "Thing") == ("pkg.core.models", "Thing")
    assert idx.resolve_symbol("pkg.api", "Mystery") == ("somewhere_else", "Mystery")
    assert idx.resolve_symbol("pkg", "nope") is None


def test_class_hierarchy_across_modules(make_project) -> None:
    idx = run_on(make_project(TREE)).index
    anc, unresolved = idx.ancestors("pkg.core.sub.deep.Deepest")
    assert "pkg.core.sub.deep.Special" in anc
    assert "pkg.core.models.Thing" in anc
    assert "pkg.core.models.Color" in anc
    assert "enum.Enum" in anc and "builtins.str" in anc
    assert unresolved == []
    anc2, _ = idx.ancestors("pkg.core.sub.deep.Deeper")
    assert anc2 == ["pkg.core.models.Thing"]
    anc3, _ = idx.ancestors("pkg.core.models.Shade")
    assert anc3 == ["enum.IntEnum"]
    anc4, _ = idx.ancestors("pkg.api.X")
    assert anc4 == ["somewhere_else.Mystery"]


def test_edges_carry_kinds(make_project) -> None:
    idx = run_on(make_project(TREE)).index
    kinds = {(e.importer, e.imported, e.kind) for e in idx.edges}
    assert ("pkg.core.sub.deep", "pkg.api", "type_checking") in kinds
    assert ("pkg.core.sub.deep", "pkg.api", "function") in kinds  # `from pkg import api`
    assert ("pkg.core.sub.deep", "pkg.core.models", "module") in kinds
    assert ("nsp.mod", "pkg.core.models", "module") in kinds
    assert idx.fan_in["pkg.core.models"] >= 3


def test_graph_command_json_dot_graphml(make_project) -> None:
    root = make_project(TREE)
    out = subprocess.run([sys.executable, "-m", "ssotcheck", "graph", "--format", "json",
                          "--no-cache", str(root)], capture_output=True, text=True, check=True)
    data = json.loads(out.stdout)
    assert "pkg.core.models" in data["modules"]
    edge = next(e for e in data["edges"]
                if e["importer"] == "pkg.core.sub.deep" and e["imported"] == "pkg.api")
    assert edge["kinds"] == ["function", "type_checking"]
    assert edge["lines"] == sorted(edge["lines"]) and len(edge["lines"]) == 2
    dot = subprocess.run([sys.executable, "-m", "ssotcheck", "graph", "--format", "dot",
                          "--no-cache", str(root)], capture_output=True, text=True, check=True)
    assert '"pkg" -> "pkg.core.models";' in dot.stdout
    gml = subprocess.run([sys.executable, "-m", "ssotcheck", "graph", "--format", "graphml",
                          "--no-cache", str(root)], capture_output=True, text=True, check=True)
    import networkx as nx
    import io

    g = nx.read_graphml(io.StringIO(gml.stdout))
    assert g.has_edge("nsp.mod", "pkg.core.models")


def _brute_symbol_fan_in(index) -> dict[tuple[str, str], int]:  # noqa: ANN001
    """The obvious count: resolve every import of every module, tally distinct importers."""
    users: dict[tuple[str, str], set[str]] = {}
    for module, info in index.modules.items():
        for imp in index.files[info.path].imports:
            if imp.name is None or imp.name == "*":
                continue
            target_mod, target_name = index.import_target(module, imp)
            if target_name is None:
                continue
            sym = index.resolve_symbol(target_mod, target_name)
            if sym is None or not sym[1] or sym[0] == module or sym[0] not in index.modules:
                continue
            users.setdefault(sym, set()).add(module)
    return {k: len(v) for k, v in users.items()}


def test_targeted_fan_in_equals_the_whole_project_count(tmp_path: Path) -> None:
    """`module_fan_in` and `symbol_fan_in` look only at imports that can reach their
    target; on a generated monorepo (re-export chains, aliases, relative imports) they
    must agree with counting over every edge and every import."""
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
    import generate  # noqa: PLC0415

    from ssotcheck.config import load
    from ssotcheck.pipeline import RunOptions, build_index

    root = tmp_path / "tree"
    generate.generate(200, root, 5)
    cfg = load(None, root)
    eager, _ = build_index(cfg, RunOptions(use_cache=False, jobs=1))
    lazy, _ = build_index(cfg, RunOptions(use_cache=False, jobs=1))
    assert eager.fan_in  # the tree has imports: the comparison is not vacuous
    for module in sorted(lazy.modules):
        assert lazy.module_fan_in(module) == eager.fan_in.get(module, 0), module
    expected = _brute_symbol_fan_in(eager)
    assert sum(expected.values()) > 50
    for module, info in sorted(lazy.modules.items()):
        names = {c.name for c in lazy.files[info.path].classes if not c.nested}
        names |= {f.name for f in lazy.files[info.path].functions}
        for name in sorted(names):
            assert lazy.symbol_fan_in(module, name) == expected.get((module, name), 0), \
                (module, name)
