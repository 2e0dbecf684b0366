"""SSOT205's part of `ssotcheck fix`: which dangling imports it cannot rewrite, said so.

A dangling import with a unique new home carries a `Fix` whose replacement is that home;
the shared import codemod (`ssotcheck.fix.imports`) rewrites it like a legacy import,
module-level rewrites included (`import pkg.gone as g` -> `import pkg.new.home as g`),
and the re-check runs the dangling-import family too. What is left here is the rest:
imports with several candidate homes, or none, are listed (a person has to pick), and
guarded fallbacks are left alone (they are counted with the other shims).
"""

from __future__ import annotations

from typing import Iterable, TextIO

from ssotcheck.model import Finding, Severity

RULE = "SSOT205"


def homeless(findings: Iterable[Finding]) -> list[Finding]:
    """Dangling imports `fix` cannot rewrite: no unique new home (guarded ones aside)."""
    return [f for f in findings if f.rule == RULE and f.fix is None
            and f.severity is not Severity.INFO]


def report_homeless(findings: list[Finding], out: TextIO) -> None:
    for f in sorted(findings, key=Finding.sort_key):
        loc = f.location
        print(f"{loc.path}:{loc.line}:{loc.column + 1}: {RULE} not fixed (no unique new "
              f"home; edit by hand): {f.message}", file=out)
