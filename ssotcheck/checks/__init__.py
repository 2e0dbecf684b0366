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
