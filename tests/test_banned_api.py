"""SSOT203 banned-api: spellings, aliases, allow globs, one finding per use site."""

from __future__ import annotations

from conftest import run_on

CONFIG = """
[tool.ssotcheck.banned-api."os.environ"]
use = "shared.isolated_environment.get_env"
allow = ["shared/isolated_environment.py", "scripts/**"]

[tool.ssotcheck.banned-api."os.getenv"]
use = "shared.isolated_environment.get_env"
message = "Environment access must go through the isolated environment."

[tool.ssotcheck.banned-api."pickle"]
use = "json"

[tool.ssotcheck.banned-api."eval"]
"""


def banned(root) -> list[tuple[int, int, str]]:
    return [(f.line, f.location.column, f.message) for f in run_on(root).findings
            if f.rule == "SSOT203"]


def lines(root) -> list[int]:
    return [line for line, _, _ in banned(root)]


def test_attribute_call_and_chain_are_one_use_each(make_project) -> None:
    src = """
        import os

        a = os.environ
        b = os.environ.get("X")
        c = os.environ["Y"]
        d = os.getenv("Z")
        os.environ.setdefault("K", "v").upper()
        p = os.path.join("a", "b")
    """
    root = make_project({"app/x.py": src}, config=CONFIG)
    found = banned(root)
    assert [(line, col) for line, col, _ in found] == [(3, 4), (4, 4), (5, 4), (6, 4), (7, 0)]
    assert found[0][2] == (
        "use of `os.environ`: `os.environ` is allowed only in shared/isolated_environment.py, "
        "scripts/**; use `shared.isolated_environment.get_env` instead")
    assert found[1][2].startswith("call to `os.environ.get`: `os.environ` is allowed only in")
    assert found[3][2] == (
        "call to `os.getenv`: `os.getenv` is banned everywhere; use "
        "`shared.isolated_environment.get_env` instead; Environment access must go through "
        "the isolated environment.")


def test_aliases_are_followed(make_project) -> None:
    src = """
        import os as _os
        import os.path
        from os import environ as env, getenv
        from os import path

        _os.environ.get("A")
        os.environ["B"]
        env["C"]
        env.get("D")
        getenv("E")
        path.join("x")
    """
    root = make_project({"app/x.py": src}, config=CONFIG)
    found = banned(root)
    # `from os import environ as env` and `getenv` are the use sites themselves; their
    # later uses are not counted again.
    assert [line for line, _, _ in found] == [3, 3, 6, 7]
    assert found[0][2].startswith("`from os import environ as env` imports `os.environ`")
    assert found[1][2].startswith("`from os import getenv` imports `os.getenv`")
    assert found[2][2].startswith("call to `_os.environ.get` (`os.environ.get`):")


def test_banned_module_is_reported_at_its_import(make_project) -> None:
    src = "import pickle\nimport pickle as pk\n\npickle.loads(b'')\npk.dumps(1)\n"
    root = make_project({"app/x.py": src}, config=CONFIG)
    found = banned(root)
    assert [line for line, _, _ in found] == [1, 2]
    assert "use `json` instead" in found[0][2]


def test_allow_globs(make_project) -> None:
    src = "import os\nx = os.environ['A']\ny = os.getenv('B')\n"
    root = make_project({"shared/isolated_environment.py": src, "scripts/tools/run.py": src,
                         "app/x.py": src}, config=CONFIG)
    found = [(f.path, f.line) for f in run_on(root).findings if f.rule == "SSOT203"]
    # os.environ is allowed in both places; os.getenv has no allow list at all.
    assert found == [("app/x.py", 2), ("app/x.py", 3), ("scripts/tools/run.py", 3),
                     ("shared/isolated_environment.py", 3)]


def test_most_specific_entry_decides(make_project) -> None:
    config = """
        [tool.ssotcheck.banned-api."os.environ"]
        allow = ["env.py"]
        [tool.ssotcheck.banned-api."os.environ.get"]
        use = "env.get"
    """
    src = "import os\na = os.environ['A']\nb = os.environ.get('B')\n"
    root = make_project({"env.py": src, "app.py": src}, config=config)
    found = [(f.path, f.line, f.message.split(":")[0]) for f in run_on(root).findings
             if f.rule == "SSOT203"]
    assert found == [("app.py", 2, "use of `os.environ`"),
                     ("app.py", 3, "call to `os.environ.get`"),
                     ("env.py", 3, "call to `os.environ.get`")]
    messages = [f.message for f in run_on(root).findings if f.rule == "SSOT203"]
    assert "`os.environ.get` is banned everywhere; use `env.get` instead" in messages[1]


def test_names_that_only_look_banned_are_not_uses(make_project) -> None:
    src = '''
        import os

        class Config:
            def __init__(self, os):
                self.environ = {}
                self.os = os

            def read(self):
                return self.os.environ, self.environ.get("x")

        environ = {}
        text = "os.environ"  # os.environ in a comment
        getenv = environ.get
        safe = os.environ_like if False else None
    '''
    root = make_project({"app/x.py": src}, config=CONFIG)
    assert banned(root) == []


def test_builtins_can_be_banned_unless_shadowed(make_project) -> None:
    root = make_project({"a.py": "x = eval('1')\n",
                         "b.py": "def eval(s):\n    return s\n\nx = eval('1')\n"}, config=CONFIG)
    found = [(f.path, f.line) for f in run_on(root).findings if f.rule == "SSOT203"]
    assert found == [("a.py", 1)]


def test_first_party_banned_name_through_relative_import(make_project) -> None:
    config = """
        [tool.ssotcheck.banned-api."app.settings.SECRET"]
        use = "app.secrets.get_secret"
    """
    files = {"app/__init__.py": "", "app/settings.py": "SECRET = 1\n",
             "app/a.py": "from .settings import SECRET\n",
             "app/b.py": "from app import settings\nx = settings.SECRET\n"}
    root = make_project(files, config=config)
    found = [(f.path, f.line) for f in run_on(root).findings if f.rule == "SSOT203"]
    assert found == [("app/a.py", 1), ("app/b.py", 2)]


def test_key_is_line_free_and_each_use_counts(make_project) -> None:
    root = make_project({"app/x.py": "import os\na = os.environ\nb = os.environ\n"},
                        config=CONFIG)
    findings = [f for f in run_on(root).findings if f.rule == "SSOT203"]
    assert len(findings) == 2
    assert findings[0].key == findings[1].key == "os.environ:os.environ"
    assert run_on(root).scores.violations == 2


def test_no_config_no_findings(make_project) -> None:
    root = make_project({"app/x.py": "import os\na = os.environ\n"})
    assert banned(root) == []


def test_function_scope_bindings_shadow_the_module(make_project) -> None:
    src = """
        import os

        def handler(os):
            return os.environ

        def other():
            os = FakeOs()
            return os.environ

        def third():
            return os.environ

        def fourth():
            global os
            os = something()
            return os.environ

        f = lambda os: os.environ
        g = [os.environ for os in things]

        class C:
            os = 1

            def m(self):
                return os.environ
    """
    root = make_project({"app/x.py": src}, config=CONFIG)
    # parameter, local assignment, lambda parameter and comprehension variable shadow
    # `os`; a plain use, a `global` declaration and a class attribute do not.
    assert lines(root) == [11, 16, 25]


def test_what_a_function_scope_binds(make_project) -> None:
    src = """
        import os

        def outer():
            os = 1

            def inner():
                nonlocal os
                return os.environ

            def deeper():
                return os.environ, os.getenv("X")

        def defaults_are_outside(a=os.environ, *, b: os.getenv("Y") = None):
            return [os for os in os.environ]

        h = [os for os in os.environ]

        def bindings(a, /, b, *args, c, **kwargs):
            for os in []:
                pass
            with open("x") as os:
                pass
            try:
                pass
            except ImportError as os:
                pass
            return os.environ

        def walrus():
            [(os := x) for x in "ab"]
            return os.environ

        def comprehension_does_not_leak():
            names = [os for os in "ab"]
            return os.environ

        def builtin_parameter(eval):
            return eval("1")

        def local_import():
            import os
            return os.environ
    """
    root = make_project({"app/x.py": src}, config=CONFIG)
    # 13: the defaults and annotations of a def are evaluated outside it; 14 and 16: so is
    # the first iterable of a comprehension; 35: a comprehension's variable stays inside
    # it. A parameter named like a builtin shadows it too. 42: an import inside a function
    # binds the module itself.
    assert lines(root) == [13, 13, 14, 16, 35, 42]
