"""The floor ssotcheck is measured against: read and `ast.parse` every Python file.

    python benchmarks/bare_parse.py TREE --jobs 2 [--gc-off]

Uses the same file list as ssotcheck's discovery inside a git work tree (tracked plus
untracked-but-not-ignored `*.py`) and a multiprocessing pool with the same number of
processes. Nothing is extracted or returned but the byte count: this is what any tool that
looks at every file's syntax tree has to pay at least. Prints one JSON line.
"""

from __future__ import annotations

import argparse
import ast
import gc
import json
import multiprocessing
import subprocess
import sys
import time
from pathlib import Path


def git_python_files(root: Path) -> list[str]:
    out = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                         cwd=root, capture_output=True, check=True).stdout
    return sorted({p for p in out.decode("utf-8", "surrogateescape").split("\0")
                   if p.endswith(".py")})


def _init(gc_off: bool) -> None:
    if gc_off:
        gc.disable()


def _parse(path: str) -> int:
    try:
        with open(path, "rb") as fh:
            data = fh.read()
    except OSError:
        return 0
    try:
        ast.parse(data)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        pass
    return len(data)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("tree", type=Path)
    p.add_argument("--jobs", type=int, default=0)
    p.add_argument("--gc-off", action="store_true",
                   help="disable the cyclic GC in the workers (not the default baseline)")
    args = p.parse_args(argv)
    t0 = time.perf_counter()
    files = [str(args.tree / f) for f in git_python_files(args.tree)]
    jobs = args.jobs or multiprocessing.cpu_count()
    ctx = multiprocessing.get_context("fork")
    with ctx.Pool(jobs, initializer=_init, initargs=(args.gc_off,)) as pool:
        total = sum(pool.imap_unordered(_parse, files, chunksize=16))
    print(json.dumps({"files": len(files), "bytes": total, "jobs": jobs,
                      "seconds": time.perf_counter() - t0}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
