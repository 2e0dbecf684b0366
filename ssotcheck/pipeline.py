"""The one-way pipeline: discover -> facts -> index -> checks -> gates -> score.

Each stage takes only the previous stage's output (plus configuration); rendering is
left to `ssotcheck.report`.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import os
import time
from collections import Counter
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterator, Mapping

from ssotcheck.areas import AreaMap
from ssotcheck.checks import Checked, FamilyResult, flatten, run_all
from ssotcheck.config import Config
from ssotcheck.gates import baseline as baseline_gate
from ssotcheck.gates import new_code
from ssotcheck.gates import suppressions
from ssotcheck.gates.suppressions import Suppressed
from ssotcheck.incremental import index_references, recheck
from ssotcheck.index.cache import FactsCache
from ssotcheck.index.discover import Discovery, discover
from ssotcheck.index.parse import collect_facts
from ssotcheck.index.project import ProjectIndex
from ssotcheck.model import Concept, FileFacts, Finding, RunStats, Scores, SuppressionTable
from ssotcheck.results_store import Known, ResultsStore
from ssotcheck.scoring import compute

if TYPE_CHECKING:  # git plumbing is imported only by the commands that read history
    from ssotcheck.index.git_revision import Repository, Revision, RevisionCaches

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
    # The date suppression expiries are judged against (None: today). Gates only, so it
    # never invalidates a cache.
    today: dt.date | None = None
    # `check --diff-base`: the findings the base revision has, by identity; a finding
    # counts only when it is beyond these (and not baselined either).
    known: Counter[str] | None = None


@dataclass(frozen=True)
class RunResult:
    config: Config
    index: ProjectIndex
    findings: tuple[Finding, ...]  # in scope, after gates, sorted
    concepts: tuple[Concept, ...]
    scores: Scores
    stats: RunStats
    scope: tuple[str, ...]  # files the findings and scores speak for
    suppressed: int = 0  # findings an inline suppression took out
    baselined: int = 0  # findings the baseline took out
    # Files in scope that failed to parse and carry no SSOT000 finding (the rule is off):
    # scored as non-compliant all the same, so per-directory scores need them too.
    failed: tuple[str, ...] = ()
    # Every finding a gate took out, with why (SARIF reports them as suppressed results).
    held: tuple[Suppressed, ...] = ()
    # Baseline entries that matched no finding in scope (count = how many are missing).
    baseline_stale: tuple[baseline_gate.Entry, ...] = ()
    baseline_file: str | None = None  # the baseline used, relative to the root
    suppression_table: dict[str, SuppressionTable] = field(default_factory=dict)

    def baselined_by_area(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for h in self.held:
            if h.kind == "baseline":
                counts[h.finding.area] = counts.get(h.finding.area, 0) + 1
        return dict(sorted(counts.items()))
    at_base: int = 0  # findings left out because the --diff-base revision has them too
    diff_base: str | None = None  # that revision's commit id (set by the CLI)


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


def _discover(config: Config, options: RunOptions, timings: dict[str, float]) -> Discovery:
    t0 = time.perf_counter()
    explicit = tuple(p for p in options.paths if p.endswith(".py"))
    found = discover(config.root, config.exclude, explicit)
    timings["discover"] = time.perf_counter() - t0
    return found


def _facts_cache(config: Config, options: RunOptions) -> FactsCache:
    return FactsCache(cache_directory(config, options), config.extraction_key())


def _load_facts(config: Config, options: RunOptions, found: Discovery, cache: FactsCache,
                timings: dict[str, float], known_stats: dict[str, tuple[int, int]] | None = None,
                ) -> tuple[list[FileFacts], int, int]:
    t0 = time.perf_counter()
    cache.load()
    timings["cache_load"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    jobs = options.jobs or os.cpu_count() or 1
    facts, pstats = collect_facts(
        config.root, found.files, config.extract_options(), cache, jobs,
        progress=options.hooks.on_parsed, on_start=options.hooks.on_parse_start,
        known_stats=known_stats,
    )
    timings["parse"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    cache.save()
    timings["cache_save"] = time.perf_counter() - t0
    return facts, pstats.parsed, pstats.cache_hits


def _index(config: Config, facts: list[FileFacts], timings: dict[str, float],
           extensions: tuple[str, ...] = ()) -> ProjectIndex:
    t0 = time.perf_counter()
    index = ProjectIndex(config.root, facts, config.src, extensions)
    timings["index"] = time.perf_counter() - t0
    return index


def build_index(config: Config, options: RunOptions) -> tuple[ProjectIndex, RunStats]:
    timings: dict[str, float] = {}
    found = _discover(config, options, timings)
    facts, parsed, _ = _load_facts(config, options, found, _facts_cache(config, options),
                                   timings)
    index = _index(config, facts, timings, found.extension_modules)
    failed = frozenset(f.path for f in facts if f.error is not None)
    return index, _stats(found, index, Checked({}, failed, {}, index, parsed), timings)


def _stats(found: Discovery, index: ProjectIndex, checked: Checked,
           timings: dict[str, float]) -> RunStats:
    files = len(index.paths)
    return RunStats(
        files_discovered=len(found.files) + found.excluded,
        files_analyzed=files - len(checked.failed),
        files_failed=len(checked.failed),
        files_excluded=found.excluded,
        files_parsed=checked.parsed,
        cache_hits=files - checked.parsed,
        seconds=timings,
        checks=checked.mode,
        families_rerun=checked.rerun,
    )


# --------------------------------------------------------------------------- run

@dataclass(frozen=True)
class Analysed:
    """Everything up to and including the checks stage: what the gates take."""

    index: ProjectIndex
    checked: Checked
    stats: RunStats


@contextlib.contextmanager
def _no_gc() -> Iterator[None]:
    # A run allocates ~10^6 long-lived objects (the facts) and frees almost nothing until
    # it ends; the cyclic GC would re-scan them again and again for no garbage. The state
    # is restored afterwards: freezing the survivors is the CLI's call (a short-lived
    # process), not a library's.
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def run(config: Config, options: RunOptions = RunOptions()) -> RunResult:
    with _no_gc():
        return _gate_and_score(config, options, _analyse(config, options))


def analyse(config: Config, options: RunOptions = RunOptions()) -> Analysed:
    """discover -> facts -> index -> checks, each answered from a cache when it can be."""
    with _no_gc():
        return _analyse(config, options)


def gate_and_score(config: Config, options: RunOptions, analysed: Analysed) -> RunResult:
    """gates -> score over `analyse`'s answer."""
    with _no_gc():
        return _gate_and_score(config, options, analysed)


def _analyse(config: Config, options: RunOptions) -> Analysed:
    timings: dict[str, float] = {}
    found = _discover(config, options, timings)
    cache = _facts_cache(config, options)
    store = ResultsStore(cache, config, found.extension_modules)
    known = store.lookup(found.files, timings)
    checked = _already_known(config, options, found, cache, known, timings)
    if checked is None:
        stats = known.digests.stats if known.digests else None
        facts, parsed, _ = _load_facts(config, options, found, cache, timings, stats)
        index = _index(config, facts, timings, found.extension_modules)
        checked = _check(config, index, parsed, timings, options.jobs or os.cpu_count() or 1)
    hashes = checked.hashes
    if hashes is not None:
        t0 = time.perf_counter()
        checked = replace(checked, results=_with_areas(checked.results, AreaMap(config),
                                                       store.stored))
        key = store.save(hashes, checked.results, checked.failed,
                         checked.suppressions, checked.referenced)
        checked = replace(checked, key=key)
        timings["results_save"] = time.perf_counter() - t0
    index = checked.index or _deferred_index(config, options, found)
    return Analysed(index, checked, _stats(found, index, checked, timings))


def _with_areas(results: Mapping[str, FamilyResult], area_of: AreaMap,
                stored: Callable[[str, FamilyResult], bool]
                ) -> dict[str, FamilyResult]:
    """Findings with their area set, so stored results carry it and a run answered from
    them copies no finding to set it. A family handed back as `stored` has them."""
    out: dict[str, FamilyResult] = {}
    for name, result in results.items():
        fs = result[0]
        if stored(name, result) or all(f.area == area_of(f.path) for f in fs):
            out[name] = result  # the same object: the store keeps its stored bytes
        else:
            out[name] = ([_in_area(f, area_of) for f in fs], result[1])
    return out


def _in_area(f: Finding, area_of: AreaMap) -> Finding:
    """`f` with its area set, copied only when it does not have it yet."""
    area = area_of(f.path)
    return f if f.area == area else f.with_area(area)


def _already_known(config: Config, options: RunOptions, found: Discovery, cache: FactsCache,
                   known: Known, timings: dict[str, float]) -> Checked | None:
    """The checks stage's answer from the results store: as it was when nothing changed,
    or re-checked after a few edits. None when it has to be computed from the facts."""
    if known.exact and known.previous is not None:
        if options.hooks.on_parse_start:
            options.hooks.on_parse_start(0)
        res = known.previous
        return Checked(known.families(), frozenset(res["failed"]), dict(res["suppressions"]),
                       None, 0, "reused", key=res["key"])
    if known.previous is None:
        return None
    t0 = time.perf_counter()
    checked = recheck(config, found.files, cache, known, options.hooks.on_parse_start,
                      options.hooks.on_parsed, timings, found.extension_modules)
    timings["incremental"] = time.perf_counter() - t0
    return checked


def _check(config: Config, index: ProjectIndex, parsed: int,
           timings: dict[str, float], jobs: int = 1) -> Checked:
    t0 = time.perf_counter()
    # What the results store keeps for the next incremental run, worked out while the
    # checks' second process finishes (0.2 s on 10^4 files).
    referenced: list[frozenset[str]] = []
    results = run_all(index, config, jobs,
                      meanwhile=lambda: referenced.append(index_references(index)))
    timings["checks"] = time.perf_counter() - t0
    files = index.files
    return Checked(results, frozenset(p for p, f in files.items() if f.error is not None),
                   {p: f.suppressions for p, f in files.items() if f.suppressions}, index,
                   parsed, hashes={p: f.content_hash for p, f in files.items()},
                   referenced=referenced[0])


def run_revision(config: Config, repo: Repository, revision: Revision, caches: RevisionCaches,
                 options: RunOptions = RunOptions()) -> RunResult:
    """A past revision through the same stages: git is its discover + read stage
    (`ssotcheck.index.git_revision`), its checks stage answers from the revision store or
    from the revision analysed before when it can (`ssotcheck.revisions`), gates and
    score are the ones above. No baseline applies (a baseline speaks for the working
    tree); inline suppressions do, as of that revision. `caches` are shared by the
    revisions of one command (`caches_for`)."""
    from ssotcheck.revisions import check_revision

    with _no_gc():
        timings: dict[str, float] = {}
        found = Discovery(revision.files, revision.excluded, revision.extension_modules)
        checked, load = check_revision(config, repo, revision, caches,
                                       options.jobs or os.cpu_count() or 1,
                                       options.hooks.on_parse_start, options.hooks.on_parsed,
                                       timings)
        index = checked.index or ProjectIndex.deferred(
            config.root, revision.files, load, config.src, revision.extension_modules)
        return _gate_and_score(config, replace(options, use_baseline=False, known=None),
                               Analysed(index, checked, _stats(found, index, checked, timings)))


def caches_for(config: Config, options: RunOptions,
               known: dict[tuple[Path | None, str], RevisionCaches]) -> RevisionCaches:
    """The revision caches for `config`'s extraction settings, made once per command."""
    from ssotcheck.index.git_revision import RevisionCaches

    key = (cache_directory(config, options), config.extraction_key())
    if key not in known:
        known[key] = RevisionCaches(*key)
    return known[key]


def _deferred_index(config: Config, options: RunOptions, found: Discovery) -> ProjectIndex:
    """The project's index with facts loaded only if someone asks (graph, fix)."""
    def load() -> list[FileFacts]:
        return _load_facts(config, options, found, _facts_cache(config, options), {})[0]

    return ProjectIndex.deferred(config.root, tuple(sorted(found.files)), load, config.src,
                                 found.extension_modules)


def _gate_and_score(config: Config, options: RunOptions, analysed: Analysed) -> RunResult:
    index, checked, stats = analysed.index, analysed.checked, analysed.stats
    t0 = time.perf_counter()
    findings, concepts = flatten(checked.results)
    area_of = AreaMap(config)
    scope = tuple(p for p in index.paths if in_scope(p, options.paths))
    # Once per path, not once per finding (10^4 findings, a few thousand paths).
    within: dict[str, bool] = {}

    def wanted(path: str) -> bool:
        got = within.get(path)
        if got is None:
            got = within[path] = in_scope(path, options.paths)
        return got

    scoped = [_in_area(f, area_of) for f in findings
              if not options.paths or wanted(f.location.path)]
    inline = suppressions.apply(scoped, checked.suppressions, config,
                                options.today or dt.date.today(), frozenset(scope))
    kept = inline.kept + [_in_area(f, area_of) for f in inline.unused]
    held: list[Suppressed] = list(inline.suppressed)
    stale: tuple[baseline_gate.Entry, ...] = ()
    baseline_file: str | None = None
    fresh = None if options.known is None else {
        id(f) for f in new_code.beyond(kept, options.known)}
    if options.use_baseline:
        path = config.baseline_path()
        recorded = baseline_gate.load(path)
        if recorded is not None:
            baseline_file = _display_path(path, config.root)
            gate = baseline_gate.apply(kept, recorded,
                                       lambda e: judged_by_run(e, config, options.paths))
            kept = gate.kept
            held += [Suppressed(f, "baseline", f"recorded in {baseline_file}")
                     for f in gate.baselined]
            stale = tuple(gate.stale)
    at_base = 0
    if fresh is not None:
        # Both gates pass over the first findings of an identity in the same order, so a
        # finding fails when it is beyond the base's count AND the baseline's.
        before = len(kept)
        kept = [f for f in kept if id(f) in fresh]
        at_base = before - len(kept)
    kept.sort(key=Finding.sort_key)
    held.sort(key=lambda s: s.finding.sort_key())
    failed = () if config.rule_enabled("SSOT000") else tuple(
        p for p in scope if p in checked.failed)
    scores = compute(scope, kept, area_of, failed=failed)
    concepts.sort(key=lambda c: (-c.spread, c.kind, c.name))
    stats.seconds["gates_and_score"] = time.perf_counter() - t0
    return RunResult(config, index, tuple(kept), tuple(concepts), scores, stats, scope,
                     suppressed=len(inline.suppressed),
                     failed=failed, at_base=at_base,
                     baselined=sum(1 for h in held if h.kind == "baseline"),
                     held=tuple(held), baseline_stale=stale, baseline_file=baseline_file,
                     suppression_table={p: t for p, t in checked.suppressions.items()
                                        if t and in_scope(p, options.paths)})


def judged_by_run(entry: baseline_gate.Entry, config: Config, paths: tuple[str, ...]) -> bool:
    """Whether a run over `paths` with `config` can tell that a baseline entry is stale:
    its file is in the report scope and its rule is enabled."""
    if entry.rule and not config.rule_enabled(entry.rule):
        return False
    return in_scope(entry.path, paths) if entry.path else not paths


def _display_path(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root).as_posix()
    except ValueError:
        return str(path)
