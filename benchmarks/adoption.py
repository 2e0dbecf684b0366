#!/usr/bin/env python3
"""Adoption benchmark (issue 12): `ssotcheck baseline` and the baseline gate on a
generated tree, timed like `run.py` times `check` (the real CLI as a subprocess).

    python benchmarks/adoption.py --files 10000 [--jobs 2] [--repeat 3]

Rows: `baseline` with a cold cache (what a first adoption costs), `baseline` warm
(recording over an unchanged tree), `check` with the baseline present, `baseline` over
an existing file after one finding was fixed (the ratchet's shrink), and `check
--strict-baseline`. Prints a table and the load average before and after (the machine
may be shared: say so next to the figures).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

from run import _env, ensure_tree, measure  # noqa: E402


def _cmd(*args: str, cache: Path, jobs: int) -> list[str]:
    return [sys.executable, "-m", "ssotcheck", *args, "--cache-dir", str(cache),
            "--jobs", str(jobs)]


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--files", type=int, default=10_000)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--jobs", type=int, default=2)
    p.add_argument("--repeat", type=int, default=1)
    p.add_argument("--out", default="bench-out", help="scratch directory (as run.py)")
    args = p.parse_args(argv)
    tree = ensure_tree(Path(args.out), args.files, args.seed, regenerate=False)
    scratch = Path(args.out) / "adoption"
    scratch.mkdir(parents=True, exist_ok=True)
    cache = scratch / "cache"
    env = _env()
    target = tree / ".ssotcheck-baseline.json"
    rows: dict[str, list[tuple[float, float]]] = {}
    notes: dict[str, str] = {}
    load_before = os.getloadavg()

    def timed(name: str, *cli: str, expect: int = 0) -> None:
        m = measure(_cmd(*cli, cache=cache, jobs=args.jobs), tree, env)
        if m.returncode != expect:
            raise SystemExit(f"{name}: exit {m.returncode}\n{m.stdout}\n{m.stderr}")
        rows.setdefault(name, []).append((m.wall, m.cpu))
        notes[name] = (m.stdout.strip().splitlines() or [""])[-1][:90]

    try:
        for _ in range(args.repeat):
            target.unlink(missing_ok=True)
            shutil.rmtree(cache, ignore_errors=True)
            timed("baseline (cold cache)", "baseline")
            timed("baseline --reset (warm)", "baseline", "--reset")
            timed("check with the baseline", "check")
            # One baselined finding is "fixed": drop a file that carries one.
            entries = json.loads(target.read_text(encoding="utf-8"))["entries"]
            victim = tree / entries[len(entries) // 2]["path"]
            saved = victim.read_bytes()
            try:
                victim.write_bytes(b"")
                timed("check --strict-baseline (1 stale)", "check", "--strict-baseline",
                      expect=1)
                timed("baseline (shrink, 1 fixed)", "baseline")
            finally:
                victim.write_bytes(saved)
    finally:
        target.unlink(missing_ok=True)
    load_after = os.getloadavg()
    print(f"adoption benchmark on {tree.name} ({args.files:,} files), jobs {args.jobs}, "
          f"repeat {args.repeat}; load average {load_before[0]:.2f} before / "
          f"{load_after[0]:.2f} after")
    print(f"  {'':<36} {'wall':>7} {'cpu':>7}")
    for name, runs in rows.items():
        wall = statistics.median(w for w, _ in runs)
        cpu = statistics.median(c for _, c in runs)
        print(f"  {name:<36} {wall:6.2f}s {cpu:6.2f}s   {notes[name]}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
