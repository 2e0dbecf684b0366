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
    "pkg/api.py": ("from pkg import Thing\nfrom somewhere_else import Mystery\nclass X(Mystery): pass\n"
                   "def handler(): pass\n"),
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


STAR_TREE = {
    # `lib` re-exports through star imports only, like django.db.models does.
    "lib/__init__.py": "from lib.other import *\nfrom lib.enums import *\n"
                       "from lib.fields import *\nfrom lib.shadow import Thing\n",
    "lib/enums.py": """
        from enum import Enum
        __all__ = ["Choices", "TextChoices", "sub"]

        class Choices(Enum):
            pass

        class TextChoices(str, Choices):
            pass

        class Hidden:  # public, but not in __all__
            pass
        """,
    "lib/enums/sub.py": "",  # not a module: lib.enums is a plain module
    "lib/fields.py": "from lib.deep import *\n_private = 1\n\nclass Field:\n    pass\n",
    "lib/deep.py": "from lib.fields import *\n\nclass DeepThing:\n    pass\n",  # a cycle
    "lib/shadow.py": "class Thing:\n    pass\n",
    "lib/other.py": "class Thing:\n    pass\n\nclass Other:\n    pass\n",
    "lib/pkg/__init__.py": "__all__ = ['mod']\n",
    "lib/pkg/mod.py": "X = 1\n",
    "lib/stars_pkg.py": "from lib.pkg import *\n",
    # a cycle with a way out: a -> b -> a, and a -> c which defines X
    "cyc/__init__.py": "",
    "cyc/a.py": "from cyc.b import *\nfrom cyc.c import *\n",
    "cyc/b.py": "from cyc.a import *\n",
    "cyc/c.py": "X = 1\n_Y = 2\n",
    "cyc/loop1.py": "from cyc.loop2 import *\n",
    "cyc/loop2.py": "from cyc.loop1 import *\n",
    "app/__init__.py": "",
    "app/defs.py": "from lib.fields import *\n\nclass Field:\n    pass\n",  # definition wins
    "app/use.py": "from lib import TextChoices, Field, DeepThing, Thing\n"
                  "from lib.deep import Field as F2\nfrom cyc.b import X\n"
                  "from app.defs import Field as F3\nfrom lib import Other\n",
    "app/more.py": "from cyc.a import X\nfrom lib.fields import DeepThing\n"
                   "from lib import Hidden\nfrom app.defs import DeepThing as D\n",
    "app/models.py": """
        from lib import *
        import lib

        class Color(TextChoices):
            RED = "r"

        class Shade(lib.TextChoices):
            DARK = "d"

        class Odd(Hidden):
            pass
        """,
}


def _index(root: Path):  # noqa: ANN202
    from ssotcheck.config import load
    from ssotcheck.pipeline import RunOptions, build_index

    return build_index(load(None, root), RunOptions(use_cache=False, jobs=1))[0]


def test_star_imports_resolve(make_project) -> None:
    idx = _index(make_project(STAR_TREE))
    r = idx.resolve_symbol
    assert r("lib", "TextChoices") == ("lib.enums", "TextChoices")
    assert r("lib", "Hidden") is None  # lib.enums has an __all__ without it
    assert r("lib", "Field") == ("lib.fields", "Field")
    assert r("lib", "_private") is None  # no __all__: private names are not star-exported
    assert r("lib", "DeepThing") == ("lib.deep", "DeepThing")  # lib -> fields -> deep
    assert r("lib.deep", "Field") == ("lib.fields", "Field")  # deep <-> fields cycle
    assert r("lib.fields", "DeepThing") == ("lib.deep", "DeepThing")
    assert r("lib.deep", "Nope") is None and r("lib.fields", "Nope") is None
    # an explicit import wins over an earlier star import binding the same name
    assert r("lib", "Thing") == ("lib.shadow", "Thing")
    assert r("lib", "Other") == ("lib.other", "Other")
    assert r("app.defs", "Field") == ("app.defs", "Field")  # so does a definition
    assert r("app.defs", "DeepThing") == ("lib.deep", "DeepThing")
    # cycles terminate; a way out of one is found from every module on it
    assert r("cyc.b", "X") == ("cyc.c", "X") and r("cyc.a", "X") == ("cyc.c", "X")
    assert r("cyc.a", "_Y") is None
    assert r("cyc.loop1", "X") is None and r("cyc.loop2", "X") is None
    # a package's star import brings the submodules its __all__ lists
    assert r("lib.stars_pkg", "mod") == ("lib.pkg.mod", "")


def test_star_imported_bases_resolve(make_project) -> None:
    idx = _index(make_project(STAR_TREE))
    for cls in ("app.models.Color", "app.models.Shade"):
        anc, unresolved = idx.ancestors(cls)
        assert anc[0] == "lib.enums.TextChoices", cls
        assert "enum.Enum" in anc and unresolved == [], cls
    _, unresolved = idx.ancestors("app.models.Odd")
    assert [u.reason for u in unresolved] == ["`Hidden` may come from a star import"]


def test_star_import_cycles_answer_the_same_in_any_order(make_project) -> None:
    root = make_project(STAR_TREE)
    names = ("X", "_Y", "Field", "DeepThing", "Nope")
    modules = sorted(_index(root).modules)
    forward, backward = _index(root), _index(root)
    a = {(m, n): forward.resolve_symbol(m, n) for m in modules for n in names}
    b = {(m, n): backward.resolve_symbol(m, n) for m in reversed(modules) for n in names}
    assert a == b


def _check_fan_in(root: Path) -> int:
    eager, lazy = _index(root), _index(root)
    for module in sorted(lazy.modules):
        assert lazy.module_fan_in(module) == eager.fan_in.get(module, 0), module
    expected = _brute_symbol_fan_in(eager)
    for module, info in sorted(lazy.modules.items()):
        f = lazy.files[info.path]
        names = {c.name for c in f.classes if not c.nested} | {fn.name for fn in f.functions}
        for name in sorted(names | set(f.constants)):
            assert lazy.symbol_fan_in(module, name) == expected.get((module, name), 0), \
                (module, name)
    return sum(expected.values())


def test_fan_in_follows_star_imports(make_project) -> None:
    root = make_project(STAR_TREE)
    assert _check_fan_in(root) >= 8
    idx = _index(root)
    assert idx.symbol_fan_in("lib.deep", "DeepThing") == 2  # app.use, app.more (twice)
    assert idx.symbol_fan_in("cyc.c", "X") == 2
    assert idx.symbol_fan_in("lib.enums", "Hidden") == 0
    assert idx.symbol_fan_in("lib.other", "Thing") == 0 and \
        idx.symbol_fan_in("lib.shadow", "Thing") == 2  # lib, app.use


def test_fan_in_on_random_star_graphs(tmp_path: Path) -> None:
    """Seeded random projects mixing star imports (cycles included), explicit re-exports,
    aliases, `__all__` and private names: the backward walk must match brute force."""
    import random

    from tests.conftest import write_tree

    total = 0
    for seed in range(40):
        rnd = random.Random(seed)
        n = 7
        files: dict[str, str] = {"p/__init__.py": ""}
        names = ["A", "B", "_C"]
        for i in range(n):
            lines = []
            for j in rnd.sample(range(n), rnd.randint(0, 3)):
                if j != i:
                    lines.append(f"from p.m{j} import *")
            for _ in range(rnd.randint(1, 3)):
                j, name = rnd.randrange(n), rnd.choice(names)
                alias = rnd.choice(["", "", " as A", " as B"])
                if j != i:
                    lines.append(f"from p.m{j} import {name}{alias}")
            for name in names:
                if rnd.random() < 0.2:
                    lines.append(f"class {name}:\n    pass")
            if rnd.random() < 0.3:
                exported = [x for x in names if rnd.random() < 0.5]
                lines.append(f"__all__ = {exported!r}")
            files[f"p/m{i}.py"] = "\n".join(lines) + "\n"
        root = tmp_path / f"t{seed}"
        write_tree(root, files)
        total += _check_fan_in(root)
        # The answers do not depend on the order of the questions (nor do the counts).
        modules = [f"p.m{i}" for i in range(n)]
        forward, backward = _index(root), _index(root)
        a = {(m, x): forward.resolve_symbol(m, x) for m in modules for x in names}
        b = {(m, x): backward.resolve_symbol(m, x) for m in reversed(modules)
             for x in reversed(names)}
        assert a == b, seed
    assert total > 50
