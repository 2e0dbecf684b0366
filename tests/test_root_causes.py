"""SSOT301 root causes: many test classes failing through one intermediate base become one
error on the base plus per-class infos, and the scores do not move."""

from __future__ import annotations

from pathlib import Path
from typing import Callable

from conftest import run_on

from ssotcheck.model import Severity
from ssotcheck.report.causes import top_causes

CONFIG = """
[tool.ssotcheck.tests]
base-classes = ["framework.base.SSotBase"]
{extra}
"""


def _project(make_project: Callable[..., Path], classes: int, extra: str = "") -> Path:
    files: dict[str, str] = {
        "framework/__init__.py": "",
        "framework/base.py": "import unittest\n\n\nclass SSotBase(unittest.TestCase):\n    pass\n",
        "framework/integration.py": (
            "import unittest\n\n\n"
            "class BaseIntegrationTest(unittest.TestCase):\n    pass\n"),
        "tests/__init__.py": "",
        # a file with one compliant class, so the test area is not all red
        "tests/test_ok.py": "from framework.base import SSotBase\n\n\n"
                            "class TestOk(SSotBase):\n    pass\n",
        # an unrelated failing class, reported on its own as before
        "tests/test_alone.py": "import unittest\n\n\nclass TestAlone(unittest.TestCase):\n"
                               "    pass\n",
    }
    for i in range(classes):
        files[f"tests/test_int_{i:02d}.py"] = (
            "from framework.integration import BaseIntegrationTest\n\n\n"
            f"class TestIntegration{i:02d}(BaseIntegrationTest):\n    pass\n")
    return make_project(files, CONFIG.format(extra=extra))


def test_twelve_classes_through_one_base_give_one_error_and_twelve_infos(make_project) -> None:
    root = _project(make_project, 12)
    found = [f for f in run_on(root).findings if f.rule == "SSOT301"]
    on_base = [f for f in found if f.path == "framework/integration.py"]
    assert len(on_base) == 1
    head = on_base[0]
    assert head.severity is Severity.ERROR and not head.counts
    assert head.message.startswith(
        "`BaseIntegrationTest` does not inherit `framework.base.SSotBase`; "
        "12 test classes inherit it: add `framework.base.SSotBase` to the bases of "
        "`BaseIntegrationTest` to fix them all (5 listed as related, 7 more)")
    assert [r.path for r in head.related] == [f"tests/test_int_{i:02d}.py" for i in range(5)]
    grouped = [f for f in found if f.path.startswith("tests/test_int_")]
    assert len(grouped) == 12
    for f in grouped:
        assert f.severity is Severity.INFO and f.counts
        assert "the root cause is `framework.integration.BaseIntegrationTest`" in f.message
        assert any(r.path == "framework/integration.py" for r in f.related)
    alone = [f for f in found if f.path == "tests/test_alone.py"]
    assert [f.severity for f in alone] == [Severity.ERROR]


def test_grouping_leaves_every_score_as_per_class_reporting_has_it(make_project) -> None:
    grouped = run_on(_project(make_project, 12))
    per_class = run_on(_project(make_project, 12, "root-cause-threshold = 0"))
    assert [f.severity for f in per_class.findings if f.rule == "SSOT301"] == [Severity.ERROR] * 13
    assert grouped.scores == per_class.scores
    assert grouped.scores.files_with_violations == 13
    # `check` still fails: the per-class infos count
    assert any(f.counts for f in grouped.findings)


def test_below_the_threshold_each_class_is_reported_as_before(make_project) -> None:
    found = [f for f in run_on(_project(make_project, 4)).findings if f.rule == "SSOT301"]
    assert {f.severity for f in found} == {Severity.ERROR}
    assert len(found) == 5
    assert not any(f.path == "framework/integration.py" for f in found)


def test_top_causes_list_root_causes_first(make_project) -> None:
    result = run_on(_project(make_project, 12))
    causes = top_causes(result.findings)
    assert causes[0].path == "framework/integration.py"
    assert causes[0].fixes == 12
    assert "BaseIntegrationTest" in causes[0].title
    from ssotcheck.report import text_format

    summary = text_format.render(result, width=120)
    assert "Top causes (one change fixes many findings)" in summary
    assert "framework/integration.py:4" in summary


BANNED = """
[tool.ssotcheck.banned-api."os.environ"]
use = "settings.env"
"""


def test_report_folds_many_banned_uses_in_one_file(make_project) -> None:
    from ssotcheck.report import RenderOptions, text_format

    body = "import os\n" + "".join(f"v{i} = os.environ['K{i}']\n" for i in range(38))
    root = make_project({"app/conf.py": body, "app/one.py": "import os\nx = os.environ\n"},
                        BANNED)
    result = run_on(root)
    found = [f for f in result.findings if f.rule == "SSOT203"]
    assert len(found) == 39  # every use is still a finding (and a baseline entry)
    report = text_format.render(result, width=100, options=RenderOptions(findings=True))
    assert report.count("app/conf.py:") == 1, report
    assert "38 uses of `os.environ` in this file; the others are at lines 3, 4," in report
    assert report.count("app/one.py:2:") == 1
    assert "1 uses" not in report
    check_view = text_format.render(result, full=False)
    assert check_view.count("app/conf.py:") == 38  # one line per finding for grep
    assert result.scores.violations == 39


def test_pytest_style_classes_through_an_abc_base_are_grouped_too(make_project) -> None:
    files: dict[str, str] = {
        "framework/__init__.py": "",
        "framework/base.py": "import unittest\n\n\nclass SSotBase(unittest.TestCase):\n    pass\n",
        "tests/__init__.py": "",
        "tests/base.py": "from abc import ABC\n\n\nclass BaseIntegrationTest(ABC):\n    pass\n",
    }
    for i in range(6):
        files[f"tests/test_abc_{i}.py"] = (
            "from tests.base import BaseIntegrationTest\n\n\n"
            f"class TestThing{i}(BaseIntegrationTest):\n    def test_it(self):\n        pass\n")
    root = make_project(files, CONFIG.format(extra=""))
    found = [f for f in run_on(root).findings if f.rule == "SSOT301"]
    heads = [f for f in found if f.path == "tests/base.py"]
    assert [h.severity for h in heads] == [Severity.ERROR]
    assert "6 test classes inherit it" in heads[0].message
    assert sorted(f.severity for f in found if f.path != "tests/base.py") == [Severity.INFO] * 6
