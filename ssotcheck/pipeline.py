"""The one-way pipeline: discover -> facts -> index -> checks -> gates -> score.

Each stage takes only the previous stage's output (plus configuration); rendering is
left to `ssotcheck.report`.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Callable

from ssotcheck.areas import AreaMap
from ssotcheck.checks import families
from ssotcheck.config import Config
from ssotcheck.gates import baseline as baseline_gate
from ssotcheck.gates import suppressions
from ssotcheck.index.cache import FactsCache
from ssotcheck.index.discover import discover
from ssotcheck.index.extract import ExtractOptions
from ssotcheck.index.parse import collect_facts
from ssotcheck.index.project import ProjectIndex
from ssotcheck.model import Concept, Finding, RunStats, Scores
from ssotcheck.scoring import compute

DEFAULT_CACHE_DIR = ".ssotcheck_cache"


@dataclass(frozen=True)
class Hooks:
    """Callbacks the CLI uses for progress display; all optional."""

    on_parse_start: Callable[[int], None] | None = None
    on_parsed: Callable[[int], None] | None = None


@dataclass(frozen=True)
class RunOptions:
    paths: tuple[str, ...] = ()  # report scope, relative to the root; empty = everything
    jobs: int = 0  # 0 = CPU count
    use_cache: bool = True
    cache_dir: Path | None = None
    use_baseline: bool = True
    hooks: Hooks = field(default_factory=Hooks)


@dataclass(frozen=True)
class RunResult:
    config: Config
    index: ProjectIndex
    findings: tuple[Finding, ...]  # in scope, after gates, sorted
    concepts: tuple[Concept, ...]
    scores: Scores
    stats: RunStats
    scope: tuple[str, ...]  # files the findings and scores speak for
    suppressed: int = 0
    baselined: int = 0


def cache_directory(config: Config, options: RunOptions) -> Path | None:
    if not options.use_cache:
        return None
    if options.cache_dir is not None:
        return options.cache_dir
    env = os.environ.get("SSOTCHECK_CACHE_DIR")
    return Path(env) if env else config.root / DEFAULT_CACHE_DIR


def in_scope(path: str, scope: tuple[str, ...]) -> bool:
    if not scope:
        return True
    for s in scope:
        if s in ("", "."):
            return True
        if path == s or path.startswith(s.rstrip("/") + "/"):
            return True
    return False


def build_index(config: Config, options: RunOptions) -> tuple[ProjectIndex, RunStats]:
    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    explicit = tuple(p for p in options.paths if p.endswith(".py"))
    found = discover(config.root, config.exclude, explicit)
    timings["discover"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    cache = FactsCache(cache_directory(config, options), config.extraction_key())
    cache.load()
    timings["cache_load"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    extract_options = ExtractOptions(
        discriminators=config.discriminators,
        banned=tuple(sorted(b.name for b in config.banned_api)),
    )
    jobs = options.jobs or os.cpu_count() or 1
    facts, pstats = collect_facts(
        config.root, found.files, extract_options, cache, jobs,
        progress=options.hooks.on_parsed, on_start=options.hooks.on_parse_start,
    )
    timings["parse"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    cache.save()
    timings["cache_save"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    index = ProjectIndex(config.root, facts, config.src)
    timings["index"] = time.perf_counter() - t0
    failed = sum(1 for f in facts if f.error is not None)
    stats = RunStats(
        files_discovered=len(found.files) + found.excluded,
        files_analyzed=len(facts) - failed,
        files_failed=failed,
        files_excluded=found.excluded,
        files_parsed=pstats.parsed,
        cache_hits=pstats.cache_hits,
        seconds=timings,
    )
    return index, stats


def run_checks(index: ProjectIndex, config: Config) -> tuple[list[Finding], list[Concept]]:
    findings: list[Finding] = []
    concepts: list[Concept] = []
    for family in families():
        if not any(config.rule_enabled(r) for r in family.RULES):
            continue
        result = family.check(index, config)
        findings.extend(f for f in result.findings if config.rule_enabled(f.rule))
        concepts.extend(result.concepts)
    return findings, concepts


def run(config: Config, options: RunOptions = RunOptions()) -> RunResult:
    index, stats = build_index(config, options)
    t0 = time.perf_counter()
    findings, concepts = run_checks(index, config)
    stats.seconds["checks"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    area_of = AreaMap(config)
    scope = tuple(p for p in index.files if in_scope(p, options.paths))
    scoped = [replace(f, area=area_of(f.path)) for f in findings if in_scope(f.path, options.paths)]
    kept, suppressed = suppressions.apply(scoped, index.files)
    baselined = 0
    if options.use_baseline and config.baseline:
        kept, baselined = baseline_gate.apply(kept, config.root / config.baseline)
    kept.sort(key=Finding.sort_key)
    failed = () if config.rule_enabled("SSOT000") else tuple(
        p for p in scope if index.files[p].error is not None)
    scores = compute(scope, kept, area_of, failed=failed)
    concepts.sort(key=lambda c: (-c.spread, c.kind, c.name))
    stats.seconds["gates_and_score"] = time.perf_counter() - t0
    return RunResult(config, index, tuple(kept), tuple(concepts), scores, stats, scope,
                     suppressed, baselined)
