"""SSOT202 (not implemented yet)."""

from __future__ import annotations

from ssotcheck.config import Config
from ssotcheck.index.project import ProjectIndex
from ssotcheck.model import CheckResult

RULES = ("SSOT202",)


def check(index: ProjectIndex, config: Config) -> CheckResult:
    return CheckResult()
