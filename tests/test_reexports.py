"""SSOT202 non-canonical-import: opt-in detection and `fix`."""

from __future__ import annotations

from ssotcheck.cli import main

from conftest import run_on

ON = """
[tool.ssotcheck.imports]
non-canonical = true
"""

FILES = {
    "app/__init__.py": "from app.schemas.core_enums import ExecutionStatus\n"
                       "from .api import Client\n",
    "app/schemas/__init__.py": "",
    "app/schemas/core_enums.py": "import enum\n\n\nclass ExecutionStatus(enum.Enum):\n    OK = 1\n",
    "app/api.py": "from app.transport.client import Client\n",
    "app/transport/__init__.py": "",
    "app/transport/client.py": "class Client:\n    pass\n",
    "app/worker.py": "from app import ExecutionStatus\nfrom app import Client as C\n",
}


def noncanonical(root) -> list:
    return [f for f in run_on(root).findings if f.rule == "SSOT202"]


def test_off_unless_enabled(make_project) -> None:
    assert noncanonical(make_project(FILES)) == []


def test_select_enables_it_too(make_project) -> None:
    root = make_project(FILES, config='[tool.ssotcheck]\nselect = ["SSOT202"]\n')
    assert len(noncanonical(root)) == 3


def test_reexport_chains_are_followed_to_the_definition(make_project) -> None:
    root = make_project(FILES, config=ON)
    found = noncanonical(root)
    by_line = {f.line: f for f in found if f.path == "app/worker.py"}
    first, second = by_line[1], by_line[2]
    assert first.message == (
        "`from app import ExecutionStatus` imports `ExecutionStatus` through `app`, which only "
        "re-exports it; write `from app.schemas.core_enums import ExecutionStatus`")
    assert [(r.path, r.line) for r in first.related] == [("app/__init__.py", 1),
                                                         ("app/schemas/core_enums.py", 4)]
    # two hops: app -> app.api -> app.transport.client; the alias is kept
    assert second.fix is not None and second.fix.replacement == "app.transport.client.Client"
    assert second.fix.safe and "`from app.transport.client import Client as C`" in second.message
    # app/__init__.py itself imports Client through the re-exporting app.api
    assert [f.path for f in found] == ["app/__init__.py", "app/worker.py", "app/worker.py"]


def test_definitions_and_ambiguous_bindings_are_left_alone(make_project) -> None:
    files = {
        "lib/__init__.py": "",
        "lib/core.py": "class Thing:\n    pass\n",
        # re-binds the name after importing it: not a pure re-export
        "lib/wrapped.py": "from lib.core import Thing\nThing = staticmethod(Thing)\n",
        # only under TYPE_CHECKING / in a shim: not followed
        "lib/typed.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n"
                        "    from lib.core import Thing\n",
        "lib/shim.py": "try:\n    from lib.core import Thing\n"
                       "except ImportError:\n    Thing = None\n",
        # a name from outside the project
        "lib/ext.py": "from collections import OrderedDict\n",
        "user.py": "from lib.core import Thing\nfrom lib.wrapped import Thing as W\n"
                   "from lib.typed import Thing as T\nfrom lib.shim import Thing as S\n"
                   "from lib.ext import OrderedDict\nfrom lib import core\n",
    }
    root = make_project(files, config=ON)
    assert noncanonical(root) == []


def test_private_definitions_keep_their_public_reexport(make_project) -> None:
    files = {
        "pkg/__init__.py": "from pkg._impl.engine import Engine\n",
        "pkg/_impl/__init__.py": "",
        "pkg/_impl/engine.py": "class Engine:\n    pass\n",
        "pkg/inside.py": "from pkg import Engine\n",
        "outside.py": "from pkg import Engine\n",
    }
    root = make_project(files, config=ON)
    # pkg.inside is part of pkg and may use pkg._impl; outside.py should use the public path
    assert [f.path for f in noncanonical(root)] == ["pkg/inside.py"]


def test_declared_canonical_home_wins(make_project) -> None:
    files = {
        "pkg/__init__.py": "from pkg.api import Status\n",
        "pkg/api.py": "from pkg.enums import Status\n",
        "pkg/enums.py": "class Status:\n    pass\n",
        "a.py": "from pkg import Status\n",
        "b.py": "from pkg.api import Status\n",
    }
    root = make_project(files, config=ON + '[tool.ssotcheck.canonical]\nStatus = "pkg.api"\n')
    found = noncanonical(root)
    assert [(f.path, f.fix.replacement) for f in found] == [("a.py", "pkg.api.Status")]


def test_fix_rewrites_to_the_defining_module(make_project, capsys) -> None:
    root = make_project(FILES, config=ON)
    assert main(["fix", "--no-cache", str(root)]) == 0
    assert (root / "app/worker.py").read_text() == (
        "from app.schemas.core_enums import ExecutionStatus\n"
        "from app.transport.client import Client as C\n")
    assert (root / "app/__init__.py").read_text() == (
        "from app.schemas.core_enums import ExecutionStatus\n"
        "from app.transport.client import Client\n")
    assert noncanonical(root) == []
    assert "fixed 3 of 3 fixable findings in 2 files" in capsys.readouterr().out


def test_fix_leaves_ssot202_alone_when_it_is_not_enabled(make_project) -> None:
    root = make_project(FILES)
    assert main(["fix", "--no-cache", str(root)]) == 0
    assert (root / "app/worker.py").read_text() == FILES["app/worker.py"]


def test_innermost_private_component_decides(make_project) -> None:
    files = {
        "top/__init__.py": "",
        "top/_internal/__init__.py": "",
        "top/_internal/errors/__init__.py": "from top._internal.errors._base import Boom\n",
        "top/_internal/errors/_base.py": "class Boom(Exception):\n    pass\n",
        "top/_internal/errors/more.py": "from top._internal.errors import Boom\n",
        "top/_internal/cli.py": "from top._internal.errors import Boom\n",
    }
    root = make_project(files, config=ON)
    # `_base` is private to top._internal.errors: only its own modules should bypass it.
    assert [f.path for f in noncanonical(root)] == ["top/_internal/errors/more.py"]


def test_legacy_rule_wins_when_both_rules_name_the_same_import(make_project, capsys) -> None:
    files = {
        "pkg/__init__.py": "",
        "pkg/errors.py": "class Boom(Exception):\n    pass\n",
        "pkg/misc.py": "from pkg.errors import Boom\n",
        "pkg/helpers.py": "from pkg.errors import Boom\n",
        "user.py": "from pkg.misc import Boom\n",
    }
    root = make_project(files, config=ON + """
        [tool.ssotcheck.legacy-imports]
        "pkg.misc" = "pkg.helpers"
    """)
    rules = sorted(f.rule for f in run_on(root).findings if f.path == "user.py")
    assert rules == ["SSOT201", "SSOT202"]
    # SSOT201's rewrite lands on another re-exporter, so SSOT202 needs a second run.
    assert main(["fix", "--no-cache", str(root)]) == 1
    assert (root / "user.py").read_text() == "from pkg.helpers import Boom\n"
    out = capsys.readouterr().out
    assert "user.py: 1 finding points at an import another fix just rewrote" in out
    assert "fixed 1 of 2 fixable findings" in out
    assert main(["fix", "--no-cache", str(root)]) == 0
    assert (root / "user.py").read_text() == "from pkg.errors import Boom\n"
    assert [f for f in run_on(root).findings if f.path == "user.py"] == []
