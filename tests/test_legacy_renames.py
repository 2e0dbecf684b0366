"""SSOT201: a rewrite that binds a class under a factory's name (or back) is unsafe and
says why; an import of a legacy module that is gone says it is broken."""

from __future__ import annotations

from conftest import run_on

CONFIG = """
[tool.ssotcheck.legacy-imports]
"app.old.create_manager" = "app.managers.Manager"
"app.old.Widget" = "app.widgets.NewWidget"
"app.gone.make_client" = "app.clients.Client"
"""
BASE = {
    "app/__init__.py": "",
    "app/managers.py": "class Manager:\n    pass\n",
    "app/widgets.py": "class NewWidget:\n    pass\n",
    "app/clients.py": "class Client:\n    pass\n",
    "app/old.py": "def create_manager():\n    pass\n\n\nclass Widget:\n    pass\n",
}


def legacy(root) -> list:
    return [f for f in run_on(root).findings if f.rule == "SSOT201"]


def test_function_to_class_is_unsafe_and_explained(make_project) -> None:
    root = make_project({**BASE, "app/use.py": "from app.old import create_manager\n"}, CONFIG)
    (f,) = legacy(root)
    assert f.fix is not None and not f.fix.safe
    assert f.fix.description == (
        "rewrite to `from app.managers import Manager as create_manager`; unsafe: "
        "`create_manager` was a function and `app.managers.Manager` is a class: code that "
        "calls or subclasses `create_manager` now gets a different kind of object; check "
        "each use")
    assert "(careful: `create_manager` was a function" in f.message
    assert "is gone" not in f.message


def test_class_renamed_to_a_class_stays_safe(make_project) -> None:
    root = make_project({**BASE, "app/use.py": "from app.old import Widget\n"}, CONFIG)
    (f,) = legacy(root)
    assert f.fix is not None and f.fix.safe
    assert f.fix.description == "rewrite to `from app.widgets import NewWidget as Widget`"


def test_gone_module_is_named_and_the_kind_comes_from_the_name(make_project) -> None:
    root = make_project({**BASE, "app/use.py": "from app.gone import make_client\n"}, CONFIG)
    (f,) = legacy(root)
    assert ("`app.gone` is gone from this project, so the import is broken, not merely "
            "legacy") in f.message
    assert f.fix is not None and not f.fix.safe
    assert "`make_client` was a function (judging by its name: its module is gone)" in (
        f.fix.description)


def test_third_party_legacy_module_is_not_called_gone(make_project) -> None:
    root = make_project({"app/__init__.py": "", "app/use.py": "import simplejson as json\n"}, """
        [tool.ssotcheck.legacy-imports]
        "simplejson" = "json"
    """)
    (f,) = legacy(root)
    assert "gone" not in f.message
    assert f.fix is not None and f.fix.safe


def test_the_new_home_re_exporting_from_the_old_place_is_not_reported(make_project) -> None:
    root = make_project({
        "app/__init__.py": "", "app/testing/__init__.py": "from app.testing.utils import skip\n",
        "app/testing/utils.py": "def skip():\n    pass\n",
        "app/use.py": "from app.testing.utils import skip\n"}, """
        [tool.ssotcheck.legacy-imports]
        "app.testing.utils.skip" = "app.testing.skip"
    """)
    assert [f.path for f in legacy(root)] == ["app/use.py"]


def test_a_module_object_built_at_run_time_is_not_gone(make_project) -> None:
    # six builds `six.moves` at run time: there is no file, but `moves` is defined
    root = make_project({
        "app/__init__.py": "", "app/six/__init__.py": "moves = make_moves()\n",
        "app/use.py": "from app.six.moves.collections_abc import Mapping\n"
                      "from app.gone.sub import thing\n"}, """
        [tool.ssotcheck.legacy-imports]
        "app.six.moves.collections_abc" = "collections.abc"
        "app.gone" = "app.here"
    """)
    found = {f.line: f.message for f in legacy(root)}
    assert "is gone" not in found[1]
    assert "`app.gone.sub` is gone from this project" in found[2]

