"""The answer store (ssotcheck/answer_store.py): a warm `check`/`report` prints the
previous run's output as it was, and never when anything it reads has changed."""

from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path

import pytest

from ssotcheck.answer_store import KEEP, AnswerStore, Outcome, answer_key
from ssotcheck.cli import main

from tests.conftest import write_tree

FILES: dict[str, str | bytes] = {
    "pkg/__init__.py": "",
    "pkg/a.py": "from enum import Enum\n\nclass Color(Enum):\n    RED = 1\n    BLUE = 2\n",
    "pkg/b.py": "from enum import Enum\n\nclass Color(Enum):\n    RED = 1\n    BLUE = 2\n",
    "pkg/env.py": "import os\n\nHOME = os.environ['HOME']  # ssotcheck: ignore[SSOT203] until=2030-01-01\n",
    "pkg/clean.py": "def f() -> int:\n    return 1\n",
    "tests/test_x.py": "def test_a():\n    assert True\n",
}

CONFIG = """[tool.ssotcheck]
[tool.ssotcheck.banned-api."os.environ"]
use = "a settings module"
"""


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = write_tree(tmp_path / "proj", FILES)
    (root / "pyproject.toml").write_text(CONFIG, encoding="utf-8")
    old = time.time_ns() - 3600 * 10**9  # past the racy window, like an old checkout
    for p in root.rglob("*.py"):
        os.utime(p, ns=(old, old))
    monkeypatch.chdir(root)
    monkeypatch.setenv("SSOTCHECK_TODAY", "2026-01-01")
    monkeypatch.delenv("SSOTCHECK_CACHE_DIR", raising=False)
    monkeypatch.delenv("COLUMNS", raising=False)
    return root


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["check", *args, "-v", "--jobs", "1"])
    out, err = capsys.readouterr()
    return code, out, err


def _answered(err: str) -> bool:
    return "answer: reused" in err.splitlines()


def test_a_warm_run_prints_the_stored_answer_byte_for_byte(
        project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code1, out1, err1 = _run(capsys, "--format", "json")
    code2, out2, err2 = _run(capsys, "--format", "json")
    assert not _answered(err1) and _answered(err2)
    assert (code1, out1) == (code2, out2)
    assert code1 == 1 and '"SSOT101"' in out1
    # The same bytes as a run with no cache at all.
    code3, out3, err3 = _run(capsys, "--format", "json", "--no-cache")
    assert not _answered(err3) and (code3, out3) == (code1, out1)


def test_messages_and_exit_code_are_replayed(project: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    (project / "pyproject.toml").write_text(CONFIG.replace(
        "[tool.ssotcheck]\n", "[tool.ssotcheck]\nfail-under = 99.0\n"), encoding="utf-8")
    first = _run(capsys)
    second = _run(capsys)
    assert _answered(second[2])
    assert first[0] == second[0] == 1
    below = [line for line in first[2].splitlines() if "below fail-under" in line]
    assert below and below == [line for line in second[2].splitlines()
                               if "below fail-under" in line]
    assert first[1] == second[1]


@pytest.mark.parametrize("change", ["edit", "baseline", "today", "format", "scope",
                                    "layout", "columns"])
def test_anything_the_answer_reads_changes_the_key(
        project: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
        change: str) -> None:
    args: tuple[str, ...] = ()
    _run(capsys)
    assert _answered(_run(capsys)[2])
    expect_out = None
    if change == "edit":
        (project / "pkg" / "b.py").write_text("X = 1\n", encoding="utf-8")
        expect_out = "SSOT101"  # the split enum is gone
    elif change == "baseline":
        assert main(["baseline", "-q"]) == 0
        capsys.readouterr()
    elif change == "today":
        # The suppression expires: the finding it held must come back.
        monkeypatch.setenv("SSOTCHECK_TODAY", "2031-01-01")
    elif change == "format":
        args = ("--format", "sarif")
    elif change == "scope":
        args = ("pkg/a.py",)
    elif change == "layout":
        args = ("--output-format", "concise")
    elif change == "columns":
        monkeypatch.setenv("COLUMNS", "61")
    code, out, err = _run(capsys, *args)
    assert not _answered(err)
    fresh = _run(capsys, *args, "--no-cache")
    assert (code, out) == fresh[:2]
    if expect_out:
        assert expect_out not in out
    if change == "today":
        assert "SSOT203" in out and "expired" in out
    # ... and the new answer is remembered in turn.
    assert _answered(_run(capsys, *args)[2])


def test_a_damaged_answer_is_not_trusted(project: Path,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    first = _run(capsys, "--format", "json")
    folder = project / ".ssotcheck_cache" / "answers"
    files = list(folder.glob("*.pickle"))
    assert len(files) == 1
    files[0].write_bytes(files[0].read_bytes()[:40])
    again = _run(capsys, "--format", "json")
    assert not _answered(again[2]) and again[:2] == first[:2]
    assert _answered(_run(capsys, "--format", "json")[2])


def test_diff_base_and_record_runs_are_never_answered_from_it(
        project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.invalid"]
    subprocess.run(["git", "init", "-q"], cwd=project, check=True)
    subprocess.run(git + ["add", "-A"], cwd=project, check=True)
    subprocess.run(git + ["commit", "-q", "-m", "base"], cwd=project, check=True)
    for command, extra in (("check", ("--diff-base", "HEAD")), ("report", ("--record",))):
        for _ in range(2):
            main([command, "--format", "json", "-v", "--jobs", "1", *extra])
            err = capsys.readouterr().err
            assert not _answered(err), extra
    assert (project / ".ssotcheck-history.jsonl").read_text(encoding="utf-8").count("\n") == 2
    # Without them, the same command is answered from the store the second time.
    main(["report", "--format", "json", "-v", "--jobs", "1"])
    main(["report", "--format", "json", "-v", "--jobs", "1"])
    assert _answered(capsys.readouterr().err)


def test_only_the_few_newest_answers_are_kept(tmp_path: Path) -> None:
    store = AnswerStore(tmp_path / "cache")
    keys = [answer_key("results", {"n": n}) for n in range(KEEP + 3)]
    for n, key in enumerate(keys):
        store.save(key, Outcome(f"text {n}\n", ("before",), ("after",), n % 3))
        time.sleep(0.01)  # distinct mtimes
    kept = sorted(p.stem for p in (tmp_path / "cache" / "answers").glob("*.pickle"))
    assert kept == sorted(keys[-KEEP:])
    assert store.lookup(keys[-1]) == Outcome(f"text {KEEP + 2}\n", ("before",), ("after",),
                                             (KEEP + 2) % 3)
    assert store.lookup(keys[0]) is None
    assert answer_key("results", {"a": 1, "b": 2}) == answer_key("results", {"b": 2, "a": 1})
    assert answer_key("results", {"a": 1}) != answer_key("other", {"a": 1})


def test_stored_families_re_encode_only_the_buckets_that_changed() -> None:
    from dataclasses import replace

    from ssotcheck.model import Finding, Location, Severity
    from ssotcheck.results_store import BUCKETS, StoredFamilies, bucket, encode_family

    findings = [Finding("SSOT203", "banned-api", Severity.ERROR, f"m{n}",
                        Location(f"pkg/m{n % 40}.py", n + 1)) for n in range(200)]
    stored = StoredFamilies({"banned_api": encode_family((findings, []))})
    decoded, concepts = stored["banned_api"]
    # Per path, the order is kept (all the later stages need: they sort by path first).
    for path in {f.path for f in findings}:
        assert [f.message for f in decoded if f.path == path] == [
            f.message for f in findings if f.path == path]
    assert stored.blobs_for("banned_api", stored["banned_api"]) is stored._blobs["banned_api"]
    same = stored.blobs_for("banned_api", (list(decoded), concepts))
    assert all(a is b for a, b in zip(same[1], stored._blobs["banned_api"][1]))
    edited = "pkg/m7.py"
    moved = [replace(f, location=replace(f.location, line=f.line + 3)) if f.path == edited
             else f for f in decoded]
    old_concepts, old_buckets = stored._blobs["banned_api"]
    new_concepts, new_buckets = stored.blobs_for("banned_api", (moved, concepts))
    assert new_concepts is old_concepts
    changed = [b for b in range(BUCKETS) if new_buckets[b] is not old_buckets[b]]
    assert changed == [bucket(edited)]
    again = StoredFamilies({"banned_api": (new_concepts, new_buckets)})["banned_api"][0]
    assert sorted(again, key=Finding.sort_key) == sorted(moved, key=Finding.sort_key)
