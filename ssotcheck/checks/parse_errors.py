"""SSOT000 parse-error: a file that could not be analysed. The run goes on without it."""

from __future__ import annotations

from ssotcheck.catalogue import make_finding
from ssotcheck.config import Config
from ssotcheck.index.project import ProjectIndex
from ssotcheck.model import CheckResult, Location

RULES = ("SSOT000",)
# What this family reads of each file, and whether a file's findings depend on that
# file alone (see ssotcheck.incremental).
READS = frozenset({"error"})
LOCAL = True


def check(index: ProjectIndex, config: Config) -> CheckResult:
    findings = []
    for path, facts in index.files.items():
        err = facts.error
        if err is None:
            continue
        findings.append(make_finding(
            "SSOT000",
            f"could not analyse this file ({err.kind}): {err.message}",
            Location(path, err.line, err.column),
            key=err.kind,
        ))
    return CheckResult(tuple(findings))
