"""Rule families. Each module declares RULES and `check(index, config) -> CheckResult`.

A check reads only the ProjectIndex and the Config; it never touches files.
"""

from __future__ import annotations

import importlib
from types import ModuleType

# Import order does not matter: findings are sorted after all checks ran.
FAMILIES = (
    "parse_errors",
    "enums",
    "events",
    "classes",
    "legacy_imports",
    "reexports",
    "banned_api",
    "cycles",
    "test_classes",
)


def families() -> list[ModuleType]:
    return [importlib.import_module(f"ssotcheck.checks.{name}") for name in FAMILIES]
