"""Adopting ssotcheck on a codebase that already has findings (issue 12): the baseline
that just works, the ratchet, auditable suppressions, SSOT900, bad baseline files.

Every scenario runs the real command line on a real git repository in a temp folder.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import write_tree

REPO = Path(__file__).resolve().parents[1]
BASELINE = ".ssotcheck-baseline.json"

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


def git(cwd: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True,
                          check=True).stdout


@dataclass
class Ran:
    returncode: int
    stdout: str
    stderr: str


_CTX: list[tuple[pytest.MonkeyPatch, pytest.CaptureFixture[str]]] = []


@pytest.fixture(autouse=True)
def _in_process(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]):
    _CTX.append((monkeypatch, capsys))
    yield
    _CTX.pop()


def ssot(root: Path, *args: str, today: str | None = None) -> Ran:
    """The command line, run in this process (`ssotcheck.cli.main`) from `root`."""
    from ssotcheck.cli import main

    monkeypatch, capsys = _CTX[-1]
    monkeypatch.chdir(root)
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("SSOTCHECK_CACHE_DIR", str(root.parent / "cache"))
    if today:
        monkeypatch.setenv("SSOTCHECK_TODAY", today)
    else:
        monkeypatch.delenv("SSOTCHECK_TODAY", raising=False)
    capsys.readouterr()
    rc = main(list(args))
    out = capsys.readouterr()
    return Ran(rc, out.out, out.err)


def cli(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """The installed command line as a subprocess, as a user runs it."""
    env = {**os.environ, "NO_COLOR": "1", "SSOTCHECK_CACHE_DIR": str(root.parent / "cache")}
    return subprocess.run([sys.executable, "-m", "ssotcheck", *args], cwd=root,
                          capture_output=True, text=True, env=env)


def commit_all(root: Path, message: str = "change") -> None:
    git(root, "add", "-A")
    git(root, "-c", "user.email=t@t", "-c", "user.name=t", "commit", "-qm", message)


ENUM_A = """\
import enum


class Status(enum.Enum):
    OK = "ok"
    FAILED = "failed"
"""
ENUM_B = """\
import enum


class Status(enum.Enum):
    OK = "ok"
    BROKEN = "broken"
"""


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A git repository with one finding (a split enum, reported on its non-canonical
    copy, pkg/b.py) and no ssotcheck configuration at all."""
    root = tmp_path / "repo"
    write_tree(root, {
        "pkg/__init__.py": "",
        "pkg/a.py": ENUM_A,
        "pkg/b.py": ENUM_B,
        "pkg/util.py": "def helper():\n    return 1\n",
        # a module uses one copy, so the two copies' members can meet: a counted split
        "pkg/use.py": "from pkg.a import Status\n",
    })
    git(root, "init", "-q")
    commit_all(root, "start")
    return root


def baseline_entries(root: Path) -> list[dict]:
    return json.loads((root / BASELINE).read_text(encoding="utf-8"))["entries"]


# ------------------------------------------------------------ baseline that just works


def test_bundled_example_baseline_then_check_passes_without_a_config_edit(tmp_path: Path) -> None:
    root = tmp_path / "examples"
    shutil.copytree(REPO / "examples", root)
    git(root, "init", "-q")
    before = cli(root, "check")
    assert before.returncode == 1
    made = cli(root, "baseline")
    assert made.returncode == 0, made.stderr
    assert (root / BASELINE).is_file()
    after = cli(root, "check")
    assert after.returncode == 0, after.stdout + after.stderr
    assert "in baseline" in after.stdout
    assert cli(root, "check", "--no-baseline").returncode == 1


def test_line_shifts_moves_and_a_copy_elsewhere_keep_old_findings_baselined(repo: Path) -> None:
    assert ssot(repo, "check").returncode == 1
    assert ssot(repo, "baseline").returncode == 0
    entries = baseline_entries(repo)
    assert [(e["rule"], e["path"], e["anchor"]) for e in entries] == [
        ("SSOT101", "pkg/b.py", "Status:pkg.b.Status")]
    assert all("line" not in e for e in entries)  # keyed without line numbers
    # Lines shift above the enum, and the enum moves below a new function.
    (repo / "pkg/a.py").write_text('"""Docs."""\n\n\ndef first():\n    return 0\n\n\n'
                                   + ENUM_A, encoding="utf-8")
    b = ENUM_B.replace("import enum\n", "import enum\n\n\n# a comment\n")
    (repo / "pkg/b.py").write_text(b + "\n\ndef after():\n    return 1\n", encoding="utf-8")
    shifted = ssot(repo, "check")
    assert shifted.returncode == 0, shifted.stdout
    assert "1 in baseline" in shifted.stdout
    # A third copy of the same concept in another file: the new copy is reported, the old
    # one stays baselined even though its message now says "3 modules".
    (repo / "pkg/c.py").write_text(ENUM_A.replace("FAILED", "GONE"), encoding="utf-8")
    third = ssot(repo, "check", "--format", "json")
    assert third.returncode == 1
    doc = json.loads(third.stdout)
    assert [(f["rule"], f["path"]) for f in doc["findings"]] == [("SSOT101", "pkg/c.py")]
    assert doc["baselined"] == 1 and doc["baseline"]["stale"] == 0
    assert doc["baseline"]["areas"] == [{"name": "production", "baselined": 1}]
    assert "3 modules" in doc["suppressed_findings"][0]["message"]


def test_a_new_split_enum_fails_the_gate_and_is_named_in_text_and_json(repo: Path) -> None:
    assert ssot(repo, "baseline").returncode == 0
    write_tree(repo, {
        "pkg/x.py": "import enum\n\n\nclass Mode(enum.Enum):\n    ON = 1\n    OFF = 0\n",
        "pkg/y.py": "import enum\n\n\nclass Mode(enum.Enum):\n    ON = 1\n    AUTO = 2\n",
        "pkg/z.py": "from pkg.y import Mode\n",
    })
    text = ssot(repo, "check")
    assert text.returncode == 1
    assert "SSOT101 enum `Mode` is defined in 2 modules" in text.stdout
    assert "Status" not in text.stdout  # the baselined concept stays quiet
    doc = json.loads(ssot(repo, "check", "--format", "json").stdout)
    assert [f["concept"] for f in doc["findings"]] == ["Mode"]
    assert [c["name"] for c in doc["concepts"]] == ["Mode", "Status"]


# ------------------------------------------------------------------------- ratchet


def test_ratchet_stale_entries_strict_and_shrink_without_adding(repo: Path) -> None:
    mode = "import enum\n\n\nclass Mode(enum.Enum):\n    ON = 1\n"
    write_tree(repo, {"pkg/x.py": mode, "pkg/y.py": mode})
    assert ssot(repo, "baseline").returncode == 0
    assert [e["concept"] if "concept" in e else e["anchor"].split(":")[0]
            for e in baseline_entries(repo)] == ["Status", "Mode"]
    # Fix the Status split: its entry is stale.
    (repo / "pkg/b.py").unlink()
    plain = ssot(repo, "check")
    assert plain.returncode == 0, plain.stdout + plain.stderr
    assert "1 baselined finding no longer occurs" in plain.stderr
    assert "run `ssotcheck baseline` to drop it" in plain.stderr
    strict = ssot(repo, "check", "--strict-baseline")
    assert strict.returncode == 1 and "failing" in strict.stderr
    (repo / "ssotcheck.toml").write_text("baseline-strict = true\n", encoding="utf-8")
    assert ssot(repo, "check").returncode == 1
    # A run over other files cannot judge the entry of pkg/b.py (a pre-commit run).
    assert ssot(repo, "check", "pkg/x.py", "pkg/y.py").returncode == 0
    (repo / "ssotcheck.toml").unlink()

    # A new split appears too: `baseline` drops the fixed entry and does not add it.
    kind = "import enum\n\n\nclass Kind(enum.Enum):\n    A = 1\n"
    write_tree(repo, {"pkg/z.py": kind, "pkg/w.py": kind})
    shrunk = ssot(repo, "baseline")
    assert shrunk.returncode == 0, shrunk.stderr
    assert "1 fixed finding removed, 0 added; 1 remains" in shrunk.stdout
    assert "1 new finding is not in the baseline" in shrunk.stdout
    assert [e["anchor"].split(":")[0] for e in baseline_entries(repo)] == ["Mode"]
    failing = ssot(repo, "check", "--strict-baseline")
    assert failing.returncode == 1 and "enum `Kind`" in failing.stdout
    assert "no longer occur" not in failing.stderr

    grown = ssot(repo, "baseline", "--add-new")
    assert "0 fixed findings removed, 1 added; 2 remain" in grown.stdout
    assert sorted(e["anchor"].split(":")[0] for e in baseline_entries(repo)) == ["Kind", "Mode"]
    assert ssot(repo, "check", "--strict-baseline").returncode == 0
    # --reset re-records exactly today's findings.
    (repo / "pkg/w.py").unlink()
    reset = ssot(repo, "baseline", "--reset")
    assert "wrote 1 finding to" in reset.stdout
    assert [e["anchor"].split(":")[0] for e in baseline_entries(repo)] == ["Mode"]


def test_baseline_file_is_deterministic(repo: Path) -> None:
    ssot(repo, "baseline", today="2026-01-02")
    first = (repo / BASELINE).read_bytes()
    ssot(repo, "baseline", "--reset", today="2026-01-02")
    assert (repo / BASELINE).read_bytes() == first
    # A shrink run keeps the date each entry was first recorded.
    ssot(repo, "baseline", today="2026-06-01")
    assert {e["added"] for e in baseline_entries(repo)} == {"2026-01-02"}


# ----------------------------------------------------------------------- bad input


@pytest.mark.parametrize("content, words", [
    ("{not json", "not a valid ssotcheck baseline"),
    ('{"version": 3, "results": []}', "not written by ssotcheck"),
    ('["a", "b"]', "not written by ssotcheck"),
    ('{"schema_version": 9, "tool": "ssotcheck", "tool_version": "7.0", "entries": []}',
     "baseline schema 9 was written by ssotcheck 7.0"),
    ('{"schema_version": 2, "tool": "ssotcheck", "entries": [{"rule": "SSOT101"}]}',
     "entries[0] lacks"),
    ('{"schema_version": 2, "tool": "ssotcheck", "entries": [{"rule": "SSOT101", '
     '"path": "a.py", "anchor": "x", "count": -1}]}', "count must be a positive integer"),
])
def test_unusable_baseline_is_a_clear_error_and_nothing_is_lost(repo: Path, content: str,
                                                                words: str) -> None:
    (repo / BASELINE).write_text(content, encoding="utf-8")
    for args in (("check",), ("report",), ("baseline",), ("baseline", "--add-new"),
                 ("suppressions",)):
        out = ssot(repo, *args)
        assert out.returncode == 2, (args, out.stdout, out.stderr)
        assert words in out.stderr and "Traceback" not in out.stderr
        assert "--reset" in out.stderr
        assert (repo / BASELINE).read_text(encoding="utf-8") == content  # untouched
    assert ssot(repo, "check", "--no-baseline").returncode == 1  # still usable without it
    assert ssot(repo, "baseline", "--reset").returncode == 0  # explicit: replace it
    assert len(baseline_entries(repo)) == 1


def test_schema_1_baseline_from_an_older_version_is_read_and_upgraded(repo: Path) -> None:
    from ssotcheck.model import finding_identity

    old = {"schema_version": 1, "tool": "ssotcheck", "fingerprints": {
        finding_identity("SSOT101", "pkg/a.py", "Status:pkg.a.Status"): 1,
        finding_identity("SSOT101", "pkg/b.py", "Status:pkg.b.Status"): 1,
        finding_identity("SSOT101", "pkg/gone.py", "Status:pkg.gone.Status"): 1}}
    (repo / BASELINE).write_text(json.dumps(old), encoding="utf-8")
    out = ssot(repo, "check")
    assert out.returncode == 0, out.stdout + out.stderr
    assert "1 in baseline" in out.stdout and "2 baselined findings no longer occur" in out.stderr
    up = ssot(repo, "baseline")
    assert "2 fixed findings removed" in up.stdout
    data = json.loads((repo / BASELINE).read_text(encoding="utf-8"))
    assert data["schema_version"] == 2
    assert [(e["path"], e["anchor"]) for e in data["entries"]] == [
        ("pkg/b.py", "Status:pkg.b.Status")]


# ---------------------------------------------------------------- suppressions


BANNED = """\
[banned-api."os.environ"]
use = "pkg.env.get"
allow = ["pkg/env.py"]
"""


def test_expired_suppression_stops_suppressing_and_says_so(repo: Path) -> None:
    (repo / "ssotcheck.toml").write_text(BANNED, encoding="utf-8")
    for name in ("a", "b", "use"):
        (repo / f"pkg/{name}.py").unlink()
    (repo / "pkg/cfg.py").write_text(
        'import os\n\nX = os.environ["A"]  # ssotcheck: ignore[SSOT203] reason="env module '
        'in Q3" until=2026-03-31\n', encoding="utf-8")
    live = ssot(repo, "check", today="2026-03-31")
    assert live.returncode == 0, live.stdout
    assert "1 suppressed inline" in live.stdout
    expired = ssot(repo, "check", today="2026-04-01")
    assert expired.returncode == 1
    assert "pkg/cfg.py:3:5: SSOT203" in expired.stdout
    assert "expired on 2026-03-31 (env module in Q3)" in expired.stdout
    assert "SSOT900" not in expired.stdout  # it still covers a finding: not "unused"


def test_unused_unknown_disabled_and_bad_date_suppressions_are_ssot900(repo: Path) -> None:
    (repo / "ssotcheck.toml").write_text('ignore = ["SSOT204"]\n' + BANNED, encoding="utf-8")
    (repo / "pkg/cfg.py").write_text(
        "import os\n"
        "A = 1  # ssotcheck: ignore[SSOT203]\n"                       # nothing to suppress
        'B = os.environ["B"]  # ssotcheck: ignore[SSOT203,SSOT1O1]\n'  # unknown code
        "C = 2  # noqa: SSOT204\n"                                    # disabled rule
        'D = os.environ["D"]  # ssotcheck: ignore[SSOT203] until=2026-02-30\n'  # bad date
        '"""# ssotcheck: ignore[SSOT203] in a docstring is not a comment"""\n'
        "# mentions `# ssotcheck: ignore[SSOT203]` in prose: not a suppression\n",
        encoding="utf-8")
    out = ssot(repo, "check", "--format", "json", "pkg/cfg.py")
    assert out.returncode == 1 and "Traceback" not in out.stderr
    doc = json.loads(out.stdout)
    got = {(f["line"], f["rule"]): f["message"] for f in doc["findings"]}
    assert set(got) == {(2, "SSOT900"), (3, "SSOT900"), (4, "SSOT900"), (5, "SSOT900"),
                        (5, "SSOT203")}
    assert "no SSOT203 finding on this line" in got[(2, "SSOT900")]
    assert "SSOT1O1 names no ssotcheck rule" in got[(3, "SSOT900")]
    assert "SSOT204 is not enabled" in got[(4, "SSOT900")]
    assert "until=2026-02-30 is not a date" in got[(5, "SSOT900")]
    assert "unreadable until= date" in got[(5, "SSOT203")]
    assert doc["suppressed"] == 1  # line 3: SSOT203 is a real code there


def test_require_reason(repo: Path) -> None:
    (repo / "ssotcheck.toml").write_text("require-reason = true\n" + BANNED, encoding="utf-8")
    for name in ("a", "b", "use"):
        (repo / f"pkg/{name}.py").unlink()
    (repo / "pkg/cfg.py").write_text(
        'import os\nA = os.environ["A"]  # ssotcheck: ignore[SSOT203]\n'
        'B = os.environ["B"]  # ssotcheck: ignore[SSOT203] reason="bootstrap reads env"\n',
        encoding="utf-8")
    out = ssot(repo, "check")
    assert out.returncode == 1
    assert 'pkg/cfg.py:2:5: SSOT203' in out.stdout and "require-reason" in out.stdout
    assert "pkg/cfg.py:3:" not in out.stdout


def test_suppressions_command_lists_inline_and_baseline_with_reason_expiry_and_age(
        repo: Path) -> None:
    (repo / "ssotcheck.toml").write_text(BANNED, encoding="utf-8")
    (repo / "pkg/cfg.py").write_text(
        'import os\nA = os.environ["A"]  # ssotcheck: ignore[SSOT203] reason="legacy boot" '
        'until=2027-01-01\nB = 1  # noqa: SSOT201\n', encoding="utf-8")
    env = {**os.environ, "GIT_COMMITTER_DATE": "2026-01-01T12:00:00+00:00",
           "GIT_AUTHOR_DATE": "2026-01-01T12:00:00+00:00"}
    subprocess.run(["git", "add", "-A"], cwd=repo, check=True)
    subprocess.run(["git", "-c", "user.email=t@t", "-c", "user.name=t", "commit", "-qm", "s"],
                   cwd=repo, check=True, env=env)
    ssot(repo, "baseline", today="2026-01-05")
    out = ssot(repo, "suppressions", "--format", "json", today="2026-01-11")
    assert out.returncode == 0, out.stderr
    doc = json.loads(out.stdout)
    assert [(r["path"], r["line"], r["rules"], r["reason"], r["until"], r["status"],
             r["added"], r["age_days"]) for r in doc["inline"]] == [
        ("pkg/cfg.py", 2, ["SSOT203"], "legacy boot", "2027-01-01", "active", "2026-01-01", 10),
        ("pkg/cfg.py", 3, ["SSOT201"], None, None, "unused", "2026-01-01", 10)]
    # The unused one is itself a (baselined) SSOT900 finding, listed with the rest.
    assert sorted((e["rule"], e["path"], e["age_days"]) for e in doc["baseline"]["entries"]) == [
        ("SSOT101", "pkg/b.py", 6), ("SSOT900", "pkg/cfg.py", 6)]
    text = ssot(repo, "suppressions", today="2026-01-11").stdout
    assert 'pkg/cfg.py:2  SSOT203  [active]  reason="legacy boot"  until 2027-01-01  age 10 days' \
        in text


def test_sarif_carries_suppressed_and_baselined_results(repo: Path) -> None:
    (repo / "ssotcheck.toml").write_text(BANNED, encoding="utf-8")
    (repo / "pkg/cfg.py").write_text(
        'import os\nA = os.environ["A"]  # ssotcheck: ignore[SSOT203] reason="boot"\n',
        encoding="utf-8")
    ssot(repo, "baseline")
    out = ssot(repo, "check", "--format", "sarif")
    assert out.returncode == 0
    log = json.loads(out.stdout)
    results = log["runs"][0]["results"]
    inline = [r for r in results if r["ruleId"] == "SSOT203"]
    assert inline[0]["suppressions"] == [{"kind": "inSource", "status": "accepted",
                                          "justification": "boot"}]
    base = [r for r in results if r["ruleId"] == "SSOT101"]
    assert len(base) == 1 and all(r["suppressions"][0]["kind"] == "external" and
                                  r["baselineState"] == "unchanged" for r in base)
    from tests.test_sarif import SCHEMA as schema

    if schema.is_file():
        import jsonschema

        jsonschema.validate(log, json.loads(schema.read_text(encoding="utf-8")))


def test_fix_removes_unused_suppressions_and_keeps_the_rest_of_the_line(repo: Path) -> None:
    (repo / "ssotcheck.toml").write_text(BANNED, encoding="utf-8")
    for name in ("a", "b", "use"):
        (repo / f"pkg/{name}.py").unlink()
    source = (
        "import os\n"
        "A = 1  # ssotcheck: ignore[SSOT203] reason=\"was env\" until=2030-01-01\n"
        "B = os.environ['B']  # ssotcheck: ignore[SSOT201,SSOT203]   # keep me\n"
        "C = 2  # noqa: SSOT203\r\n"
        "# ssotcheck: ignore-file[SSOT3]\n"
        "D = os.environ['D']  # ssotcheck: ignore[SSOT203] reason=\"boot\"\n")
    (repo / "pkg/cfg.py").write_bytes(source.encode())
    before = ssot(repo, "check")
    assert before.returncode == 1 and before.stdout.count("SSOT900") == 4
    preview = ssot(repo, "fix", "--diff")
    assert "-A = 1  # ssotcheck: ignore[SSOT203]" in preview.stdout
    assert (repo / "pkg/cfg.py").read_bytes() == source.encode()  # --diff writes nothing
    done = ssot(repo, "fix")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "removed 4 of 4 unused suppressions" in done.stdout
    assert (repo / "pkg/cfg.py").read_bytes() == (
        "import os\n"
        "A = 1\n"
        "B = os.environ['B']  # ssotcheck: ignore[SSOT203]   # keep me\n"
        "C = 2\r\n"
        "D = os.environ['D']  # ssotcheck: ignore[SSOT203] reason=\"boot\"\n").encode()
    after = ssot(repo, "check")
    assert after.returncode == 0, after.stdout
    again = ssot(repo, "fix")
    assert again.returncode == 0 and "unused suppression" not in again.stdout
