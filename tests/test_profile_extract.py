"""`benchmarks/profile_extract.py --steps`: its step timers walk the same fast path as
`extract()`, so the facts it builds are `extract()`'s and every step is timed."""

from __future__ import annotations

import sys
from pathlib import Path

from ssotcheck.index.extract import extract
from ssotcheck.index.options import ExtractOptions

BENCH = Path(__file__).resolve().parent.parent / "benchmarks"
sys.path.insert(0, str(BENCH))

import profile_extract  # noqa: E402

SOURCE = b'''import os
from pkg import thing as other

class Event:
    kind: str = "x"

def send():
    return {"type": "started", "id": os.environ["ID"]}
'''


def test_every_step_is_timed_on_a_file_that_takes_every_path() -> None:
    options = ExtractOptions(banned=("os.environ",))
    spent = profile_extract.steps([("a.py", SOURCE), ("broken.py", b"def (:\n")], options)
    assert set(spent) == {"hash + decode", "ast.parse", "keyword lines", "statement walk",
                          "expression plan", "candidate lines", "expression walk", "assemble",
                          "encode + pickle", "freeing the tree"}
    assert all(v >= 0 for v in spent.values())
    facts = extract("a.py", SOURCE, options)  # the path the timers follow takes both walks
    assert facts.dict_literals and facts.name_uses and facts.parser == "ast"
