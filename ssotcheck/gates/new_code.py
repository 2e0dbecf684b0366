"""New-code gate (`check --diff-base REF`) and `diff`: which findings one state of the
project has that another does not.

Findings are matched by the baseline's line-independent identity (`identity`), counted as
a multiset: moving code within a file changes no identity, and a second copy of the same
problem is one more of that identity. Within an identity the first findings in report
order are the old ones, as in the baseline gate.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, replace
from typing import Iterable, Mapping

from ssotcheck.model import Finding


@dataclass(frozen=True)
class Rename:
    """A file that moved between two states, and the module names it had."""

    path: str
    old_module: str = ""
    new_module: str = ""


def identity(f: Finding) -> str:
    """The one identity baseline, diff and the new-code gate share."""
    return f.fingerprint


def counts(findings: Iterable[Finding], renames: Mapping[str, Rename] | None = None
           ) -> Counter[str]:
    """Identities of `findings`, as if files renamed since (old path -> rename) had their
    new names (paths, and module names in the checks' keys), so a moved file's findings
    are neither new nor fixed."""
    if not renames:
        return Counter(identity(f) for f in findings)
    return Counter(identity(_renamed(f, renames)) for f in findings)


def _renamed(f: Finding, renames: Mapping[str, Rename]) -> Finding:
    r = renames.get(f.location.path)
    if r is None:
        return f
    key = f.key
    if key and r.old_module and r.old_module != r.new_module:
        key = re.sub(rf"(?<![\w.]){re.escape(r.old_module)}(?![\w])", r.new_module, key)
    return replace(f, location=replace(f.location, path=r.path), key=key)


def beyond(findings: Iterable[Finding], known: Counter[str]) -> list[Finding]:
    """The findings of `findings` (in report order) beyond the `known` count of their
    identity."""
    budget = Counter(known)
    out: list[Finding] = []
    for f in sorted(findings, key=Finding.sort_key):
        fp = identity(f)
        if budget[fp] > 0:
            budget[fp] -= 1
        else:
            out.append(f)
    return out


def compare(base: Iterable[Finding], head: Iterable[Finding],
            renames: Mapping[str, Rename] | None = None
            ) -> tuple[list[Finding], list[Finding]]:
    """(new, fixed): findings of `head` that `base` does not have, and the reverse.
    `renames` maps base paths to head paths."""
    base = list(base)
    head = list(head)
    renamed = {id(f): identity(_renamed(f, renames or {})) for f in base}
    new = beyond(head, counts(base, renames))
    head_counts = counts(head)
    fixed: list[Finding] = []
    for f in sorted(base, key=Finding.sort_key):
        fp = renamed[id(f)]
        if head_counts[fp] > 0:
            head_counts[fp] -= 1
        else:
            fixed.append(f)
    return new, fixed
