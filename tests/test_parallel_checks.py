"""The checks stage in two processes (`checks.run_all` with jobs >= 2 on a large project)
gives exactly the serial answer, and a child that fails costs time, not findings."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from ssotcheck import checks
from ssotcheck import config as cfgmod
from ssotcheck.pipeline import RunOptions, build_index

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


@pytest.fixture(scope="module")
def project() -> tuple[cfgmod.Config, object]:
    # The demo monorepo: every rule family has findings there.
    config = cfgmod.load(cfgmod.find_config_file(EXAMPLES), EXAMPLES)
    index, _ = build_index(config, RunOptions(jobs=1, use_cache=False))
    return config, index


def _forks(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    calls: list[int] = []
    real = os.fork

    def counting() -> int:
        pid = real()
        if pid:
            calls.append(pid)
        return pid

    monkeypatch.setattr(os, "fork", counting)
    monkeypatch.setattr(checks, "PARALLEL_MIN_FILES", 0)
    return calls


def test_two_processes_give_the_serial_answer(project: tuple, monkeypatch: pytest.MonkeyPatch
                                              ) -> None:
    config, index = project
    serial = checks.run_all(index, config)
    forks = _forks(monkeypatch)
    parallel = checks.run_all(index, config, jobs=2)
    assert len(forks) == 1
    assert list(parallel) == list(serial)  # same families, same order
    assert parallel == serial
    aside = [name for name in serial if name in checks.SECOND_PROCESS]
    assert any(serial[name][0] for name in aside)  # the child had findings to send back


def test_one_process_or_a_small_project_does_not_fork(project: tuple,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    config, index = project
    forks = _forks(monkeypatch)
    checks.run_all(index, config, jobs=1)
    monkeypatch.setattr(checks, "PARALLEL_MIN_FILES", 10**9)
    checks.run_all(index, config, jobs=2)
    assert forks == []


def test_a_failing_child_is_redone_in_the_parent(project: tuple,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    config, index = project
    serial = checks.run_all(index, config)
    forks = _forks(monkeypatch)
    parent = os.getpid()

    def broken(result: object) -> object:
        if os.getpid() != parent:
            raise RuntimeError("child fails")
        raise AssertionError("only the child encodes")

    monkeypatch.setattr(checks, "_encode", broken)
    assert checks.run_all(index, config, jobs=2) == serial
    assert len(forks) == 1


@pytest.mark.parametrize("jobs", [1, 2])
def test_the_meanwhile_work_runs_once_in_this_process_while_the_child_works(
        project: tuple, monkeypatch: pytest.MonkeyPatch, jobs: int) -> None:
    config, index = project
    forks = _forks(monkeypatch)
    seen: list[tuple[int, int]] = []  # (pid, forks so far) of each call
    results = checks.run_all(index, config, jobs=jobs,
                             meanwhile=lambda: seen.append((os.getpid(), len(forks))))
    assert seen == [(os.getpid(), jobs - 1)]  # once, here, after the fork (if any)
    assert results == checks.run_all(index, config)
