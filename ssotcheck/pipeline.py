"""The one-way pipeline: discover -> facts -> index -> checks -> gates -> score.

Each stage takes only the previous stage's output (plus configuration); rendering is
left to `ssotcheck.report`.
"""

from __future__ import annotations

import gc
import hashlib
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
from ssotcheck.index import codec
from ssotcheck.index.cache import RACY_NS, FactsCache, package_fingerprint
from ssotcheck.index.discover import Discovery, discover
from ssotcheck.index.extract import ExtractOptions
from ssotcheck.index.parse import Digests, collect_facts, known_digests
from ssotcheck.index.project import ProjectIndex
from ssotcheck.model import Concept, FileFacts, Finding, RunStats, Scores
from ssotcheck.scoring import compute

DEFAULT_CACHE_DIR = ".ssotcheck_cache"
_encode_finding = codec.encoder(Finding)
_decode_finding = codec.decoder(Finding)
_encode_concept = codec.encoder(Concept)
_decode_concept = codec.decoder(Concept)


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


def _load_facts(config: Config, options: RunOptions, found: Discovery, cache: FactsCache,
                timings: dict[str, float], known_stats: dict[str, tuple[int, int]] | None = None,
                ) -> tuple[list[FileFacts], int, int]:
    t0 = time.perf_counter()
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
        known_stats=known_stats,
    )
    timings["parse"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    cache.save()
    timings["cache_save"] = time.perf_counter() - t0
    return facts, pstats.parsed, pstats.cache_hits


def _discover(config: Config, options: RunOptions, timings: dict[str, float]) -> Discovery:
    t0 = time.perf_counter()
    explicit = tuple(p for p in options.paths if p.endswith(".py"))
    found = discover(config.root, config.exclude, explicit)
    timings["discover"] = time.perf_counter() - t0
    return found


def build_index(config: Config, options: RunOptions) -> tuple[ProjectIndex, RunStats]:
    timings: dict[str, float] = {}
    found = _discover(config, options, timings)
    cache = FactsCache(cache_directory(config, options), config.extraction_key())
    facts, parsed, hits = _load_facts(config, options, found, cache, timings)
    t0 = time.perf_counter()
    index = ProjectIndex(config.root, facts, config.src)
    timings["index"] = time.perf_counter() - t0
    return index, _stats(found, len(facts), sum(1 for f in facts if f.error is not None),
                         parsed, hits, timings)


def _stats(found: Discovery, files: int, failed: int, parsed: int, hits: int,
           timings: dict[str, float]) -> RunStats:
    return RunStats(
        files_discovered=len(found.files) + found.excluded,
        files_analyzed=files - failed,
        files_failed=failed,
        files_excluded=found.excluded,
        files_parsed=parsed,
        cache_hits=hits,
        seconds=timings,
    )


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


# ------------------------------------------------------------------ results cache
#
# Findings are a pure function of the code, the configuration and the files' contents
# (checks never read files). A run whose inputs all equal the previous run's reuses its
# findings: one `stat` per file instead of loading, decoding and checking ~10^6 facts.

def _results_key(config: Config, digests: dict[str, str]) -> str:
    h = hashlib.blake2b(digest_size=20)
    h.update(package_fingerprint().encode())
    h.update(repr(config).encode())
    for path in sorted(digests):
        h.update(f"{path}\0{digests[path]}\n".encode("utf-8", "surrogateescape"))
    return h.hexdigest()


def _fresh_stat(st: tuple[int, int], digest: str, now: int) -> tuple[int, int, str]:
    # Same "racy" rule as the facts cache: a file written just now could change again
    # within its mtime tick, so it is confirmed by content next time.
    return (-1 if st[0] > now - RACY_NS else st[0], st[1], digest)


def _cached_results(config: Config, found: Discovery, cache: FactsCache,
                    timings: dict[str, float]) -> tuple[dict | None, Digests | None]:
    """The previous run's results when every input is unchanged, and the file stats taken
    to find out (a miss hands them on, so no file is stat'ed twice)."""
    t0 = time.perf_counter()
    digests = None
    try:
        res = cache.load_results()
        if res is None or res.get("facts_file") != cache.file_identity():
            return None, None
        digests = known_digests(config.root, found.files, res["stat"])
        if digests is None or _results_key(config, digests.by_path) != res["key"]:
            return None, digests
        if digests.changed:  # touched but unchanged: remember the new stats
            now = time.time_ns()
            for rel in digests.changed:
                res["stat"][rel] = _fresh_stat(digests.stats[rel], digests.by_path[rel], now)
            cache.save_results(res)
        return res, digests
    except (KeyError, TypeError, ValueError, AttributeError):
        return None, digests  # a results file of another shape: run the checks
    finally:
        timings["results_cache"] = time.perf_counter() - t0


def _save_results(config: Config, cache: FactsCache, index: ProjectIndex,
                  findings: list[Finding], concepts: list[Concept]) -> None:
    files = index.files
    if cache.results_file is None or any(not f.content_hash for f in files.values()):
        return  # an unreadable file: the fast path could not vouch for it
    table = cache.stat_table()
    if any(p not in table for p in files):
        return
    cache.save_results({
        "key": _results_key(config, {p: f.content_hash for p, f in files.items()}),
        "facts_file": cache.file_identity(),
        "stat": {p: table[p] for p in files},
        "findings": [_encode_finding(f) for f in findings],
        "concepts": [_encode_concept(c) for c in concepts],
        "failed": sorted(p for p, f in files.items() if f.error is not None),
        "suppressions": {p: f.suppressions for p, f in files.items() if f.suppressions},
    })


# --------------------------------------------------------------------------- run

def run(config: Config, options: RunOptions = RunOptions()) -> RunResult:
    # A run allocates ~10^6 long-lived objects (the facts) and frees almost nothing until
    # it ends; the cyclic GC would re-scan them again and again for no garbage. They are
    # frozen afterwards so later collections in the same process skip them too.
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        return _run(config, options)
    finally:
        gc.freeze()
        if was_enabled:
            gc.enable()


def _run(config: Config, options: RunOptions) -> RunResult:
    timings: dict[str, float] = {}
    found = _discover(config, options, timings)
    cache = FactsCache(cache_directory(config, options), config.extraction_key())
    cached, digests = _cached_results(config, found, cache, timings) if cache.file else (None, None)
    if cached is not None:
        if options.hooks.on_parse_start:
            options.hooks.on_parse_start(0)
        paths = tuple(sorted(found.files))

        def load() -> list[FileFacts]:
            return _load_facts(config, options, found, FactsCache(
                cache_directory(config, options), config.extraction_key()), {})[0]

        index = ProjectIndex.deferred(config.root, paths, load, config.src)
        failed = frozenset(cached["failed"])
        stats = _stats(found, len(paths), len(failed), 0, len(paths), timings)
        findings = [_decode_finding(f) for f in cached["findings"]]
        concepts = [_decode_concept(c) for c in cached["concepts"]]
        supp = {p: FileFacts(path=p, content_hash="", lines=0, suppressions=s)
                for p, s in cached["suppressions"].items()}
        return _finish(config, options, index, stats, findings, concepts, supp, failed)

    facts, parsed, hits = _load_facts(config, options, found, cache, timings,
                                      digests.stats if digests else None)
    t0 = time.perf_counter()
    index = ProjectIndex(config.root, facts, config.src)
    timings["index"] = time.perf_counter() - t0
    failed = frozenset(f.path for f in facts if f.error is not None)
    stats = _stats(found, len(facts), len(failed), parsed, hits, timings)
    t0 = time.perf_counter()
    findings, concepts = run_checks(index, config)
    timings["checks"] = time.perf_counter() - t0
    if cache.file is not None:
        t0 = time.perf_counter()
        _save_results(config, cache, index, findings, concepts)
        timings["results_save"] = time.perf_counter() - t0
    return _finish(config, options, index, stats, findings, concepts, index.files, failed)


def _finish(config: Config, options: RunOptions, index: ProjectIndex, stats: RunStats,
            findings: list[Finding], concepts: list[Concept],
            suppression_facts: dict[str, FileFacts], failed_paths: frozenset[str]) -> RunResult:
    t0 = time.perf_counter()
    area_of = AreaMap(config)
    scope = tuple(p for p in index.paths if in_scope(p, options.paths))
    scoped = [replace(f, area=area_of(f.path)) for f in findings if in_scope(f.path, options.paths)]
    kept, suppressed = suppressions.apply(scoped, suppression_facts)
    baselined = 0
    if options.use_baseline and config.baseline:
        kept, baselined = baseline_gate.apply(kept, config.root / config.baseline)
    kept.sort(key=Finding.sort_key)
    failed = () if config.rule_enabled("SSOT000") else tuple(
        p for p in scope if p in failed_paths)
    scores = compute(scope, kept, area_of, failed=failed)
    concepts.sort(key=lambda c: (-c.spread, c.kind, c.name))
    stats.seconds["gates_and_score"] = time.perf_counter() - t0
    return RunResult(config, index, tuple(kept), tuple(concepts), scores, stats, scope,
                     suppressed, baselined)
