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
from dataclasses import dataclass
from types import ModuleType
from typing import TYPE_CHECKING, Mapping

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


def run_all(index: ProjectIndex, config: Config) -> dict[str, FamilyResult]:
    """The checks stage: every enabled family over the whole index, keyed by family."""
    return {family_name(fam): run_family(fam, index, config)
            for fam in families() if enabled(fam, config)}


def flatten(results: Mapping[str, FamilyResult]) -> tuple[list[Finding], list[Concept]]:
    # Family order, as the families are listed: ties in the final sort keep it.
    findings: list[Finding] = []
    concepts: list[Concept] = []
    for name in FAMILIES:
        if name in results:
            findings.extend(results[name][0])
            concepts.extend(results[name][1])
    return findings, concepts
