"""Rendering cost of every output format on a big synthetic run (issue 13).

    python benchmarks/render.py                    # 10,700 findings, 307 concepts
    python benchmarks/render.py --findings 50000 --repeat 5

The run is synthesised directly (FileFacts are never parsed): a 10,700-file tree in three
areas, one finding per file on average (skewed: a few files carry dozens), 307 split
concepts of which one has 172 homes, like the monorepo issue 13 was filed from. Each
format is rendered once to warm up (imports), then --repeat times in this process; the
table shows the median wall and CPU time (CPU time is what to read on a loaded, shared
machine) and the output size. Parsing and checking are benchmarks/run.py's business.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from dataclasses import replace
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from ssotcheck import catalogue, config as cfgmod  # noqa: E402
from ssotcheck.areas import AreaMap  # noqa: E402
from ssotcheck.catalogue import make_finding  # noqa: E402
from ssotcheck.index.project import ProjectIndex  # noqa: E402
from ssotcheck.model import (Concept, Finding, Fix, Location, RunStats, Severity,  # noqa: E402
                             Span, TextEdit)
from ssotcheck.pipeline import RunResult  # noqa: E402
from ssotcheck.scoring import compute  # noqa: E402

AREAS = {"production": ["pkg/**"], "Test Files": ["tests/**"], "Scripts": ["scripts/**"]}
RULES = ("SSOT101", "SSOT102", "SSOT103", "SSOT201", "SSOT203", "SSOT204", "SSOT301", "SSOT000")


def synthetic_paths(files: int) -> list[str]:
    out = []
    for i in range(files):
        kind = i % 10
        if kind < 6:
            out.append(f"pkg/svc{i % 23}/sub{i % 7}/mod_{i}.py")
        elif kind < 9:
            out.append(f"tests/svc{i % 23}/test_mod_{i}.py")
        else:
            out.append(f"scripts/tool_{i}.py")
    return sorted(out)


def synthetic_result(files: int = 10_700, findings: int = 10_700, concepts: int = 307,
                     seed: int = 13, root: Path | None = None) -> RunResult:
    """A RunResult shaped like a big monorepo's, deterministic for a given seed."""
    rnd = random.Random(seed)
    root = (root or Path("/tmp/synthetic-monorepo")).resolve()
    config = cfgmod.from_mapping({"areas": AREAS}, root)
    paths = synthetic_paths(files)
    area_of = AreaMap(config)
    hot = paths[:: max(1, files // 40)]  # files that collect many findings
    out: list[Finding] = []
    for k in range(findings):
        path = rnd.choice(hot) if rnd.random() < 0.3 else rnd.choice(paths)
        rule = RULES[k % len(RULES)] if k % 3 else rnd.choice(RULES)
        line = rnd.randint(1, 400)
        loc = Location(path, line, rnd.randint(0, 40), line, 60)
        related = tuple(Location(rnd.choice(paths), rnd.randint(1, 200))
                        for _ in range(rnd.randint(0, 3) if rule.startswith("SSOT1") else 0))
        fix = None
        if rule == "SSOT201":
            text = f"from pkg.new{k % 11} import Name{k % 97}"
            fix = Fix(f"rewrite to `{text}`", True, f"pkg.new{k % 11}.Name{k % 97}",
                      (TextEdit(Span(line, 0, line, 40), text),))
        sev = Severity.INFO if k % 17 == 0 else None
        out.append(make_finding(rule, f"synthetic finding {k} of `{rule}` in `{path}`", loc,
                                related=related, fix=fix, key=str(k), severity=sev,
                                concept=f"Concept{k % concepts}" if rule < "SSOT2" else None))
    out = sorted((replace(f, area=area_of(f.path)) for f in out), key=Finding.sort_key)
    register: list[Concept] = []
    for c in range(concepts):
        n = 172 if c == 0 else 2 + (rnd.random() < 0.2) * rnd.randint(1, 20)
        if c == 0:
            homes = ([p for p in paths if p.startswith("pkg/")][:12]
                     + [p for p in paths if p.startswith("tests/")][:157]
                     + [p for p in paths if p.startswith("scripts/")][:3])
        else:
            homes = rnd.sample(paths, n)
        locs = tuple(Location(p, 3 + i % 50, message="canonical" if i == 0 and c % 3 == 0
                              else "") for i, p in enumerate(sorted(homes)))
        register.append(Concept(f"agent_started_{c}" if c % 2 else f"ExecutionStatus{c}",
                                ("enum", "event", "class")[c % 3], locs,
                                canonical=locs[0].path if c % 3 == 0 else None))
    register.sort(key=lambda c: (-c.spread, c.kind, c.name))
    scores = compute(paths, out, area_of)
    stats = RunStats(files_discovered=files, files_analyzed=files)
    index = ProjectIndex.deferred(root, tuple(paths), lambda: [], config.src)
    return RunResult(config, index, tuple(out), tuple(register), scores, stats, tuple(paths))


def main() -> int:
    from ssotcheck.report import FORMATS, RenderOptions, render

    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--files", type=int, default=10_700)
    ap.add_argument("--findings", type=int, default=10_700)
    ap.add_argument("--concepts", type=int, default=307)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    catalogue.rules()
    result = synthetic_result(args.files, args.findings, args.concepts)
    cases = [(f"report --format {fmt}", fmt, True, RenderOptions()) for fmt in FORMATS]
    cases[0] = ("report (text summary)", "text", True, RenderOptions())
    cases += [("report --findings", "text", True, RenderOptions(findings=True))]
    cases += [(f"check --output-format {lay}", "text", False, RenderOptions(layout=lay))
              for lay in ("full", "concise", "grouped")]
    print(f"{len(result.findings)} findings, {len(result.concepts)} concepts, "
          f"{len(result.scope)} files; median of {args.repeat}")
    print(f"| {'output':<32} | {'wall s':>7} | {'CPU s':>7} | {'lines':>7} | {'bytes':>10} |")
    print(f"|{'-' * 34}|{'-' * 8}:|{'-' * 8}:|{'-' * 8}:|{'-' * 11}:|")
    for label, fmt, full, options in cases:
        render(result, fmt, full=full, options=options)  # imports and first-use caches
        times, cpu = [], []
        for _ in range(args.repeat):
            t0, c0 = time.perf_counter(), time.process_time()
            text = render(result, fmt, full=full, options=options)
            times.append(time.perf_counter() - t0)
            cpu.append(time.process_time() - c0)
        print(f"| {label:<32} | {statistics.median(times):7.3f} | {statistics.median(cpu):7.3f} "
              f"| {text.count(chr(10)):7d} | {len(text.encode()):10d} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
