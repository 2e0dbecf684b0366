"""The facts cache: warm runs parse nothing, every change is seen, and a cache that is
corrupt, foreign, stale or written by two runs at once is never trusted blindly."""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
import time
from pathlib import Path

import pytest

from ssotcheck.index import cache as cachemod
from ssotcheck.index.cache import FactsCache
from ssotcheck.index.extract import extract
from ssotcheck.index.options import ExtractOptions
from ssotcheck.model import FileFacts
from ssotcheck.pipeline import RunResult

from tests.conftest import run_on, write_tree

FILES: dict[str, str | bytes] = {
    "pkg/__init__.py": "from pkg.core import Status\n",
    "pkg/core.py": """
        from enum import Enum

        class Status(Enum):
            OK = "ok"
            FAIL = "fail"
        """,
    "pkg/legacy.py": """
        from enum import Enum

        class Status(Enum):
            OK = "ok"
            FAIL = "fail"
            UNKNOWN = "unknown"
        """,
    "pkg/events.py": """
        def emit():
            return {"type": "agent_started", "run_id": 1}
        """,
    "pkg/broken.py": "def broken(:\n",
    "pkg/modern.py": 'X = f"{"pep701"!r}"\n\nclass Modern:\n    pass\n',
    "tests/test_a.py": """
        import pkg

        class TestA:
            def test_it(self):
                assert pkg
        """,
    "tools/script.py": "import os\nHOME = os.environ.get('HOME')\n",
}
N_FILES = len(FILES)


def _cli() -> list[str]:
    script = Path(sys.executable).with_name("ssotcheck")
    return [str(script)] if script.exists() else [sys.executable, "-m", "ssotcheck"]


def _summary(result: RunResult) -> list[tuple[str, str, int, str]]:
    return [(f.rule, f.path, f.line, f.message) for f in result.findings]


def _cache_files(directory: Path) -> list[Path]:
    return sorted(directory.rglob("facts.pickle"))


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "proj"
    write_tree(root, FILES)
    # Age every file past the racy window, as a checkout some time ago would be.
    old = time.time_ns() - 3600 * 10**9
    for p in root.rglob("*.py"):
        os.utime(p, ns=(old, old))
    return root


def _run(root: Path, cache_dir: Path, jobs: int = 1) -> RunResult:
    return run_on(root, jobs=jobs, use_cache=True, cache_dir=cache_dir)


def test_warm_rerun_parses_nothing(project: Path, tmp_path: Path) -> None:
    cache_dir = tmp_path / "cache"
    cold = _run(project, cache_dir)
    assert cold.stats.files_parsed == N_FILES and cold.stats.cache_hits == 0
    assert _cache_files(cache_dir), "the cold run wrote no cache"
    for jobs in (1, 2):
        warm = _run(project, cache_dir, jobs=jobs)
        assert warm.stats.files_parsed == 0 and warm.stats.cache_hits == N_FILES
        assert _summary(warm) == _summary(cold)
        assert warm.index.files == cold.index.files
    assert cold.index.files["pkg/modern.py"].parser == "libcst"  # cached like any other


def test_cli_verbose_counter_proves_warm_run_parses_nothing(project: Path,
                                                            tmp_path: Path) -> None:
    args = _cli() + ["check", str(project), "-v", "--cache-dir", str(tmp_path / "c")]
    first = subprocess.run(args, capture_output=True, text=True, timeout=300)
    second = subprocess.run(args, capture_output=True, text=True, timeout=300)
    assert f"parsed: {N_FILES} files (cache hits: 0)" in first.stderr, first.stderr
    assert f"parsed: 0 files (cache hits: {N_FILES})" in second.stderr, second.stderr
    assert first.stdout == second.stdout and first.returncode == second.returncode


def test_editing_one_file_parses_exactly_that_file(project: Path, tmp_path: Path) -> None:
    cache_dir = tmp_path / "cache"
    _run(project, cache_dir)
    (project / "pkg" / "core.py").write_text("class Renamed:\n    pass\n", encoding="utf-8")
    result = _run(project, cache_dir)
    assert result.stats.files_parsed == 1
    assert [c.name for c in result.index.files["pkg/core.py"].classes] == ["Renamed"]
    again = _run(project, cache_dir)
    assert again.stats.files_parsed == 0
    assert [c.name for c in again.index.files["pkg/core.py"].classes] == ["Renamed"]


def test_touch_without_a_change_parses_nothing(project: Path, tmp_path: Path) -> None:
    cache_dir = tmp_path / "cache"
    _run(project, cache_dir)
    later = time.time_ns() - 60 * 10**9
    for p in project.rglob("*.py"):
        os.utime(p, ns=(later, later))  # what a `git checkout` or `touch` does
    result = _run(project, cache_dir)
    assert result.stats.files_parsed == 0 and result.stats.cache_hits == N_FILES


def test_same_size_edit_within_the_same_tick_is_not_served_stale(tmp_path: Path) -> None:
    """A file rewritten right after it was cached, with the same size and (as on a file
    system with coarse timestamps) the same mtime, must not get the old facts."""
    root = tmp_path / "proj"
    write_tree(root, {"m.py": "class Aaaa:\n    pass\n"})
    cache_dir = tmp_path / "cache"
    first = _run(root, cache_dir)
    assert [c.name for c in first.index.files["m.py"].classes] == ["Aaaa"]
    st = (root / "m.py").stat()
    (root / "m.py").write_text("class Bbbb:\n    pass\n", encoding="utf-8")
    os.utime(root / "m.py", ns=(st.st_atime_ns, st.st_mtime_ns))
    assert (root / "m.py").stat().st_size == st.st_size
    second = _run(root, cache_dir)
    assert [c.name for c in second.index.files["m.py"].classes] == ["Bbbb"]


def test_renamed_file_reuses_facts_under_its_new_path(project: Path, tmp_path: Path) -> None:
    cache_dir = tmp_path / "cache"
    _run(project, cache_dir)
    (project / "pkg" / "events.py").rename(project / "pkg" / "signals.py")
    result = _run(project, cache_dir)
    assert result.stats.files_parsed == 0
    assert "pkg/events.py" not in result.index.files
    moved = result.index.files["pkg/signals.py"]
    assert moved.path == "pkg/signals.py" and moved.dict_literals[0].event == "agent_started"


class _Evil:
    """Unpickling this would create a file: the cache must never run code it finds."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self):  # noqa: ANN204 - pickle protocol
        return (Path.touch, (self.marker,))


def _corrupt(kind: str, file: Path, marker: Path) -> None:
    data = file.read_bytes()
    if kind == "truncated":
        file.write_bytes(data[: len(data) // 2])
    elif kind == "empty":
        file.write_bytes(b"")
    elif kind == "random-bytes":
        file.write_bytes(os.urandom(len(data)))
    elif kind == "foreign-pickle":
        file.write_bytes(pickle.dumps({"some": "other tool's data"}))
    elif kind == "other-code-version":
        payload = pickle.loads(data)
        file.write_bytes(pickle.dumps((payload[0], "0.0.0+other", payload[2])))
    elif kind == "malformed-entries":
        payload = pickle.loads(data)
        entries = {k: "not an entry" for k in payload[2]}
        file.write_bytes(pickle.dumps((payload[0], payload[1], entries)))
    elif kind == "code-executing-pickle":
        payload = pickle.loads(data)
        entries = dict(payload[2])
        entries["pkg/core.py"] = _Evil(marker)  # type: ignore[assignment]
        file.write_bytes(pickle.dumps((payload[0], payload[1], entries)))
    else:  # pragma: no cover - a typo in the parametrisation
        raise AssertionError(kind)


@pytest.mark.parametrize("kind", ["truncated", "empty", "random-bytes", "foreign-pickle",
                                  "other-code-version", "malformed-entries",
                                  "code-executing-pickle"])
def test_corrupt_or_foreign_cache_is_ignored_and_rebuilt(project: Path, tmp_path: Path,
                                                         kind: str) -> None:
    cache_dir = tmp_path / "cache"
    clean = run_on(project)  # no cache at all: the reference answer
    _run(project, cache_dir)
    (file,) = _cache_files(cache_dir)
    marker = tmp_path / "pwned"
    _corrupt(kind, file, marker)
    rebuilt = _run(project, cache_dir)
    assert not marker.exists(), "loading the cache ran code from it"
    assert rebuilt.stats.files_parsed == N_FILES
    assert _summary(rebuilt) == _summary(clean)
    assert rebuilt.index.files == clean.index.files
    # ... and the rebuilt cache is whole again.
    assert _run(project, cache_dir).stats.files_parsed == 0


def test_unwritable_cache_location_still_gives_a_correct_run(project: Path,
                                                             tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("a file where the cache directory would go", encoding="utf-8")
    result = _run(project, blocker / "cache")
    assert _summary(result) == _summary(run_on(project))
    assert blocker.read_text(encoding="utf-8").startswith("a file")


def test_two_runs_at_once_never_corrupt_the_cache(project: Path, tmp_path: Path) -> None:
    cache_dir = tmp_path / "shared-cache"
    args = _cli() + ["check", str(project), "-q", "--jobs", "2", "--cache-dir", str(cache_dir)]
    for round_ in range(3):
        # Change something each round so both runs have entries to write.
        (project / "pkg" / f"extra_{round_}.py").write_text(
            f"class Extra{round_}:\n    pass\n", encoding="utf-8")
        procs = [subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                  text=True) for _ in range(2)]
        outs = [p.communicate(timeout=300) for p in procs]
        for p, (_, err) in zip(procs, outs):
            assert p.returncode in (0, 1) and "Traceback" not in err, err
        assert outs[0][0] == outs[1][0]  # both saw the same project
    (file,) = _cache_files(cache_dir)
    cache = FactsCache(cache_dir, file.parent.name.split("-", 1)[1])
    cache.load()
    assert not cache.dirty, "the cache left behind by concurrent runs did not load"
    options = ExtractOptions()
    for rel, (_, _, digest, facts) in cache.entries.items():
        fresh = extract(rel, (project / rel).read_bytes(), options)
        assert facts == fresh and digest == fresh.content_hash, rel
    assert len(cache.entries) == N_FILES + 3
    assert not list(cache_dir.rglob("*.tmp")), "a temporary file was left behind"
    assert _run(project, cache_dir).stats.files_parsed == 0


def _cli_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "SSOTCHECK_CACHE_DIR"}
    env.update(extra)
    return env


def test_no_cache_writes_nothing(project: Path, tmp_path: Path) -> None:
    env_dir = tmp_path / "env-cache"
    proc = subprocess.run(_cli() + ["check", str(project), "--no-cache", "-v"],
                          capture_output=True, text=True, timeout=300,
                          env=_cli_env(SSOTCHECK_CACHE_DIR=str(env_dir)))
    assert f"parsed: {N_FILES} files" in proc.stderr, proc.stderr
    assert not (project / ".ssotcheck_cache").exists() and not env_dir.exists()
    again = subprocess.run(_cli() + ["check", str(project), "--no-cache", "-v"],
                           capture_output=True, text=True, timeout=300, env=_cli_env())
    assert f"parsed: {N_FILES} files" in again.stderr
    assert not (project / ".ssotcheck_cache").exists()


def test_cache_location_default_env_and_option(project: Path, tmp_path: Path) -> None:
    def check(*extra: str, **env: str) -> None:
        subprocess.run(_cli() + ["check", str(project), "-q", *extra], capture_output=True,
                       timeout=300, env=_cli_env(**env), check=False)

    check()
    default = project / ".ssotcheck_cache"
    assert _cache_files(default)
    # The cache directory ignores itself, so it never shows up in `git status`.
    assert (default / ".gitignore").read_text(encoding="utf-8").strip().endswith("*")

    env_dir = tmp_path / "from-env"
    check(SSOTCHECK_CACHE_DIR=str(env_dir))
    assert _cache_files(env_dir)

    opt_dir = tmp_path / "from-option"
    other_env = tmp_path / "env-loses"
    check("--cache-dir", str(opt_dir), SSOTCHECK_CACHE_DIR=str(other_env))
    assert _cache_files(opt_dir) and not other_env.exists()  # the option wins


def test_cache_clear(project: Path, tmp_path: Path) -> None:
    subprocess.run(_cli() + ["check", str(project), "-q"], capture_output=True, timeout=300,
                   env=_cli_env())
    default = project / ".ssotcheck_cache"
    assert default.is_dir()
    proc = subprocess.run(_cli() + ["cache", "clear", str(project)], capture_output=True,
                          text=True, timeout=60, env=_cli_env())
    assert proc.returncode == 0 and "removed" in proc.stdout and not default.exists()
    again = subprocess.run(_cli() + ["cache", "clear", str(project)], capture_output=True,
                           text=True, timeout=60, env=_cli_env())
    assert again.returncode == 0 and "no cache" in again.stdout

    moved = tmp_path / "moved"
    subprocess.run(_cli() + ["check", str(project), "-q", "--cache-dir", str(moved)],
                   capture_output=True, timeout=300, env=_cli_env())
    assert moved.is_dir()
    subprocess.run(_cli() + ["cache", "clear", str(project), "--cache-dir", str(moved)],
                   capture_output=True, timeout=60, env=_cli_env(), check=True)
    assert not moved.exists()


def test_settings_that_change_extraction_change_the_key(project: Path, tmp_path: Path) -> None:
    cache_dir = tmp_path / "cache"
    first = _run(project, cache_dir)
    assert first.index.files["tools/script.py"].name_uses == ()
    (project / "pyproject.toml").write_text(
        '[tool.ssotcheck.banned-api."os.environ"]\nuse = "config.get_env"\n', encoding="utf-8")
    second = _run(project, cache_dir)
    assert second.stats.files_parsed == N_FILES  # other settings, other facts
    uses = second.index.files["tools/script.py"].name_uses
    assert [u.chain for u in uses] == ["os.environ.get"]
    assert len(_cache_files(cache_dir)) == 2


def test_cache_code_version_covers_the_extractor_source() -> None:
    """Facts from other extraction code are stale even under the same version number."""
    assert cachemod.CODE_VERSION.startswith(cachemod.__version__ + "+")
    assert len(cachemod.CODE_VERSION.split("+", 1)[1]) == 16


def test_cached_facts_equal_fresh_extraction(project: Path, tmp_path: Path) -> None:
    cache_dir = tmp_path / "cache"
    _run(project, cache_dir)
    warm = _run(project, cache_dir)
    for rel, facts in warm.index.files.items():
        assert isinstance(facts, FileFacts)
        assert facts == extract(rel, (project / rel).read_bytes(), ExtractOptions()), rel


@pytest.mark.parametrize("kind", ["random-bytes", "truncated", "foreign-pickle"])
def test_corrupt_delta_file_is_never_applied(project: Path, tmp_path: Path, kind: str) -> None:
    """Small edits are saved as a delta beside the base file; a bad delta must not leak
    into the facts either."""
    cache_dir = tmp_path / "cache"
    _run(project, cache_dir)
    core = project / "pkg" / "core.py"
    core.write_text("class Edited:\n    pass\n", encoding="utf-8")
    _run(project, cache_dir)
    deltas = sorted(cache_dir.rglob("facts-delta.pickle"))
    if not deltas:
        pytest.skip("this cache layout writes no delta files")
    _corrupt(kind, deltas[0], tmp_path / "unused")
    result = _run(project, cache_dir)
    assert [c.name for c in result.index.files["pkg/core.py"].classes] == ["Edited"]
    assert result.index.files == run_on(project).index.files


@pytest.mark.parametrize("damage", ["garbage", "code-executing"])
def test_a_damaged_entry_is_parsed_again_and_nothing_else(project: Path, tmp_path: Path,
                                                           damage: str) -> None:
    """Each file's facts are stored as their own pickled bytes (so that a run needing a
    few files does not unpickle all of them); a damaged one only costs its file a parse."""
    cache_dir = tmp_path / "cache"
    clean = run_on(project)
    _run(project, cache_dir)
    (file,) = _cache_files(cache_dir)
    marker = tmp_path / "pwned"
    payload = pickle.loads(file.read_bytes())
    entries = dict(payload[2])
    m, s, h, blob = entries["pkg/core.py"]
    assert type(blob) is bytes
    entries["pkg/core.py"] = (m, s, h, b"\x80\x05garbage" if damage == "garbage"
                              else pickle.dumps(_Evil(marker)))
    file.write_bytes(pickle.dumps((payload[0], payload[1], entries)))
    again = _run(project, cache_dir)
    assert not marker.exists(), "loading the cache ran code from it"
    assert again.stats.files_parsed == 1
    assert _summary(again) == _summary(clean)
    assert again.index.files == clean.index.files


def _payload(directory: Path) -> tuple:
    (facts_file,) = _cache_files(directory)
    with open(facts_file, "rb") as fh:
        return cachemod.NoClassesUnpickler(fh).load()


def test_worker_bytes_are_written_as_pickled_and_read_back(tmp_path: Path) -> None:
    """A parallel cold run writes each file's facts into the facts file as the worker
    pickled them; a fresh load gives exactly the entries a plain extraction gives, and the
    next run parses nothing."""
    root = write_tree(tmp_path / "proj", FILES)
    old = time.time_ns() - 60 * 10**9  # well past the racy-mtime window
    for p in root.rglob("*.py"):
        os.utime(p, ns=(old, old))
    cache = tmp_path / "cache"
    cold = run_on(root, jobs=2, use_cache=True, cache_dir=cache)
    magic, version, entries = _payload(cache)
    assert magic == cachemod.MAGIC and len(entries) == N_FILES
    assert all(type(e[3]) is bytes for e in entries.values())  # as the workers sent them
    fresh = FactsCache(cache, _cache_files(cache)[0].parent.name.split("-", 1)[1])
    fresh.load()
    options = ExtractOptions(discriminators=("type", "event_type"))
    assert len(fresh.raw) == N_FILES
    for rel in FILES:
        mtime, size, digest, facts = fresh.entries[rel]
        st = (root / rel).stat()
        assert (mtime, size) == (st.st_mtime_ns, st.st_size)
        assert facts == extract(rel, (root / rel).read_bytes(), options)
    again = run_on(root, jobs=2, use_cache=True, cache_dir=cache)
    assert again.stats.files_parsed == 0 and _summary(again) == _summary(cold)
