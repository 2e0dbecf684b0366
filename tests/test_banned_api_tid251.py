"""SSOT203 against the cases of ruff's TID251 (banned-api) fixture, written afresh here.

ruff's fixture bans a module (`cgi`) and a module member (`typing.TypedDict`) and checks
every spelling that reaches them: plain, aliased, submodule and star imports, attribute
chains, calls and aliased module uses, while a relative import of a same-named local
module is left alone. Each line below that should be reported ends in `# banned`.
"""

from __future__ import annotations

from conftest import run_on

from ssotcheck.gates import baseline

CONFIG = """
[tool.ssotcheck.banned-api."cgi"]
message = "cgi is deprecated (PEP 594)."

[tool.ssotcheck.banned-api."typing.TypedDict"]
use = "typing_extensions.TypedDict"
"""

SOURCE = """\
# a banned module, spelt every way an import can spell it
import cgi  # banned
from cgi import *  # banned
from cgi import parse_header  # banned
import cgi as old_cgi  # banned
from cgi import parse_header as parse  # banned
import cgi.sub.leaf  # banned
from cgi.sub import leaf  # banned
from cgi.sub.leaf import *  # banned

# a banned member of an allowed module
from typing import TypedDict  # banned
import typing

typing.TypedDict  # banned
typing.TypedDict.extra  # banned
typing.TypedDict()  # banned
typing.TypedDict.extra()  # banned
typing.NamedTuple

import typing as not_typing

not_typing.TypedDict  # banned

# a local module that happens to share the name, and a star import that binds far more
from .typing import TypedDict as LocalTypedDict
from typing import *
"""


def test_every_tid251_case(make_project) -> None:
    root = make_project({"pkg/__init__.py": "", "pkg/typing.py": "TypedDict = dict\n",
                         "pkg/uses.py": SOURCE}, CONFIG)
    found = [f for f in run_on(root).findings if f.rule == "SSOT203"]
    expected = [i for i, line in enumerate(SOURCE.splitlines(), 1) if line.endswith("# banned")]
    assert sorted(f.line for f in found) == expected
    assert len(expected) == 14
    stars = [f for f in found if "star-imports" in f.message]
    assert [f.message for f in stars] == [
        "`from cgi import *` star-imports `cgi`: `cgi` is banned everywhere; "
        "cgi is deprecated (PEP 594).",
        "`from cgi.sub.leaf import *` star-imports `cgi.sub.leaf`: `cgi` is banned "
        "everywhere; cgi is deprecated (PEP 594).",
    ]
    # a baseline keeps every use (same-spelt uses share a fingerprint, counted per use)
    recorded = baseline.record(found, None, "reset", "2026-01-01")
    baseline.write(recorded.baseline, root / "baseline.json")
    assert recorded.added == len(found) == 14
    loaded = baseline.load(root / "baseline.json")
    assert loaded is not None and loaded.total() == 14
    assert baseline.apply(found, loaded).kept == []


def test_star_import_in_an_allowed_file_is_not_reported(make_project) -> None:
    config = CONFIG.replace('message = "cgi', 'allow = ["legacy/**"]\nmessage = "cgi')
    root = make_project({"legacy/web.py": "from cgi import *\n",
                         "app/web.py": "from cgi import *\n"}, config)
    found = [f.path for f in run_on(root).findings if f.rule == "SSOT203"]
    assert found == ["app/web.py"]
