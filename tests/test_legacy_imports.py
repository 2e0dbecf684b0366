"""SSOT201 legacy-import detection: every spelling, prefixes, shims, keys."""

from __future__ import annotations

import pytest

from ssotcheck.checks.legacy_imports import match_entry, rewritten
from ssotcheck.model import ImportFact, Severity, Span

from conftest import run_on

CONFIG = """
[tool.ssotcheck.legacy-imports]
"app.websocket.manager" = "app.websocket.websocket_manager"
"app.agents.execution_context.ExecutionStatus" = "app.schemas.core_enums.ExecutionStatus"
"app.legacy" = "app.modern"
"app.legacy.special" = "app.special"
"""

BASE = {"app/__init__.py": "", "app/websocket/__init__.py": "", "app/agents/__init__.py": ""}


def legacy(root) -> list:
    return [f for f in run_on(root).findings if f.rule == "SSOT201"]


@pytest.mark.parametrize("source, line, column, replacement", [
    ("import app.websocket.manager\n", 1, 7, "app.websocket.websocket_manager"),
    ("import app.websocket.manager as m\n", 1, 7, "app.websocket.websocket_manager"),
    ("import os, app.websocket.manager as m\n", 1, 11, "app.websocket.websocket_manager"),
    ("from app.websocket import manager\n", 1, 26, "app.websocket.websocket_manager"),
    ("from app.websocket.manager import WebSocketManager as WSM\n", 1, 34,
     "app.websocket.websocket_manager.WebSocketManager"),
    ("from app.agents.execution_context import ExecutionStatus\n", 1, 41,
     "app.schemas.core_enums.ExecutionStatus"),
    ("from .manager import broadcast\n", 1, 21, "app.websocket.websocket_manager.broadcast"),
    ("from . import manager\n", 1, 14, "app.websocket.websocket_manager"),
    ("from ..websocket.manager import X\n", 1, 32, "app.websocket.websocket_manager.X"),
    ("from app.websocket.manager import (\n    A,\n    B as C,\n)\n", 3, 4,
     "app.websocket.websocket_manager.B"),
    ("def f():\n    from app.websocket.manager import X\n", 2, 38,
     "app.websocket.websocket_manager.X"),
    ("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import app.legacy.x as y\n",
     3, 11, "app.modern.x"),
    ("from app.websocket.manager import *\n", 1, 34, "app.websocket.websocket_manager"),
    ("class K:\n    from app.legacy import thing\n", 2, 27, "app.modern.thing"),
])
def test_every_spelling_is_detected(make_project, source, line, column, replacement) -> None:
    root = make_project({**BASE, "app/websocket/handlers.py": source}, config=CONFIG)
    found = legacy(root)
    hits = [f for f in found if (f.line, f.location.column) == (line, column)]
    assert len(hits) == 1, [(f.line, f.location.column, f.message) for f in found]
    f = hits[0]
    assert f.severity is Severity.ERROR
    assert f.fix is not None and f.fix.replacement == replacement
    assert f.path == "app/websocket/handlers.py"


def test_multi_line_import_reports_each_legacy_name(make_project) -> None:
    src = "from app.legacy.tools import (\n    parse,  # c\n    render as draw,\n)\n"
    root = make_project({**BASE, "app/x.py": src}, config=CONFIG)
    assert [(f.line, f.fix.replacement) for f in legacy(root)] == [
        (2, "app.modern.tools.parse"), (3, "app.modern.tools.render")]


def test_strings_comments_and_similar_names_are_not_imports(make_project) -> None:
    src = '''
        """import app.legacy is mentioned here"""
        # from app.legacy import x
        PATH = "app.websocket.manager"
        import app.legacy_tools
        import app
        from app import legacyish
        from app.websocket import manager_v2
        from app.agents.execution_context import OtherName
    '''
    root = make_project({**BASE, "app/x.py": src}, config=CONFIG)
    assert legacy(root) == []


def test_prefix_entries_cover_submodules_and_the_longest_entry_wins(make_project) -> None:
    src = "import app.legacy.deep.er\nfrom app.legacy.special import S\nfrom app import legacy\n"
    root = make_project({**BASE, "app/x.py": src}, config=CONFIG)
    assert [f.fix.replacement for f in legacy(root)] == [
        "app.modern.deep.er", "app.special.S", "app.modern"]


def test_only_a_shim_with_a_fallback_import_is_info_without_fix(make_project) -> None:
    """`except ImportError: y = None` has no alternative import: the code depends on the
    legacy path (an optional dependency on it), so it is a hard import with a fix."""
    src = """
        try:
            from app.websocket.manager import X
        except ImportError:
            from app.websocket.websocket_manager import X
        try:
            from app.legacy import y
        except (ValueError, ModuleNotFoundError):
            y = None
        try:
            from app.legacy import z
        except ValueError:
            z = None
    """
    root = make_project({**BASE, "app/x.py": src}, config=CONFIG)
    found = legacy(root)
    assert [(f.line, f.severity, f.fix is None) for f in found] == [
        (2, Severity.INFO, True), (6, Severity.ERROR, False), (10, Severity.ERROR, False)]
    assert "compatibility shim with a fallback import" in found[0].message
    result = run_on(root)
    assert result.scores.files_with_violations == 1


def test_legacy_package_may_import_itself(make_project) -> None:
    files = {**BASE,
             "app/legacy/__init__.py": "from .tools import parse\nfrom app.legacy import util\n",
             "app/legacy/tools.py": "from app.modern.tools import parse\n",
             "app/user.py": "from app.legacy import tools\n"}
    root = make_project(files, config=CONFIG)
    assert [f.path for f in legacy(root)] == ["app/user.py"]


def test_relative_import_in_a_file_outside_the_source_roots_is_skipped(make_project) -> None:
    files = {"src/app/__init__.py": "", "src/app/x.py": "from . import legacy\n",
             "tools/run.py": "from . import legacy\nfrom app import legacy as absolute\n"}
    root = make_project(files, config="""
        [tool.ssotcheck]
        src = ["src"]
        [tool.ssotcheck.legacy-imports]
        "app.legacy" = "app.modern"
    """)
    # tools/run.py has no module name, so its relative import cannot be resolved; its
    # absolute import still can.
    assert [(f.path, f.line) for f in legacy(root)] == [("src/app/x.py", 1), ("tools/run.py", 2)]


def test_message_names_spelling_entry_and_what_to_write(make_project) -> None:
    # the legacy module is still there (a shim, say): the import is legacy, not broken
    root = make_project({**BASE, "app/x.py": "from .websocket.manager import WSM as W\n",
                         "app/websocket/manager.py": "WSM = object\n"}, config=CONFIG)
    (f,) = legacy(root)
    assert f.message == (
        "`from .websocket.manager import WSM as W` imports the legacy path "
        "`app.websocket.manager.WSM` (`app.websocket.manager` moved to "
        "`app.websocket.websocket_manager`); write "
        "`from app.websocket.websocket_manager import WSM as W`")


def test_plain_import_without_alias_is_an_unsafe_fix(make_project) -> None:
    src = "import app.legacy.util\nimport app.legacy.util as u\n"
    root = make_project({**BASE, "app/x.py": src}, config=CONFIG)
    a, b = legacy(root)
    assert a.fix is not None and not a.fix.safe
    assert "`app.legacy.util.` attribute use" in a.fix.description
    assert b.fix is not None and b.fix.safe


def test_key_has_no_line_numbers_so_fingerprints_survive_line_shifts(make_project) -> None:
    root = make_project({**BASE, "app/x.py": "from app.legacy import thing\n"}, config=CONFIG)
    (before,) = legacy(root)
    (root / "app/x.py").write_text("import os\n\n\nfrom app.legacy import thing\n")
    (after,) = legacy(root)
    assert before.line != after.line
    assert before.fingerprint == after.fingerprint
    assert not any(ch.isdigit() for ch in before.key)


def test_no_registry_no_findings(make_project) -> None:
    root = make_project({**BASE, "app/x.py": "import app.legacy\n"})
    assert legacy(root) == []


def test_findings_are_sorted_and_deterministic(make_project) -> None:
    files = {**BASE, "app/b.py": "from app.legacy import y\nfrom app.legacy import x\n",
             "app/a.py": "import app.legacy.q as q\n"}
    root = make_project(files, config=CONFIG)
    first = [(f.path, f.line) for f in legacy(root)]
    assert first == [("app/a.py", 1), ("app/b.py", 1), ("app/b.py", 2)]
    assert first == [(f.path, f.line) for f in legacy(root)]


# ------------------------------------------------------------------ unit helpers


def test_match_entry_prefers_the_most_specific() -> None:
    table = (("a", "z"), ("a.b", "y"), ("a.bc", "w"))
    assert match_entry("a.b.c", table) == ("a.b", "y")
    assert match_entry("a.bcd", table) == ("a", "z")
    assert match_entry("ab", table) is None


def _fact(module: str, name: str | None, alias: str | None = None) -> ImportFact:
    span = Span(1, 0, 1, 1)
    return ImportFact(module, name, alias, 0, span, span)


def test_rewritten_keeps_the_bound_name() -> None:
    assert rewritten(_fact("a", "b"), "x.y") == "from x import y as b"
    assert rewritten(_fact("a", "b", "c"), "x.b") == "from x import b as c"
    assert rewritten(_fact("a", "b"), "x.b") == "from x import b"
    assert rewritten(_fact("a", "b"), "top") == "import top as b"
    assert rewritten(_fact("a.b", None, "m"), "x.y") == "import x.y as m"
    assert rewritten(_fact("a", "*"), "x") == "from x import *"


def test_message_for_an_exact_entry_does_not_repeat_it(make_project) -> None:
    src = "from app.agents.execution_context import ExecutionStatus as S\n"
    root = make_project({**BASE, "app/x.py": src,
                         "app/agents/execution_context.py": "ExecutionStatus = 1\n"},
                        config=CONFIG)
    (f,) = legacy(root)
    assert f.message == (
        "`from app.agents.execution_context import ExecutionStatus as S` imports the legacy "
        "path `app.agents.execution_context.ExecutionStatus`; write "
        "`from app.schemas.core_enums import ExecutionStatus as S`")


# ------------------------------------------------ legacy paths reached through a use

USE_CONFIG = """
[tool.ssotcheck.legacy-imports]
"pkg.models.OldThing" = "pkg.domain.Thing"
"pkg.old" = "pkg.new"
"""
USE_BASE = {"pkg/__init__.py": "", "pkg/models.py": "class OldThing: ...\n",
            "pkg/old.py": "", "pkg/new.py": "", "pkg/domain.py": "class Thing: ...\n",
            "app/__init__.py": ""}


def _where(findings: list) -> list[tuple[int, int, int]]:
    return [(f.line, f.location.column, f.location.end_column) for f in findings]


def test_legacy_symbol_used_through_its_module_is_found_at_the_use(make_project) -> None:
    src = ("import pkg.models\n"             # 1: the module itself is not legacy
           "x = pkg.models.OldThing()\n"     # 2
           "import pkg.models as m\n"        # 3
           "m.OldThing\n"                    # 4
           "y = pkg.models.NewThing\n")      # 5: not in the registry
    root = make_project({**USE_BASE, "app/x.py": src}, config=USE_CONFIG)
    found = legacy(root)
    assert _where(found) == [(2, 4, 23), (4, 0, 10)]
    first, second = found
    assert first.message == ("`pkg.models.OldThing` uses the legacy path `pkg.models.OldThing` "
                             "(moved to `pkg.domain.Thing`); import it from the new home")
    assert second.message.startswith("`m.OldThing` uses the legacy path `pkg.models.OldThing`")
    assert first.severity is Severity.ERROR and first.fix is None and second.fix is None
    assert {f.key for f in found} == {"use:pkg.models.OldThing->pkg.domain.Thing",
                                      "use:m.OldThing->pkg.domain.Thing"}


def test_from_import_of_the_module_and_deeper_chains(make_project) -> None:
    src = "from pkg import models\nmodels.OldThing.create()\n"
    root = make_project({**USE_BASE, "app/x.py": src}, config=USE_CONFIG)
    (f,) = legacy(root)
    assert (f.line, f.location.column) == (2, 0)
    assert "`pkg.models.OldThing.create`" in f.message
    assert "import `pkg.domain.Thing.create` from the new home" in f.message


def test_a_legacy_import_is_reported_once_not_again_at_each_use(make_project) -> None:
    src = ("import pkg.old\n"
           "import pkg.old as o\n"
           "from pkg import old\n"
           "from pkg.models import OldThing\n"
           "pkg.old.helper()\npkg.old.other\no.helper()\nold.x\nOldThing()\n")
    root = make_project({**USE_BASE, "app/x.py": src}, config=USE_CONFIG)
    assert [f.line for f in legacy(root)] == [1, 2, 3, 4]


def test_a_module_entry_reached_through_its_parent_package(make_project) -> None:
    # `import pkg.models` is not legacy but binds `pkg`: `pkg.old.x` still names the legacy
    # module, while `import pkg.old` in the same file covers only the chains under it.
    src = "import pkg.models\npkg.old.helper()\n"
    root = make_project({**USE_BASE, "app/x.py": src}, config=USE_CONFIG)
    (f,) = legacy(root)
    assert (f.line, f.location.column) == (2, 0)
    assert f.key == "use:pkg.old.helper->pkg.new.helper"
    src = "import pkg.old\nimport pkg.models\npkg.old.helper()\npkg.models.OldThing\n"
    root = make_project({**USE_BASE, "app/x.py": src}, config=USE_CONFIG)
    assert [(f.line, f.key) for f in legacy(root)] == [
        (1, "pkg:pkg.old"), (4, "use:pkg.models.OldThing->pkg.domain.Thing")]


def test_a_name_without_an_import_binding_is_not_flagged(make_project) -> None:
    src = ("pkg = object()\npkg.models.OldThing\n"
           "def f(m):\n    return m.OldThing\n"
           "import pkg.models as m2\nclass K:\n    m = None\n")
    root = make_project({**USE_BASE, "app/x.py": src}, config=USE_CONFIG)
    assert legacy(root) == []


def test_the_legacy_package_may_use_its_own_paths(make_project) -> None:
    files = {**USE_BASE, "pkg/old.py": "import pkg\npkg.old.helper()\n",
             "pkg/models.py": "import pkg.models as me\nme.OldThing\n"}
    root = make_project(files, config=USE_CONFIG)
    # pkg/models.py is not inside `pkg.models.OldThing`, so that use is still reported
    assert [(f.path, f.line) for f in legacy(root)] == [("pkg/models.py", 2)]


def test_relative_import_of_the_module(make_project) -> None:
    files = {**USE_BASE, "pkg/sub/__init__.py": "",
             "pkg/sub/x.py": "from .. import models\nmodels.OldThing\n"}
    root = make_project(files, config=USE_CONFIG)
    assert [(f.path, f.line, f.location.column) for f in legacy(root)] == [("pkg/sub/x.py", 2, 0)]


def test_use_findings_need_the_legacy_entries_in_the_extraction_key(tmp_path) -> None:
    from ssotcheck.config import Config

    plain = Config(root=tmp_path)
    one = Config(root=tmp_path, legacy_imports=(("a.b", "c.d"),))
    two = Config(root=tmp_path, legacy_imports=(("a.b", "c.d"), ("a.e.F", "c.F")))
    assert len({plain.extraction_key(), one.extraction_key(), two.extraction_key()}) == 3
    # Only the old side decides what is recorded.
    moved = Config(root=tmp_path, legacy_imports=(("a.b", "x.y"),))
    assert moved.extraction_key() == one.extraction_key()


def test_adding_an_entry_rebuilds_cached_facts(make_project, tmp_path) -> None:
    src = "import pkg.models as m\nm.OldThing\n"
    cache = tmp_path / "cache"
    root = make_project({**USE_BASE, "app/x.py": src},
                        config='[tool.ssotcheck.legacy-imports]\n"pkg.gone" = "pkg.new"\n')
    assert [f for f in run_on(root, use_cache=True, cache_dir=cache).findings
            if f.rule == "SSOT201"] == []
    make_project({}, config=USE_CONFIG)
    for _ in range(2):  # the second run reads the facts the first one cached
        found = [f for f in run_on(root, use_cache=True, cache_dir=cache).findings
                 if f.rule == "SSOT201"]
        assert _where(found) == [(2, 0, 10)]
