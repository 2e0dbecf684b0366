"""Configuration loading and validation (design §4): clear errors naming the key, exit 2."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from ssotcheck import config as cfgmod
from ssotcheck.config import ConfigError

FULL = """
[tool.ssotcheck]
src = ["."]
exclude = ["backup/**", "**/migrations/**"]
fail-under = 95.0
baseline = ".ssotcheck-baseline.json"
select = ["SSOT1", "SSOT2", "SSOT3"]
ignore = []

[tool.ssotcheck.areas]
production = ["mypkg/**"]
tests = ["tests/**", "**/test_*.py", "**/conftest.py"]

[tool.ssotcheck.canonical]
ExecutionStatus = "mypkg.schemas.core_enums"

[tool.ssotcheck.legacy-imports]
"mypkg.agents.execution_context.ExecutionStatus" = "mypkg.schemas.core_enums.ExecutionStatus"
"mypkg.websocket.manager" = "mypkg.websocket.websocket_manager"

[tool.ssotcheck.events]
discriminators = ["type", "event_type"]

[tool.ssotcheck.tests]
base-classes = ["test_framework.ssot.base.SSotBaseTestCase"]

[tool.ssotcheck.banned-api."os.environ"]
use = "shared.isolated_environment.get_env"
allow = ["shared/isolated_environment.py"]
"""


def _load(tmp_path: Path, text: str) -> cfgmod.Config:
    (tmp_path / "pyproject.toml").write_text(text, encoding="utf-8")
    return cfgmod.load(tmp_path / "pyproject.toml", tmp_path)


def test_design_example_loads_every_key(tmp_path: Path) -> None:
    c = _load(tmp_path, FULL)
    assert c.fail_under == 95.0
    assert c.exclude == ("backup/**", "**/migrations/**")
    assert [a for a, _ in c.areas] == ["production", "tests"]  # order kept: first match wins
    assert c.canonical_map() == {"ExecutionStatus": "mypkg.schemas.core_enums"}
    assert dict(c.legacy_imports)["mypkg.websocket.manager"] == "mypkg.websocket.websocket_manager"
    assert c.test_base_classes == ("test_framework.ssot.base.SSotBaseTestCase",)
    assert c.banned_api[0].name == "os.environ"
    assert c.banned_api[0].allow == ("shared/isolated_environment.py",)
    assert c.root == tmp_path.resolve()


@pytest.mark.parametrize(
    ("snippet", "expected"),
    [
        ('fail-undr = 90', "unknown key `fail-undr`. Did you mean `fail-under`?"),
        ('fail-under = "high"', "`fail-under` must be a number"),
        ('fail-under = 120', "`fail-under` must be between 0 and 100"),
        ('exclude = "build"', "`exclude` must be a list of glob strings"),
        ('exclude = ["[abc"]', "`exclude` has a bad glob"),
        ('select = ["SSOT8"]', "`select` names no known rule: `SSOT8`"),
        ('[tool.ssotcheck.tests]\nbase-class = ["a.B"]', "unknown key `tests.base-class`. Did you mean `tests.base-classes`?"),
        ('[tool.ssotcheck.areas]\nprod = "pkg/**"', "`areas.prod` must be a list of glob strings"),
        ('[tool.ssotcheck.canonical]\nX = "not a module"', "is not a dotted Python path"),
        ('[tool.ssotcheck.banned-api."os.environ"]\nallowed = ["x.py"]', "Did you mean `banned-api.\"os.environ\".allow`?"),
        ('[tool.ssotcheck.duplicates]\nclass-similarity = 1.5', "`duplicates.class-similarity` must be in (0, 1]"),
        ('[tool.ssotcheck.duplicates]\nmin-confidence = "sure"', "`duplicates.min-confidence` must be one of"),
        ('[tool.ssotcheck.duplicates]\nmin-confidence = 2', "`duplicates.min-confidence` must be one of"),
        ('[tool.ssotcheck.duplicates]\nconventions = ["not a name"]', "`duplicates.conventions`: `not a name` is not"),
        ('[tool.ssotcheck.duplicates]\nconventions = ["[x:Flow"]', "`duplicates.conventions` has a bad glob"),
        ('[tool.ssotcheck.duplicates]\nconvention = []', "Did you mean `duplicates.conventions`?"),
        ('services = "auth/**"', "`services` must be a list of glob strings"),
        ('services = ["[auth"]', "`services` has a bad glob"),
        ('[tool.ssotcheck.events]\nenvelopes = "payload"', "`events.envelopes` must be a list of strings"),
    ],
)
def test_bad_config_names_the_key(tmp_path: Path, snippet: str, expected: str) -> None:
    text = snippet if snippet.startswith("[") else f"[tool.ssotcheck]\n{snippet}\n"
    if snippet.startswith("["):
        text = "[tool.ssotcheck]\n" + snippet + "\n"
    with pytest.raises(ConfigError) as exc:
        _load(tmp_path, text)
    assert expected in str(exc.value)


def test_invalid_toml_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="invalid TOML"):
        _load(tmp_path, "[tool.ssotcheck\nsrc = [")


def test_cli_exits_2_without_traceback_on_bad_config(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.ssotcheck]\nexclud = []\n", encoding="utf-8")
    (tmp_path / "a.py").write_text("x = 1\n", encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "ssotcheck", "check", str(tmp_path)],
                          capture_output=True, text=True)
    assert proc.returncode == 2
    assert "unknown key `exclud`. Did you mean `exclude`?" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_no_config_gives_defaults(tmp_path: Path) -> None:
    c = cfgmod.load(None, tmp_path)
    assert [a for a, _ in c.areas] == ["tests", "production"]
    assert c.legacy_imports == () and c.banned_api == () and c.test_base_classes == ()
    assert c.rule_enabled("SSOT101") and not c.rule_enabled("SSOT202")


def test_ssotcheck_toml_and_discovery_upwards(tmp_path: Path) -> None:
    (tmp_path / "ssotcheck.toml").write_text("fail-under = 80\n", encoding="utf-8")
    sub = tmp_path / "a" / "b"
    sub.mkdir(parents=True)
    found = cfgmod.find_config_file(sub)
    assert found == tmp_path / "ssotcheck.toml"
    assert cfgmod.load(found, sub).fail_under == 80


def test_pyproject_without_table_is_skipped(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[project]\nname='x'\n", encoding="utf-8")
    assert cfgmod.find_config_file(tmp_path) is None


def test_select_ignore_and_opt_in_rule(tmp_path: Path) -> None:
    c = _load(tmp_path, '[tool.ssotcheck]\nselect = ["SSOT1", "SSOT202"]\nignore = ["SSOT103"]\n')
    assert c.rule_enabled("SSOT101")
    assert not c.rule_enabled("SSOT103")
    assert c.rule_enabled("SSOT202")  # selected explicitly, so the opt-in rule runs
    assert not c.rule_enabled("SSOT201")


@pytest.mark.parametrize(("ini_name", "body"), [
    ("pytest.ini", "[pytest]\npython_classes = Check*\npython_files = check_*.py\n"),
    ("setup.cfg", "[tool:pytest]\npython_classes = Check*\npython_files = check_*.py\n"),
    ("tox.ini", "[pytest]\npython_classes = Check*\npython_files = check_*.py\n"),
])
def test_pytest_collection_settings_are_read(tmp_path: Path, ini_name: str, body: str) -> None:
    (tmp_path / ini_name).write_text(body, encoding="utf-8")
    c = cfgmod.load(None, tmp_path)
    assert c.python_classes == ("Check*",)
    assert c.python_files == ("check_*.py",)


def test_extraction_key_changes_with_extraction_settings(tmp_path: Path) -> None:
    a = _load(tmp_path, "[tool.ssotcheck]\n")
    b = _load(tmp_path, '[tool.ssotcheck.events]\ndiscriminators = ["kind"]\n')
    c = _load(tmp_path, '[tool.ssotcheck]\nfail-under = 10\n')
    assert a.extraction_key() != b.extraction_key()
    assert a.extraction_key() == c.extraction_key()  # fail-under does not affect facts


def test_broken_pyproject_meant_for_ssotcheck_is_an_error_not_ignored(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.ssotcheck]\nsrc = [\n", encoding="utf-8")
    (tmp_path / "a.py").write_text("x = 1\n", encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "ssotcheck", "check", str(tmp_path)],
                          capture_output=True, text=True)
    assert proc.returncode == 2
    assert "invalid TOML" in proc.stderr and "pyproject.toml" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_broken_unrelated_pyproject_is_skipped(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[project\nname=", encoding="utf-8")
    assert cfgmod.find_config_file(tmp_path) is None


def test_duplicate_rule_settings_load(tmp_path: Path) -> None:
    c = _load(tmp_path, '[tool.ssotcheck]\nservices = ["auth/**", "billing/**"]\n'
                        '[tool.ssotcheck.duplicates]\nconventions = ["ConfigFlow", '
                        '"plugins/**:*Module"]\nmin-confidence = "medium"\n'
                        '[tool.ssotcheck.events]\nenvelopes = ["payload", "body"]\n')
    assert c.services == ("auth/**", "billing/**")
    assert c.conventions == ("ConfigFlow", "plugins/**:*Module")
    assert c.min_confidence == "medium" and c.envelopes == ("payload", "body")
    defaults = _load(tmp_path, "[tool.ssotcheck]\n")
    assert (defaults.services, defaults.conventions, defaults.min_confidence,
            defaults.envelopes) == (None, (), "low", ("payload", "data"))
    assert _load(tmp_path, "[tool.ssotcheck]\nservices = []\n").services == ()


def test_a_top_level_test_tree_under_another_name_is_detected(tmp_path) -> None:
    from ssotcheck.config import DEFAULT_AREAS, detected_test_dirs, from_mapping
    paths = ["t/__init__.py", "t/unit/conftest.py", "t/unit/test_app.py", "t/unit/test_beat.py",
             "t/smoke/conftest.py", "t/smoke/operations/worker_kill.py", "celery/app.py",
             "celery/conftest.py", "celery/a.py", "celery/b.py", "mypkg/tests/conftest.py",
             "mypkg/tests/test_x.py", "mypkg/tests/test_y.py", "mypkg/z.py"]
    # t/: conftest.py one level down and 5 of 6 files pytest's; celery/: 1 of 4;
    # mypkg/: its conftest.py is in `tests/`, which the defaults already cover.
    assert detected_test_dirs(paths, ("test_*.py",)) == ("t",)
    for p in paths:
        (tmp_path / p).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / p).write_text("")
    [(name, globs), production] = from_mapping({}, tmp_path).areas
    assert (name, globs) == ("tests", dict(DEFAULT_AREAS)["tests"] + ("t/**",))
    assert production == DEFAULT_AREAS[1]
    # Configured areas are used as they are.
    configured = from_mapping({"areas": {"prod": ["**"]}}, tmp_path).areas
    assert configured == (("prod", ("**",)),)
