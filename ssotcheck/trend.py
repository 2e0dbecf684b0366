"""Scores over time for projects outside git: `report --record` appends a point to a local
file and `trend` replays them. Inside git, `trend` reads the commits (`ssotcheck.history`)."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import TYPE_CHECKING

from ssotcheck.config import Config

if TYPE_CHECKING:
    from ssotcheck.pipeline import RunResult

HISTORY = ".ssotcheck-history.jsonl"


def record(config: Config, result: RunResult) -> Path:
    path = config.root / HISTORY
    entry = {
        "time": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "score": result.scores.overall,
        "files": result.scores.files,
        "findings": len(result.findings),
        "areas": {a.name: a.score for a in result.scores.areas},
    }
    with open(path, "a", encoding="utf-8") as fh:
        fh.write(json.dumps(entry, sort_keys=True) + "\n")
    return path


def show(config: Config) -> str:
    path = config.root / HISTORY
    if not path.exists():
        return f"no history yet: run `ssotcheck report --record` to add a point to {HISTORY}\n"
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            rows.append(json.loads(line))
        except ValueError:
            continue
    out = [f"{'when':<21} {'score':>7} {'change':>7} {'files':>7} {'findings':>9}"]
    prev = None
    for r in rows:
        delta = "" if prev is None else f"{r['score'] - prev:+.1f}"
        out.append(f"{r['time']:<21} {r['score']:>6.1f}% {delta:>7} {r['files']:>7} "
                   f"{r['findings']:>9}")
        prev = r["score"]
    return "\n".join(out) + "\n"
