"""The wheel carries what an installed ssotcheck needs: the rule catalogue's one home is
the top-level `rules/`, shipped as the package `ssotcheck.rules`.

Built and installed for real: a wheel from this checkout, in a fresh virtual environment
(not editable), run from a folder where the checkout is not importable.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

from ssotcheck import catalogue

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

REPO = Path(__file__).resolve().parents[1]


def test_the_package_list_names_every_package_of_the_tree() -> None:
    listed = set(tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["setuptools"]
                 ["packages"])
    on_disk = {".".join(p.parent.relative_to(REPO).parts)
               for p in (REPO / "ssotcheck").rglob("__init__.py")}
    assert listed == on_disk | {"ssotcheck.rules"}


def test_the_catalogue_has_one_home() -> None:
    assert not (REPO / "ssotcheck" / "rules").exists()
    assert sorted(e.name for e in catalogue.files()) == sorted(
        p.name for p in (REPO / "rules").glob("*.toml"))


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh venv with the wheel installed; dependencies come from this test's own
    environment through a path entry (its .pth files are not run, so the editable
    install of the checkout stays out)."""
    tmp = tmp_path_factory.mktemp("wheel")
    build = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp / "dist"),
         str(REPO)], capture_output=True, text=True, timeout=600)
    if build.returncode != 0:
        pytest.fail(f"building the wheel failed:\n{build.stdout}\n{build.stderr}")
    wheel = next((tmp / "dist").glob("ssotcheck-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    assert {f"ssotcheck/rules/{p.name}" for p in (REPO / "rules").glob("*.toml")} <= set(names)
    venv = tmp / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=300)
    py = venv / "bin" / "python"
    subprocess.run([str(py), "-m", "pip", "install", "-q", "--no-deps", str(wheel)],
                   check=True, timeout=300, capture_output=True)
    site = subprocess.run([str(py), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                          check=True, capture_output=True, text=True).stdout.strip()
    (Path(site) / "_deps_from_tests.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    return py


def _run(py: Path, args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "SSOTCHECK_CACHE_DIR")}
    return subprocess.run([str(py), "-m", "ssotcheck", *args], cwd=cwd, capture_output=True,
                          text=True, timeout=300, env=env)


def test_the_installed_wheel_explains_rules(installed: Path, tmp_path: Path) -> None:
    where = subprocess.run([str(installed), "-c", "import ssotcheck; print(ssotcheck.__file__)"],
                           cwd=tmp_path, capture_output=True, text=True, check=True).stdout
    assert str(installed.parents[1]) in where  # the wheel's copy, not the checkout
    proc = _run(installed, ["explain", "SSOT101"], tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert catalogue.get("SSOT101").summary.strip().splitlines()[0] in proc.stdout


def test_the_installed_wheel_writes_sarif_rule_descriptors(installed: Path, tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text("import enum\nclass Color(enum.Enum):\n    RED = 1\n    BLUE = 2\n")
    (tmp_path / "b.py").write_text("import enum\nclass Color(enum.Enum):\n    RED = 1\n    BLUE = 2\n")
    proc = _run(installed, ["check", "--format", "sarif", "--no-cache", "."], tmp_path)
    assert proc.returncode == 1, proc.stderr
    run = json.loads(proc.stdout)["runs"][0]
    ids = {r["id"] for r in run["tool"]["driver"]["rules"]}
    assert "SSOT101" in ids and ids <= set(catalogue.rules())
    assert {r["ruleId"] for r in run["results"]} == {"SSOT101"}
