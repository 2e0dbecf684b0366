"""Baseline (ratchet): findings already recorded in the baseline file do not fail the gate.

The file maps fingerprints (rule + path + a line-independent key) to how many findings
carried them, so unrelated line shifts keep old findings baselined while a *new* copy of
the same problem in the same file is still reported.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Iterable

from ssotcheck.atomic import atomic_write
from ssotcheck.model import Finding

SCHEMA_VERSION = 1


class BaselineError(Exception):
    pass


def load(path: Path) -> Counter[str]:
    if not path.exists():
        return Counter()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        fps = data["fingerprints"]
        if not isinstance(fps, dict):
            raise TypeError("fingerprints must be an object")
        return Counter({str(k): int(v) for k, v in fps.items()})
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise BaselineError(f"{path}: not a valid ssotcheck baseline ({exc})") from None


def apply(findings: list[Finding], path: Path) -> tuple[list[Finding], int]:
    budget = load(path)
    kept: list[Finding] = []
    dropped = 0
    for f in sorted(findings, key=Finding.sort_key):
        fp = f.fingerprint
        if budget[fp] > 0:
            budget[fp] -= 1
            dropped += 1
        else:
            kept.append(f)
    return kept, dropped


def write(findings: Iterable[Finding], path: Path) -> int:
    counts = Counter(f.fingerprint for f in findings)
    payload = {
        "schema_version": SCHEMA_VERSION,
        "tool": "ssotcheck",
        "fingerprints": dict(sorted(counts.items())),
    }
    text = json.dumps(payload, indent=2, sort_keys=True) + "\n"
    atomic_write(path, text.encode("utf-8"))
    return sum(counts.values())
