"""Rule families. Each module declares RULES and `check(index, config) -> CheckResult`.

A check reads only the ProjectIndex and the Config; it never touches files. Each module
also declares what it reads, so a run after a few edits can re-use its previous findings
(`ssotcheck.incremental`):

- READS: the inputs of a file's facts its answer depends on, from
  `ssotcheck.incremental.INPUTS` ("imports", "classes", "defined", ...).
- LOCAL: True when a file's findings depend on that file's facts alone (plus the list of
  files, which gives module names); such a family is re-run on the edited files only.
"""

from __future__ import annotations

import importlib
import os
import pickle
from dataclasses import dataclass
from types import ModuleType
from typing import TYPE_CHECKING, Callable, Mapping

from ssotcheck.index import codec
from ssotcheck.model import Concept, Finding, SuppressionTable

if TYPE_CHECKING:
    from ssotcheck.config import Config
    from ssotcheck.index.project import ProjectIndex

FamilyResult = tuple[list[Finding], list[Concept]]


@dataclass(frozen=True)
class Checked:
    """The checks stage's output, however it was reached (run, reused or incremental):
    each family's findings and the little of the facts the gates still need."""

    results: Mapping[str, FamilyResult]
    failed: frozenset[str]  # files that could not be analysed
    suppressions: dict[str, SuppressionTable]  # path -> its inline suppressions
    index: ProjectIndex | None  # None when the facts were not loaded to answer
    parsed: int  # files parsed for this answer
    mode: str = "full"  # full | reused | incremental
    rerun: tuple[str, ...] = ()  # families an incremental run re-ran in full
    # For the results store, when this answer is new: every file's content hash, and the
    # names some file references (see `ssotcheck.incremental.referenced_names`).
    hashes: dict[str, str] | None = None
    referenced: frozenset[str] = frozenset()
    # The results store's key of these results (code, configuration, every file's
    # content), when stored: what later stages may cache their own answers under.
    key: str | None = None

# Import order does not matter: findings are sorted after all checks ran.
FAMILIES = (
    "parse_errors",
    "enums",
    "events",
    "classes",
    "legacy_imports",
    "reexports",
    "dangling_imports",
    "banned_api",
    "cycles",
    "test_classes",
)


def families() -> list[ModuleType]:
    return [importlib.import_module(f"ssotcheck.checks.{name}") for name in FAMILIES]


def family_name(family: ModuleType) -> str:
    return family.__name__.rpartition(".")[2]


def enabled(family: ModuleType, config: Config) -> bool:
    return any(config.rule_enabled(r) for r in family.RULES)


def run_family(family: ModuleType, index: ProjectIndex, config: Config) -> FamilyResult:
    result = family.check(index, config)
    return ([f for f in result.findings if config.rule_enabled(f.rule)], list(result.concepts))


# [perf] On a large project the families run in two processes when the run may use two:
# on real code the checks are ~3 s after parsing, with nothing else to do meanwhile. These
# families go to a forked child (they share the class-kind work, and return few findings
# to ship back); the others, SSOT202's re-export walk among them, stay here. The child
# sees the index as it is at the fork, so nothing is re-read or re-built.
PARALLEL_MIN_FILES = 2000
SECOND_PROCESS = frozenset({"enums", "events", "classes", "cycles", "test_classes"})


def run_all(index: ProjectIndex, config: Config, jobs: int = 1,
            meanwhile: Callable[[], None] | None = None) -> dict[str, FamilyResult]:
    """The checks stage: every enabled family over the whole index, keyed by family.
    `meanwhile` runs here after this process's families, while the forked child (if
    any) still works: other work of the stage that would otherwise wait for it."""
    todo = [fam for fam in families() if enabled(fam, config)]
    aside = [fam for fam in todo if family_name(fam) in SECOND_PROCESS]
    child = (_Forked(aside, index, config)
             if jobs >= 2 and aside and len(index.paths) >= PARALLEL_MIN_FILES
             and hasattr(os, "fork") else None)
    results: dict[str, FamilyResult] = {}
    try:
        for fam in todo:
            if child is None or fam not in aside:
                results[family_name(fam)] = run_family(fam, index, config)
        if meanwhile is not None:
            meanwhile()
        got = child.result() if child is not None else None
    finally:
        if child is not None:
            child.close()
    for fam in aside:
        name = family_name(fam)
        # The child's answer, or (it failed somehow) the same work done here.
        results[name] = got[name] if got is not None else run_family(fam, index, config)
    return {family_name(fam): results[family_name(fam)] for fam in todo}


class _Forked:
    """Families run in a forked child; their results come back through a pipe as the
    codec's tuples. Any failure there means None, and the caller runs them itself."""

    def __init__(self, fams: list[ModuleType], index: ProjectIndex, config: Config) -> None:
        self.names = [family_name(f) for f in fams]
        read, write = os.pipe()
        self.pid = os.fork()
        if self.pid == 0:  # the child: never returns
            os.close(read)
            code = 1
            try:
                out = {family_name(f): _encode(run_family(f, index, config)) for f in fams}
                with os.fdopen(write, "wb") as fh:
                    fh.write(pickle.dumps(out, protocol=pickle.HIGHEST_PROTOCOL))
                code = 0
            except BaseException:  # noqa: BLE001 - reported as a failure, redone by the parent
                pass
            finally:
                os._exit(code)
        os.close(write)
        self.fd: int | None = read

    def result(self) -> dict[str, FamilyResult] | None:
        assert self.fd is not None
        with os.fdopen(self.fd, "rb") as fh:
            self.fd = None
            data = fh.read()
        _, status = os.waitpid(self.pid, 0)
        self.pid = 0
        if os.waitstatus_to_exitcode(status) != 0:
            return None
        try:
            out = pickle.loads(data)
            return {name: _decode(out[name]) for name in self.names}
        except Exception:  # noqa: BLE001 - a damaged answer is no answer
            return None

    def close(self) -> None:
        """Reap the child even when the parent failed (closing the pipe ends its write)."""
        if self.fd is not None:
            os.close(self.fd)
            self.fd = None
        if self.pid:
            os.waitpid(self.pid, 0)
            self.pid = 0


def _encode(result: FamilyResult) -> tuple[list[tuple[object, ...]], list[tuple[object, ...]]]:
    findings, concepts = result
    return ([codec.encoder(Finding)(f) for f in findings],
            [codec.encoder(Concept)(c) for c in concepts])


def _decode(encoded: tuple[list[tuple[object, ...]], list[tuple[object, ...]]]) -> FamilyResult:
    findings, concepts = encoded
    return ([codec.decoder(Finding)(f) for f in findings],
            [codec.decoder(Concept)(c) for c in concepts])


def flatten(results: Mapping[str, FamilyResult]) -> tuple[list[Finding], list[Concept]]:
    # Family order, as the families are listed: ties in the final sort keep it.
    findings: list[Finding] = []
    concepts: list[Concept] = []
    for name in FAMILIES:
        if name in results:
            findings.extend(results[name][0])
            concepts.extend(results[name][1])
    return findings, concepts
