"""Where extraction time goes, in one process: bare `ast.parse` vs `extract()`, and a profile.

    python benchmarks/profile_extract.py TREE [--sample 1500] [--seed 0] [--top 25]
    python benchmarks/profile_extract.py TREE --sample 0 --steps   # every file, step timers

Reads the configuration of TREE (its discriminators, banned and legacy names decide how
much the extractor walks), picks a deterministic random sample of its Python files, and
prints: seconds for `ast.parse` of the sample, seconds for `extract()` of the sample (the
ratio is what a cold run pays on top of parsing, per process), how many files needed the
expression walk, and the top functions of a cProfile run (sorted by own time). With
`--steps`, plain timers around each step of `extract()` instead of the profiler (no
profiling overhead, so the shares are what a worker pays); `--sample 0` takes every file.
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
from ssotcheck.index import codec  # noqa: E402
from ssotcheck.index.cache import pickled  # noqa: E402
from ssotcheck.index.extract import _expressions, extract  # noqa: E402
from ssotcheck.index.options import (ExtractOptions, candidate_lines,  # noqa: E402
                                     expression_plan, keyword_lines)
from ssotcheck.index.source import content_hash, decode_source  # noqa: E402
from ssotcheck.index.statements import Columns, StatementCollector, assemble  # noqa: E402
from ssotcheck.model import DictLiteralFact, NameUse  # noqa: E402


def steps(blobs: list[tuple[str, bytes]], options: ExtractOptions) -> dict[str, float]:
    """Seconds per step of `extract()` (its fast path, step by step), summed over files."""
    spent: dict[str, float] = {}
    clock = time.perf_counter

    def add(step: str, since: float) -> float:
        now = clock()
        spent[step] = spent.get(step, 0.0) + now - since
        return now

    discriminators = set(options.discriminators)
    for rel, data in blobs:
        t = clock()
        digest = content_hash(data)
        text, _ = decode_source(data)
        t = add("hash + decode", t)
        if text is None:
            continue
        try:
            tree = ast.parse(text)
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            continue
        t = add("ast.parse", t)
        kw = keyword_lines(text)
        t = add("keyword lines", t)
        col = StatementCollector(Columns(text))
        col.run(tree, kw)
        t = add("statement walk", t)
        want_dicts, tokens = expression_plan(text, col.imports, options)
        t = add("expression plan", t)
        dicts: list[DictLiteralFact] = []
        uses: list[NameUse] = []
        if want_dicts or tokens:
            lines = candidate_lines(text, want_dicts, tokens, options)
            t = add("candidate lines", t)
            dicts, uses = _expressions(tree, Columns(text), want_dicts, discriminators, tokens,
                                       lines, ":=" in text)
            t = add("expression walk", t)
        facts = assemble(rel, text, digest, col, dicts, uses, "ast")
        t = add("assemble", t)
        pickled(codec.encode_facts(facts))
        t = add("encode + pickle", t)
        del tree
        add("freeing the tree", t)
    return spent


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("tree", type=Path)
    p.add_argument("--sample", type=int, default=1500)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--top", type=int, default=25)
    p.add_argument("--steps", action="store_true",
                   help="time each step of extract() instead of profiling it")
    args = p.parse_args(argv)
    root = args.tree.resolve()
    config = load_config(None, root)
    options = config.extract_options()
    files = list(discover(root, config.exclude).files)
    random.Random(args.seed).shuffle(files)
    sample = sorted(files[:args.sample] if args.sample > 0 else files)
    blobs = [(rel, (root / rel).read_bytes()) for rel in sample]
    gc.disable()  # as the workers run
    if args.steps:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            spent = steps(blobs, options)
        parse = spent["ast.parse"]
        print(f"{len(blobs)} files, {sum(len(d) for _, d in blobs) / 1e6:.1f} MB, GC off")
        for step, sec in sorted(spent.items(), key=lambda kv: (-kv[1], kv[0])):
            print(f"{step:20s} {sec:8.2f} s {100 * sec / parse:6.1f}% of ast.parse")
        ours = sum(v for k, v in spent.items() if k not in ("ast.parse", "freeing the tree"))
        print(f"extraction on top of parse + free: {ours:.2f} s "
              f"({100 * ours / (parse + spent.get('freeing the tree', 0)):.0f}%)")
        return 0

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
