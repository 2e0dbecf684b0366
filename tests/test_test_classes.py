"""SSOT301 non-base-test-class, run through the real pipeline on fixture projects."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Callable

import pytest

try:
    from tests.conftest import FIXTURES, run_on
except ModuleNotFoundError:  # bare `pytest`, which does not put the repository on sys.path
    from conftest import FIXTURES, run_on  # type: ignore[no-redef]
from ssotcheck.model import Finding, Severity

FIXTURE_ROOT = FIXTURES / "test_classes"
MAIN = FIXTURE_ROOT / "main"
CHECK_PREFIX = FIXTURE_ROOT / "check_prefix"

BASE_CONFIG = """
[tool.ssotcheck.tests]
base-classes = ["framework.base.SSotBase"]
"""
FRAMEWORK = {
    "framework/__init__.py": "",
    "framework/base.py": """
        import unittest


        class SSotBase(unittest.TestCase):
            pass
    """,
}


def ssot301(root: Path) -> list[Finding]:
    return [f for f in run_on(root).findings if f.rule == "SSOT301"]


def class_line(root: Path, path: str, name: str) -> int:
    """Line of `class name` in a fixture file, so the expectations survive edits above it."""
    text = (root / path).read_text(encoding="utf-8").splitlines()
    hits = [i for i, line in enumerate(text, 1) if re.match(rf"\s*class {name}\b", line)]
    assert len(hits) == 1, f"fixture {path} should define {name} exactly once"
    return hits[0]


def located(root: Path, expected: list[tuple[str, str, Severity]]) -> set[tuple[str, int, str]]:
    return {(path, class_line(root, path, name), sev.value) for path, name, sev in expected}


def actual(findings: list[Finding]) -> set[tuple[str, int, str]]:
    return {(f.path, f.line, f.severity.value) for f in findings}


def by_class(findings: list[Finding], root: Path, path: str, name: str) -> Finding:
    line = class_line(root, path, name)
    hits = [f for f in findings if f.path == path and f.line == line]
    assert len(hits) == 1, f"expected one finding for {path}:{name}, got {hits}"
    return hits[0]


# ----------------------------------------------------------------- the main fixture

E, W = Severity.ERROR, Severity.WARNING

# Everything else in the fixture (direct, dotted, aliased, re-exported and async bases,
# a three-level chain across modules, a mixin first, `__test__ = False` helpers and
# their subclasses, classes with constructors, enums, dataclasses, function-local
# classes, allowed files, production code, the base classes themselves) must stay quiet.
MAIN_EXPECTED = [
    ("qa/smoke_checks.py", "SmokeCheck", E),  # TestCase in a configured test area
    ("tests/helpers.py", "LegacyCase", E),  # TestCase helper in the tests area
    ("tests/test_legacy_chain.py", "TestViaLegacyCase", E),
    ("tests/test_mixins.py", "TestMixinOnly", E),
    ("tests/test_not_collected.py", "TestReEnabled", E),  # `__test__ = True` undoes the helper's
    ("tests/test_plain.py", "TestNoBase", E),
    ("tests/test_plain.py", "TestNested", E),  # pytest collects classes nested in test classes
    ("tests/test_unittest.py", "TestLegacy", E),
    ("tests/test_unittest.py", "TestFromImport", E),
    ("tests/test_unittest.py", "LoginCase", E),  # any name: pytest's unittest plugin collects it
    ("tests/test_unresolved.py", "TestFromStar", W),
    ("tests/test_unresolved.py", "TestThirdParty", W),
    ("tests/test_unresolved.py", "TestComputedAlias", W),
]


@pytest.fixture(scope="module")
def main_findings() -> list[Finding]:
    return ssot301(MAIN)


def test_main_fixture_gives_exactly_the_expected_findings(main_findings: list[Finding]) -> None:
    assert actual(main_findings) == located(MAIN, MAIN_EXPECTED)
    assert len(main_findings) == len(MAIN_EXPECTED)


def test_findings_carry_rule_metadata_and_area(main_findings: list[Finding]) -> None:
    for f in main_findings:
        assert f.name == "non-base-test-class"
        assert f.area == "tests"
    # Fingerprints are per class, so two classes in one file never collapse into one.
    assert len({f.fingerprint for f in main_findings}) == len(main_findings)


def test_direct_unittest_subclass_is_told_which_base_to_use(main_findings: list[Finding]) -> None:
    f = by_class(main_findings, MAIN, "tests/test_unittest.py", "TestLegacy")
    assert "subclasses `unittest.TestCase` directly" in f.message
    assert "`test_framework.ssot.SSotBaseTestCase`" in f.message
    g = by_class(main_findings, MAIN, "tests/test_unittest.py", "TestFromImport")
    assert "`unittest.TestCase` directly" in g.message  # `from unittest import TestCase`


def test_chain_through_a_non_compliant_project_base_points_at_it(
        main_findings: list[Finding]) -> None:
    f = by_class(main_findings, MAIN, "tests/test_legacy_chain.py", "TestViaLegacyCase")
    assert "through `tests.helpers.LegacyCase`" in f.message
    assert [(r.path, r.line) for r in f.related] == [
        ("tests/helpers.py", class_line(MAIN, "tests/helpers.py", "LegacyCase"))]


def test_mixin_alone_is_reported_with_the_mixin_as_related(main_findings: list[Finding]) -> None:
    f = by_class(main_findings, MAIN, "tests/test_mixins.py", "TestMixinOnly")
    assert "`test_framework.ssot.mixins.DatabaseMixin`" in f.message
    assert [r.path for r in f.related] == ["test_framework/ssot/mixins.py"]


@pytest.mark.parametrize("name, says", [
    ("TestFromStar", "star import"),
    ("TestThirdParty", "third-party package `django`"),
    ("TestComputedAlias", "assigned a computed value at module level (`type()`)"),
])
def test_unresolvable_bases_are_named_not_guessed(main_findings: list[Finding], name: str,
                                                   says: str) -> None:
    f = by_class(main_findings, MAIN, "tests/test_unresolved.py", name)
    assert f.message.startswith(f"cannot tell whether test class `{name}`")
    assert says in f.message
    assert f.severity is Severity.WARNING


def test_nested_class_is_named_with_its_outer_class(main_findings: list[Finding]) -> None:
    f = by_class(main_findings, MAIN, "tests/test_plain.py", "TestNested")
    assert "`TestNoBase.TestNested`" in f.message


# ------------------------------------------------------- custom pytest collection


def test_pytest_ini_python_classes_glob_and_python_files() -> None:
    """pytest.ini wins over [tool.pytest.ini_options]; `Check*` replaces `Test`."""
    findings = ssot301(CHECK_PREFIX)
    assert actual(findings) == located(CHECK_PREFIX, [
        ("checks/check_login.py", "CheckLoginBare", E),
        ("checks/check_login.py", "LegacyCase", E),
    ])


def test_pyproject_ini_options_prefixes_and_globs(make_project: Callable[..., Path]) -> None:
    root = make_project({
        **FRAMEWORK,
        "suite/test_login.py": """
            from framework.base import SSotBase


            class SuiteLogin:
                pass


            class LoginSpec:
                pass


            class TestLogin:
                pass


            class SuiteGood(SSotBase):
                pass
        """,
    }, config=BASE_CONFIG + """
        [tool.pytest.ini_options]
        python_classes = ["Suite", "*Spec"]
    """)
    findings = ssot301(root)
    assert actual(findings) == located(root, [
        ("suite/test_login.py", "SuiteLogin", E),
        ("suite/test_login.py", "LoginSpec", E),
    ])


def test_setup_cfg_python_files_with_a_directory_part(make_project: Callable[..., Path]) -> None:
    root = make_project({
        **FRAMEWORK,
        "setup.cfg": """
            [tool:pytest]
            python_files = specs/*_spec.py
        """,
        "specs/login_spec.py": "class TestLogin:\n    pass\n",
        "other/login_spec.py": "class TestLogin:\n    pass\n",
    }, config=BASE_CONFIG + """
        [tool.ssotcheck.areas]
        production = ["**"]
    """)
    assert actual(ssot301(root)) == {("specs/login_spec.py", 1, "error")}


def test_a_pytest_ini_without_section_still_shadows_pyproject(
        make_project: Callable[..., Path]) -> None:
    # pytest takes pytest.ini even when it is empty, so pyproject's `Check` is ignored.
    root = make_project({
        **FRAMEWORK,
        "pytest.ini": "# intentionally empty\n",
        "tests/test_a.py": "class TestA:\n    pass\n\n\nclass CheckA:\n    pass\n",
    }, config=BASE_CONFIG + """
        [tool.pytest.ini_options]
        python_classes = ["Check"]
    """)
    assert actual(ssot301(root)) == {("tests/test_a.py", 1, "error")}


# ----------------------------------------------------------------- configuration


def test_rule_is_idle_without_base_classes(make_project: Callable[..., Path]) -> None:
    files = {**FRAMEWORK, "tests/test_a.py": "import unittest\n\n\nclass TestA(unittest.TestCase):\n    pass\n"}
    idle = make_project(files, config="[tool.ssotcheck]\n")
    assert ssot301(idle) == []
    (idle / "pyproject.toml").write_text(BASE_CONFIG, encoding="utf-8")
    assert actual(ssot301(idle)) == {("tests/test_a.py", 4, "error")}


def test_allow_globs_exempt_files(make_project: Callable[..., Path]) -> None:
    root = make_project({
        **FRAMEWORK,
        "tests/test_a.py": "class TestA:\n    pass\n",
        "tests/legacy/test_b.py": "class TestB:\n    pass\n",
    }, config=BASE_CONFIG + 'allow = ["tests/legacy/**"]\n')
    assert actual(ssot301(root)) == {("tests/test_a.py", 1, "error")}


def test_several_bases_any_one_is_enough_and_the_message_lists_them(
        make_project: Callable[..., Path]) -> None:
    root = make_project({
        **FRAMEWORK,
        "framework/other.py": "class OtherBase:\n    pass\n",
        "tests/test_a.py": """
            from framework.other import OtherBase


            class TestA(OtherBase):
                pass


            class TestB:
                pass
        """,
    }, config="""
        [tool.ssotcheck.tests]
        base-classes = ["framework.base.SSotBase", "framework.other.OtherBase"]
    """)
    findings = ssot301(root)
    assert actual(findings) == {("tests/test_a.py", 8, "error")}
    assert "one of `framework.base.SSotBase`, `framework.other.OtherBase`" in findings[0].message


def test_third_party_base_can_be_configured_as_allowed(make_project: Callable[..., Path]) -> None:
    root = make_project({
        "tests/test_a.py": """
            from django.test import TestCase


            class TestA(TestCase):
                pass
        """,
    }, config='[tool.ssotcheck.tests]\nbase-classes = ["django.test.TestCase"]\n')
    assert ssot301(root) == []


def test_a_configured_base_missing_from_the_project_is_pointed_out(
        make_project: Callable[..., Path]) -> None:
    root = make_project({**FRAMEWORK, "tests/test_a.py": "class TestA:\n    pass\n"},
                        config='[tool.ssotcheck.tests]\nbase-classes = ["framework.base.SSotBas"]\n')
    [finding] = ssot301(root)
    assert "configured base `framework.base.SSotBas` is not defined in this project" in \
        finding.message
    # A correct name carries no such note.
    assert "not defined" not in by_class(ssot301(MAIN), MAIN, "tests/test_plain.py",
                                         "TestNoBase").message


# ------------------------------------------------------------------ robustness


def test_inheritance_cycle_terminates_and_reports_both(make_project: Callable[..., Path]) -> None:
    root = make_project({
        **FRAMEWORK,
        "tests/test_cycle.py": "class TestA(TestB):\n    pass\n\n\nclass TestB(TestA):\n    pass\n",
    }, config=BASE_CONFIG)
    assert actual(ssot301(root)) == {("tests/test_cycle.py", 1, "error"),
                                     ("tests/test_cycle.py", 5, "error")}


# The point is SSOT301's walk, not how other rules scale with a 1,500-class chain.
ONLY_SSOT301 = '[tool.ssotcheck]\nselect = ["SSOT301"]\n'


def test_a_chain_deeper_than_the_recursion_limit_is_followed(
        make_project: Callable[..., Path]) -> None:
    depth = 1500
    chain = ["from framework.base import SSotBase\n\n", "class Level0(SSotBase):\n    pass\n"]
    chain += [f"class Level{i}(Level{i - 1}):\n    pass\n" for i in range(1, depth)]
    root = make_project({
        **FRAMEWORK,
        "tests/chain.py": "\n".join(chain),
        "tests/test_deep.py": f"from tests.chain import Level{depth - 1}\n\n\n"
                              f"class TestDeep(Level{depth - 1}):\n    pass\n\n\n"
                              f"class TestShallow:\n    pass\n",
    }, config=ONLY_SSOT301 + BASE_CONFIG)
    assert actual(ssot301(root)) == {("tests/test_deep.py", 8, "error")}


def test_output_does_not_depend_on_jobs() -> None:
    one = [(f.path, f.line, f.message) for f in run_on(MAIN, jobs=1).findings]
    two = [(f.path, f.line, f.message) for f in run_on(MAIN, jobs=2).findings]
    assert one == two
    assert one  # the comparison means nothing on an empty run
