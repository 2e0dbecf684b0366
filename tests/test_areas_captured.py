"""Areas are first-match: warn when a production-like glob takes files pytest calls tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from ssotcheck import config as cfgmod
from ssotcheck.areas import captured_tests
from ssotcheck.cli import main


def _config(areas: dict[str, list[str]], tmp_path: Path, **pytest_ini: str):
    if pytest_ini:
        (tmp_path / "pytest.ini").write_text(
            "[pytest]\n" + "".join(f"{k} = {v}\n" for k, v in pytest_ini.items()))
    return cfgmod.from_mapping({"areas": areas}, tmp_path)


PATHS = [
    "shared/__init__.py", "shared/env.py", "shared/tests/__init__.py",
    "shared/tests/test_env.py", "shared/tests/test_io.py", "shared/tests/conftest.py",
    "shared/tests/helpers.py", "app/views.py", "tests/test_app.py",
]


def test_glob_that_takes_test_files_first_is_named_with_the_count(tmp_path: Path) -> None:
    cfg = _config({"shared": ["shared/**"], "tests": ["tests/**", "**/test_*.py"],
                   "production": ["**"]}, tmp_path)
    found = captured_tests(PATHS, cfg)
    assert [(c.area, c.glob, c.count) for c in found] == [("shared", "shared/**", 3)]
    assert found[0].examples == ("shared/tests/conftest.py", "shared/tests/test_env.py",
                                 "shared/tests/test_io.py")
    assert found[0].message().startswith(
        "area `shared` glob `shared/**` captures 3 files that pytest's conventions call tests")


def test_default_areas_and_tests_first_warn_about_nothing(tmp_path: Path) -> None:
    assert captured_tests(PATHS, cfgmod.from_mapping({}, tmp_path)) == []
    cfg = _config({"tests": ["**/tests/**"], "shared": ["shared/**"]}, tmp_path)
    assert captured_tests(PATHS, cfg) == []


def test_pytest_python_files_setting_decides_what_is_a_test(tmp_path: Path) -> None:
    cfg = _config({"tests": ["tests/**"], "production": ["**"]}, tmp_path,
                  python_files="check_*.py")
    found = captured_tests(["pkg/check_x.py", "pkg/test_y.py", "tests/check_z.py"], cfg)
    assert [(c.area, c.glob, c.count, c.examples) for c in found] == [
        ("production", "**", 1, ("pkg/check_x.py",))]


def test_report_verbose_prints_the_warning(tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    for rel in PATHS:
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text("x = 1\n")
    (tmp_path / "pyproject.toml").write_text(
        '[tool.ssotcheck.areas]\nshared = ["shared/**"]\ntests = ["tests/**"]\n'
        'production = ["**"]\n')
    assert main(["report", "--no-cache", "-v", str(tmp_path)]) == 0
    err = capsys.readouterr().err
    assert "warning: area `shared` glob `shared/**` captures 3 files" in err
    assert main(["report", "--no-cache", str(tmp_path)]) == 0
    assert "captures" not in capsys.readouterr().err
