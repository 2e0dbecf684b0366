"""`check --statistics`: findings per rule, most first, as `ruff --statistics` prints them.

Text: `count<TAB>RULE<TAB>[*] name` (the `[*]` / `[ ]` column only when some rule has a
safe fix, as in ruff). JSON (`--format json`): a list of `{code, name, count, fixable}`.
Counts are of every finding shown (info included), like ruff's.
"""

from __future__ import annotations

import json
from collections import Counter
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ssotcheck.pipeline import RunResult


def render(result: RunResult, fmt: str = "text") -> str:
    counts = Counter(f.rule for f in result.findings)
    fixable = {f.rule for f in result.findings if f.fix is not None and f.fix.safe}
    names = {f.rule: f.name for f in result.findings}
    rows = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    if fmt == "json":
        return json.dumps([{"code": r, "name": names[r], "count": n, "fixable": r in fixable}
                           for r, n in rows], indent=2) + "\n"
    width = max((len(str(n)) for _, n in rows), default=1)

    def mark(rule: str) -> str:
        if not fixable:
            return ""
        return "[*] " if rule in fixable else "[ ] "

    return "".join(f"{n:>{width}}\t{r}\t{mark(r)}{names[r]}\n" for r, n in rows)
