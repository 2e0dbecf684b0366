"""Where extraction time goes, in one process: bare `ast.parse` vs `extract()`, and a profile.

    python benchmarks/profile_extract.py TREE [--sample 1500] [--seed 0] [--top 25]

Reads the configuration of TREE (its discriminators, banned and legacy names decide how
much the extractor walks), picks a deterministic random sample of its Python files, and
prints: seconds for `ast.parse` of the sample, seconds for `extract()` of the sample (the
ratio is what a cold run pays on top of parsing, per process), how many files needed the
expression walk, and the top functions of a cProfile run (sorted by own time).
"""

from __future__ import annotations

import argparse
import ast
import cProfile
import gc
import io
import pstats
import random
import sys
import time
import warnings
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from ssotcheck.config import load as load_config  # noqa: E402
from ssotcheck.index.discover import discover  # noqa: E402
from ssotcheck.index.extract import extract  # noqa: E402
from ssotcheck.index.options import expression_plan  # noqa: E402
from ssotcheck.index.source import decode_source  # noqa: E402
from ssotcheck.index.statements import Columns, StatementCollector  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("tree", type=Path)
    p.add_argument("--sample", type=int, default=1500)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--top", type=int, default=25)
    args = p.parse_args(argv)
    root = args.tree.resolve()
    config = load_config(None, root)
    options = config.extract_options()
    files = list(discover(root, config.exclude).files)
    random.Random(args.seed).shuffle(files)
    sample = sorted(files[:args.sample])
    blobs = [(rel, (root / rel).read_bytes()) for rel in sample]
    gc.disable()  # as the workers run

    t0 = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for _, data in blobs:
            try:
                ast.parse(data)
            except (SyntaxError, ValueError, RecursionError, MemoryError):
                pass
    bare = time.perf_counter() - t0

    t0 = time.perf_counter()
    for rel, data in blobs:
        extract(rel, data, options)
    full = time.perf_counter() - t0

    walked = 0
    for rel, data in blobs:
        text, err = decode_source(data)
        if text is None:
            continue
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                tree = ast.parse(text)
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            continue
        col = StatementCollector(Columns(text))
        col.run(tree)
        want_dicts, tokens = expression_plan(text, col.imports, options)
        walked += bool(want_dicts or tokens)

    print(f"{len(blobs)} files, {sum(len(d) for _, d in blobs) / 1e6:.1f} MB")
    print(f"ast.parse {bare:.2f} s, extract() {full:.2f} s: {full / bare:.2f}x")
    print(f"files whose expressions are walked: {walked} ({100 * walked / len(blobs):.0f}%)")
    prof = cProfile.Profile()
    prof.enable()
    for rel, data in blobs:
        extract(rel, data, options)
    prof.disable()
    out = io.StringIO()
    pstats.Stats(prof, stream=out).sort_stats("tottime").print_stats(args.top)
    print(out.getvalue())
    return 0


if __name__ == "__main__":
    sys.exit(main())
