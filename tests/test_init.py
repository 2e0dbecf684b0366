"""`ssotcheck init` reads the code and proposes a configuration with its evidence."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tomllib
from pathlib import Path

from tests.conftest import write_tree

ENUM = "import enum\n\n\nclass Status(enum.Enum):\n    OK = 1\n    {extra} = 2\n"


def ssot(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NO_COLOR": "1", "SSOTCHECK_CACHE_DIR": str(root.parent / "cache")}
    return subprocess.run([sys.executable, "-m", "ssotcheck", *args], cwd=root,
                          capture_output=True, text=True, env=env)


def project(tmp_path: Path) -> Path:
    root = tmp_path / "proj"
    write_tree(root, {
        "app/__init__.py": "",
        "app/core/__init__.py": "",
        "app/core/status.py": ENUM.format(extra="FAILED"),
        "app/legacy/__init__.py": "",
        "app/legacy/status.py": ENUM.format(extra="ERROR"),
        "app/legacy/old_api.py": "from app.core.status import Status\n",
        "app/legacy/compat.py": '"""Deprecated: kept for compatibility with 1.x callers."""\n'
                                "import warnings\n\nVALUE = 1\n",
        "app/users.py": "from app.core.status import Status\n",
        "app/jobs.py": "from app.core.status import Status\n",
        "app/orders.py": "from app.legacy.old_api import Status\n",
        "app/settings/env.py": "import os\n\n\ndef get_env(name):\n    return os.environ[name]\n",
        "app/settings/__init__.py": "",
        "lib/__init__.py": "",
        "lib/tools.py": "def tool():\n    return 1\n",
        "testing/__init__.py": "",
        "testing/base.py": "import unittest\n\n\nclass BaseCase(unittest.TestCase):\n    pass\n",
        "tests/test_a.py": "from testing.base import BaseCase\n\n\nclass TestA(BaseCase):\n"
                           "    pass\n\n\nclass TestB(BaseCase):\n    pass\n",
        "tests/test_b.py": "import unittest\n\n\nclass TestC(unittest.TestCase):\n    pass\n",
    })
    return root


def test_init_proposes_canonical_homes_areas_bases_shims_and_env(tmp_path: Path) -> None:
    root = project(tmp_path)
    out = ssot(root, "init")
    assert out.returncode == 0, out.stderr
    text = (root / "ssotcheck.toml").read_text(encoding="utf-8")
    data = tomllib.loads(text)
    # The split enum's canonical home is the production copy most imported by name.
    assert data["canonical"] == {"Status": "app.core.status"}
    assert "imported by 4 modules" in text  # app.orders through the re-export too
    assert list(data["areas"]) == ["tests", "app", "lib"]
    assert "testing/**" in data["areas"]["tests"]
    assert data["tests"]["base-classes"] == ["testing.base.BaseCase"]
    assert "inherited by 2 test classes" in text
    assert '# "app.legacy.old_api" = "app.core.status"' in text  # pure re-export
    assert '"app.users"' not in text  # imports something, re-exports nothing
    assert '# "app.legacy.compat" = "NEW.HOME"' in text and "Deprecated" in text
    assert '# use = "app.settings.env.get_env"' in text
    assert '# allow = ["app/settings/env.py"]' in text

    # `check` right after init: the findings from before, plus those the proposals enable
    # (SSOT301 from the proposed base class).
    after = json.loads(ssot(root, "check", "--format", "json").stdout)
    got = {(f["rule"], f["path"]) for f in after["findings"]}
    assert got == {("SSOT101", "app/legacy/status.py"), ("SSOT301", "tests/test_b.py")}
    assert "canonical: app.core.status, declared" in after["findings"][0]["message"]


def test_init_never_overwrites_without_force(tmp_path: Path) -> None:
    root = project(tmp_path)
    (root / "pyproject.toml").write_text("[tool.ssotcheck]\nfail-under = 90\n", encoding="utf-8")
    refused = ssot(root, "init")
    assert refused.returncode == 2 and "not overwritten" in refused.stderr
    assert not (root / "ssotcheck.toml").exists()
    shown = ssot(root, "init", "--stdout")
    assert shown.returncode == 0 and "[canonical]" in shown.stdout
    assert not (root / "ssotcheck.toml").exists()
    assert ssot(root, "init", "--force").returncode == 0
    first = (root / "ssotcheck.toml").read_bytes()
    assert ssot(root, "init").returncode == 2  # now ssotcheck.toml exists
    assert (root / "ssotcheck.toml").read_bytes() == first
    assert ssot(root, "init", "--force").returncode == 0
    assert (root / "ssotcheck.toml").read_bytes() == first  # deterministic


def test_init_on_an_empty_folder_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    out = ssot(tmp_path / "empty", "init")
    assert out.returncode == 2 and "no Python files" in out.stderr
    assert "Traceback" not in out.stderr


def test_init_proposes_areas_that_capture_no_test_files(tmp_path: Path) -> None:
    """The tests area comes first, so no proposed production area swallows test files;
    if one did, `areas.captured_tests` would say so in the file."""
    from ssotcheck.init_config import Proposal, propose, render

    root = tmp_path / "proj"
    write_tree(root, {
        "shared/__init__.py": "",
        "shared/util.py": "def f():\n    return 1\n",
        "shared/tests/__init__.py": "",
        "shared/tests/test_util.py": "def test_f():\n    assert True\n",
    })
    proposal = propose(root, jobs=1)
    assert proposal.areas[0][0] == "tests" and proposal.captured == []
    warned = render(Proposal(src=".", captured=["area `shared` glob `shared/**` captures 1 test file"]))
    assert "# warning: area `shared` glob `shared/**` captures 1 test file" in warned
