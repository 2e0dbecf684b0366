"""SSOT301 follows module-level aliases of base classes, and names what it cannot follow.

Each alias form gets one test class; the golden file holds every message. Regenerate it
with `SSOTCHECK_REGEN_GOLDEN=1` after checking the change.
"""

from __future__ import annotations

import os
from pathlib import Path

from conftest import FIXTURES, run_on

GOLDEN = FIXTURES / "golden" / "ssot301_aliases.txt"

CONFIG = """
[tool.ssotcheck.tests]
base-classes = ["framework.base.SSotBase"]
"""
FILES = {
    "framework/__init__.py": """
        from .base import SSotBase

        BaseTestCase = SSotBase
    """,
    "framework/base.py": """
        import unittest


        class SSotBase(unittest.TestCase):
            pass
    """,
    "framework/aliases.py": """
        from framework import base

        BaseUnitTest = base.SSotBase
    """,
    "tests/__init__.py": "",
    "tests/test_aliases.py": """
        import unittest

        import django.test
        from framework import BaseTestCase
        from framework import base as base_module
        from framework.aliases import BaseUnitTest
        from framework.base import SSotBase

        LocalBase = SSotBase
        AttributeBase = base_module.SSotBase
        Chained = AlsoChained = LocalBase
        PlainCase = unittest.TestCase
        Computed = make_base()
        ThirdParty = django.test.SimpleTestCase
        try:
            Conditional = base_module.SSotBase
        except ImportError:
            Conditional = unittest.TestCase
        Loop = Around
        Around = Loop


        class TestLocalAlias(LocalBase):
            pass


        class TestAttributeAlias(AttributeBase):
            pass


        class TestChainedAlias(AlsoChained):
            pass


        class TestReexportedAlias(BaseTestCase):
            pass


        class TestImportedAlias(BaseUnitTest):
            pass


        class TestPlainCase(PlainCase):
            pass


        class TestComputed(Computed):
            pass


        class TestThirdParty(ThirdParty):
            pass


        class TestConditional(Conditional):
            pass


        class TestLoop(Loop):
            pass
    """,
}
COMPLIANT = ["TestLocalAlias", "TestAttributeAlias", "TestChainedAlias",
             "TestReexportedAlias", "TestImportedAlias"]


def messages(root: Path) -> str:
    found = [f for f in run_on(root).findings if f.rule == "SSOT301"]
    return "".join(f"{f.path}:{f.line}: {f.severity.value}: {f.message}\n" for f in found)


def test_alias_forms_golden(make_project) -> None:
    root = make_project(FILES, CONFIG)
    got = messages(root)
    if os.environ.get("SSOTCHECK_REGEN_GOLDEN"):
        GOLDEN.write_text(got, encoding="utf-8")
    assert got == GOLDEN.read_text(encoding="utf-8")
    for name in COMPLIANT:
        assert f"`{name}`" not in got
    assert got.count(": warning: ") == 4 and got.count(": error: ") == 1


def test_alias_facts_do_not_follow_into_functions_or_classes(make_project) -> None:
    files = {**FILES, "tests/test_aliases.py": """
        from framework.base import SSotBase


        def helper():
            Local = SSotBase
            return Local


        class TestNotAnAlias(Local):
            pass
    """}
    got = messages(make_project(files, CONFIG))
    assert "`TestNotAnAlias`" in got and "`Local` is not defined or imported" in got
