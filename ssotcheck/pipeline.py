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
from types import ModuleType
from typing import Callable

from ssotcheck.areas import AreaMap
from ssotcheck.checks import FAMILIES, families
from ssotcheck.config import Config
from ssotcheck.gates import baseline as baseline_gate
from ssotcheck.gates import suppressions
from ssotcheck.incremental import (PositionMap, changed_inputs, move_results,
                                   referenced_names, tokens)
from ssotcheck.index import codec
from ssotcheck.index.cache import RACY_NS, FactsCache, package_fingerprint
from ssotcheck.index.discover import Discovery, discover
from ssotcheck.index.options import ExtractOptions
from ssotcheck.index.parse import Digests, collect_facts, known_digests
from ssotcheck.index.project import ProjectIndex
from ssotcheck.model import Concept, FileFacts, Finding, RunStats, Scores
from ssotcheck.scoring import compute

DEFAULT_CACHE_DIR = ".ssotcheck_cache"
# More edited files than this (or than 2% of the project) and a full run is about as fast.
MAX_EDITED = 32
FamilyResult = tuple[list[Finding], list[Concept]]
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


def _extract_options(config: Config) -> ExtractOptions:
    return ExtractOptions(
        discriminators=config.discriminators,
        banned=tuple(sorted(b.name for b in config.banned_api)),
        legacy=tuple(sorted(old for old, _ in config.legacy_imports)),
    )


def _load_facts(config: Config, options: RunOptions, found: Discovery, cache: FactsCache,
                timings: dict[str, float], known_stats: dict[str, tuple[int, int]] | None = None,
                ) -> tuple[list[FileFacts], int, int]:
    t0 = time.perf_counter()
    cache.load()
    timings["cache_load"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    jobs = options.jobs or os.cpu_count() or 1
    facts, pstats = collect_facts(
        config.root, found.files, _extract_options(config), cache, jobs,
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
           timings: dict[str, float], checks: str = "full",
           rerun: tuple[str, ...] = ()) -> RunStats:
    return RunStats(
        files_discovered=len(found.files) + found.excluded,
        files_analyzed=files - failed,
        files_failed=failed,
        files_excluded=found.excluded,
        files_parsed=parsed,
        cache_hits=hits,
        seconds=timings,
        checks=checks,
        families_rerun=rerun,
    )


def family_name(family: ModuleType) -> str:
    return family.__name__.rpartition(".")[2]


def _enabled(family: ModuleType, config: Config) -> bool:
    return any(config.rule_enabled(r) for r in family.RULES)


def _run_family(family: ModuleType, index: ProjectIndex, config: Config) -> FamilyResult:
    result = family.check(index, config)
    return ([f for f in result.findings if config.rule_enabled(f.rule)], list(result.concepts))


def run_family_checks(index: ProjectIndex, config: Config) -> dict[str, FamilyResult]:
    return {family_name(fam): _run_family(fam, index, config)
            for fam in families() if _enabled(fam, config)}


def _flatten(results: dict[str, FamilyResult]) -> tuple[list[Finding], list[Concept]]:
    # Family order, as the families are listed: ties in the final sort keep it.
    findings: list[Finding] = []
    concepts: list[Concept] = []
    for name in FAMILIES:
        if name in results:
            findings.extend(results[name][0])
            concepts.extend(results[name][1])
    return findings, concepts


# ------------------------------------------------------------------ results cache
#
# Findings are a pure function of the code, the configuration and the files' contents
# (checks never read files). A run whose inputs all equal the previous run's reuses its
# findings: one `stat` per file instead of loading, decoding and checking ~10^6 facts.
# A run where a few files changed re-uses what those edits cannot have changed (see
# `ssotcheck.incremental`): each family's findings are stored apart for that.

def _env_key(config: Config) -> str:
    h = hashlib.blake2b(digest_size=20)
    h.update(package_fingerprint().encode())
    h.update(repr(config).encode())
    return h.hexdigest()


def _results_key(env: str, digests: dict[str, str]) -> str:
    h = hashlib.blake2b(env.encode(), digest_size=20)
    for path in sorted(digests):
        h.update(f"{path}\0{digests[path]}\n".encode("utf-8", "surrogateescape"))
    return h.hexdigest()


def _fresh_stat(st: tuple[int, int], digest: str, now: int) -> tuple[int, int, str]:
    # Same "racy" rule as the facts cache: a file written just now could change again
    # within its mtime tick, so it is confirmed by content next time.
    return (-1 if st[0] > now - RACY_NS else st[0], st[1], digest)


@dataclass
class _Previous:
    results: dict | None = None  # the last run's results, whatever changed since
    digests: Digests | None = None  # every file's content hash now
    exact: bool = False  # nothing changed: the results answer this run as they are


def _previous_results(config: Config, found: Discovery, cache: FactsCache, env: str,
                      timings: dict[str, float]) -> _Previous:
    """The previous run's results, and the file stats taken to find out whether they still
    hold (handed on, so no file is stat'ed twice)."""
    t0 = time.perf_counter()
    try:
        res = cache.load_results()
        if res is None or res.get("env") != env or not _well_formed(res):
            return _Previous()
        digests = known_digests(config.root, found.files, res["stat"])
        if digests is None:
            return _Previous()
        if (res.get("facts_file") != cache.file_identity()
                or _results_key(env, digests.by_path) != res["key"]):
            return _Previous(res, digests)
        if digests.changed:  # touched but unchanged: remember the new stats
            now = time.time_ns()
            for rel in digests.changed:
                res["stat"][rel] = _fresh_stat(digests.stats[rel], digests.by_path[rel], now)
            cache.save_results(res)
        return _Previous(res, digests, exact=True)
    except (KeyError, TypeError, ValueError, AttributeError):
        return _Previous()  # a results file of another shape: run the checks
    finally:
        timings["results_cache"] = time.perf_counter() - t0


def _well_formed(res: dict) -> bool:
    """Written by this code (the env key says so), but the file may have been damaged."""
    shapes = {"key": str, "stat": dict, "families": dict, "failed": list,
              "suppressions": dict, "referenced": frozenset}
    return all(isinstance(res.get(k), t) for k, t in shapes.items()) and all(
        isinstance(v, tuple) and len(v) == 2 for v in res["families"].values())


def _decode_families(res: dict) -> dict[str, FamilyResult]:
    return {name: ([_decode_finding(f) for f in fs], [_decode_concept(c) for c in cs])
            for name, (fs, cs) in res["families"].items()}


def _save_results(cache: FactsCache, env: str, hashes: dict[str, str],
                  results: dict[str, FamilyResult], failed: frozenset[str],
                  suppressions: dict[str, tuple], referenced: set[str] | frozenset[str]) -> None:
    if cache.results_file is None or any(not h for h in hashes.values()):
        return  # an unreadable file: the fast path could not vouch for it
    table = cache.stat_table()
    if any(p not in table or table[p][2] != h for p, h in hashes.items()):
        return
    cache.save_results({
        "env": env,
        "key": _results_key(env, hashes),
        "facts_file": cache.file_identity(),
        "stat": {p: table[p] for p in hashes},
        "families": {name: ([_encode_finding(f) for f in fs], [_encode_concept(c) for c in cs])
                     for name, (fs, cs) in results.items()},
        "failed": sorted(failed),
        "suppressions": {p: s for p, s in sorted(suppressions.items()) if s},
        "referenced": frozenset(referenced),
    })


# --------------------------------------------------------------------------- run

def run(config: Config, options: RunOptions = RunOptions()) -> RunResult:
    # A run allocates ~10^6 long-lived objects (the facts) and frees almost nothing until
    # it ends; the cyclic GC would re-scan them again and again for no garbage. The state
    # is restored afterwards: freezing the survivors is the CLI's call (a short-lived
    # process), not a library's.
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        return _run(config, options)
    finally:
        if was_enabled:
            gc.enable()


def _run(config: Config, options: RunOptions) -> RunResult:
    timings: dict[str, float] = {}
    found = _discover(config, options, timings)
    cache = FactsCache(cache_directory(config, options), config.extraction_key())
    env = _env_key(config)
    prev = _previous_results(config, found, cache, env, timings) if cache.file else _Previous()
    if prev.exact and prev.results is not None:
        return _from_previous(config, options, found, prev.results, timings)
    if prev.results is not None and prev.digests is not None:
        t0 = time.perf_counter()
        done = _incremental(config, options, found, cache, env, prev.results, prev.digests,
                            timings)
        timings["incremental"] = time.perf_counter() - t0
        if done is not None:
            return done

    facts, parsed, hits = _load_facts(config, options, found, cache, timings,
                                      prev.digests.stats if prev.digests else None)
    t0 = time.perf_counter()
    index = ProjectIndex(config.root, facts, config.src)
    timings["index"] = time.perf_counter() - t0
    failed = frozenset(f.path for f in facts if f.error is not None)
    stats = _stats(found, len(facts), len(failed), parsed, hits, timings)
    t0 = time.perf_counter()
    results = run_family_checks(index, config)
    timings["checks"] = time.perf_counter() - t0
    if cache.file is not None:
        t0 = time.perf_counter()
        _save_results(cache, env, {p: f.content_hash for p, f in index.files.items()},
                      results, failed, {p: f.suppressions for p, f in index.files.items()},
                      referenced_names(index.files.values()))
        timings["results_save"] = time.perf_counter() - t0
    findings, concepts = _flatten(results)
    return _finish(config, options, index, stats, findings, concepts, index.files, failed)


def _deferred_index(config: Config, options: RunOptions, found: Discovery) -> ProjectIndex:
    """The project's index with facts loaded only if someone asks (graph, fix)."""
    def load() -> list[FileFacts]:
        return _load_facts(config, options, found, FactsCache(
            cache_directory(config, options), config.extraction_key()), {})[0]

    return ProjectIndex.deferred(config.root, tuple(sorted(found.files)), load, config.src)


def _suppression_facts(table: dict[str, tuple]) -> dict[str, FileFacts]:
    return {p: FileFacts(path=p, content_hash="", lines=0, suppressions=s)
            for p, s in table.items()}


def _from_previous(config: Config, options: RunOptions, found: Discovery, res: dict,
                   timings: dict[str, float]) -> RunResult:
    if options.hooks.on_parse_start:
        options.hooks.on_parse_start(0)
    index = _deferred_index(config, options, found)
    failed = frozenset(res["failed"])
    stats = _stats(found, len(index.paths), len(failed), 0, len(index.paths), timings,
                   "reused")
    findings, concepts = _flatten(_decode_families(res))
    return _finish(config, options, index, stats, findings, concepts,
                   _suppression_facts(res["suppressions"]), failed)


def _incremental(config: Config, options: RunOptions, found: Discovery, cache: FactsCache,
                 env: str, res: dict, digests: Digests, timings: dict[str, float]
                 ) -> RunResult | None:
    """The run after a few edits: parse the edited files, re-use every family's previous
    findings whose inputs the edits left alone, run the others. None when the edits are
    too many or of a kind (files added or removed) this cannot vouch for."""
    stat = res["stat"]
    if len(stat) != len(found.files) or any(p not in stat for p in found.files):
        return None  # module names depend on the set of files: start over
    edited = sorted(p for p, h in digests.by_path.items() if h != stat[p][2])
    if not edited or len(edited) > max(MAX_EDITED, len(found.files) // 50):
        return None
    cache.load()
    old: dict[str, FileFacts] = {}
    for p in edited:
        entry = cache.raw.get(p)
        raw = entry[3] if entry is not None and entry[2] == stat[p][2] else \
            cache.raw_by_hash(stat[p][2])
        if raw is None:
            return None  # the facts those results came from are gone
        old[p] = codec.decode_facts(raw, p)
    if options.hooks.on_parse_start:
        options.hooks.on_parse_start(len(edited))
    new_facts, pstats = collect_facts(
        config.root, edited, _extract_options(config), cache, 1,
        progress=options.hooks.on_parsed, known_stats=digests.stats, forget_others=False)
    new = {f.path: f for f in new_facts}
    if set(new) != set(edited) or any(not f.content_hash for f in new.values()):
        return None  # unreadable now: the full path reports it properly
    for p in digests.changed:  # touched, same content: keep the facts, learn the stat
        entry = cache.raw.get(p)
        if p not in new and entry is not None and entry[2] == digests.by_path[p]:
            cache.put_raw(p, *digests.stats[p], entry[2], entry[3])
    cache.save()

    referenced = set(res["referenced"])
    for f in new.values():
        referenced |= tokens(f)
    inputs = {p: changed_inputs(old[p], new[p], referenced) for p in edited}
    maps = {p: PositionMap(old[p], new[p]) for p in edited}
    previous = _decode_families(res)
    full: list[ProjectIndex] = []

    def whole_index() -> ProjectIndex:
        if not full:  # the cache is loaded and current: every file is a hit
            t1 = time.perf_counter()
            facts, _ = collect_facts(config.root, found.files, _extract_options(config), cache,
                                     1, known_stats=digests.stats)
            full.append(ProjectIndex(config.root, facts, config.src))
            timings["decode"] = time.perf_counter() - t1
        return full[0]

    t0 = time.perf_counter()
    paths = tuple(sorted(found.files))
    edited_only = ProjectIndex.deferred(config.root, paths, lambda: list(new.values()),
                                        config.src)
    results: dict[str, FamilyResult] = {}
    rerun: list[str] = []
    for family in families():
        if not _enabled(family, config):
            continue
        name = family_name(family)
        before = previous.get(name)
        if before is not None and family.LOCAL:
            # Findings of a local family live in the file they come from.
            kept = [f for f in before[0] if f.location.path not in new]
            fresh, _ = _run_family(family, edited_only, config)
            results[name] = (sorted(kept + fresh, key=Finding.sort_key), [])
            continue
        if before is not None and not any(inputs[p] & family.READS for p in edited):
            moved = move_results(before[0], before[1], maps)
            if moved is not None:
                results[name] = moved
                continue
        rerun.append(name)
        results[name] = _run_family(family, whole_index(), config)
    timings["checks"] = time.perf_counter() - t0

    failed = frozenset(p for p in res["failed"] if p not in new) | frozenset(
        p for p, f in new.items() if f.error is not None)
    suppressions = dict(res["suppressions"])
    for p, f in new.items():
        suppressions[p] = f.suppressions
    t0 = time.perf_counter()
    _save_results(cache, env, dict(digests.by_path), results, failed, suppressions,
                  referenced_names(full[0].files.values()) if full else referenced)
    timings["results_save"] = time.perf_counter() - t0

    index = full[0] if full else _deferred_index(config, options, found)
    stats = _stats(found, len(paths), len(failed), pstats.parsed, len(paths) - pstats.parsed,
                   timings, "incremental", tuple(rerun))
    findings, concepts = _flatten(results)
    return _finish(config, options, index, stats, findings, concepts,
                   _suppression_facts({p: s for p, s in suppressions.items() if s}), failed)


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
