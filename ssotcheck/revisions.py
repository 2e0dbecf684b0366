"""The checks stage for a git revision (`trend`, `diff`, `check --diff-base`).

Three ways to the answer, cheapest first: the revision store already knows it (same
content, configuration and ssotcheck code); the revision analysed just before has the
same files with a few edited (trend walks history in order, ~1% of files per commit), so
only what those edits can change is checked again (`incremental.reuse_families`); or
every family runs over the revision's facts.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Callable, Mapping

from ssotcheck.checks import Checked, FamilyResult, run_all
from ssotcheck.config import Config
from ssotcheck.incremental import MAX_EDITED, index_references, reuse_families
from ssotcheck.index import codec
from ssotcheck.index.git_revision import Repository, Revision, RevisionCaches, revision_facts
from ssotcheck.index.project import ProjectIndex
from ssotcheck.model import Concept, FileFacts, Finding, SuppressionTable
from ssotcheck.results_store import env_key

_encode_finding = codec.encoder(Finding)
_decode_finding = codec.decoder(Finding)
_encode_concept = codec.encoder(Concept)
_decode_concept = codec.decoder(Concept)
Progress = Callable[[int], None]


@dataclass
class LastRevision:
    """The revision a command analysed last, for the next one to start from."""

    env: str
    blobs: dict[str, str]  # path -> blob id
    results: Mapping[str, FamilyResult]
    referenced: frozenset[str]
    failed: frozenset[str]
    suppressions: dict[str, SuppressionTable]


def _well_formed(res: object) -> bool:
    return (isinstance(res, dict) and isinstance(res.get("families"), dict)
            and isinstance(res.get("failed"), list) and isinstance(res.get("suppressions"), dict)
            and isinstance(res.get("referenced"), frozenset))


def check_revision(config: Config, repo: Repository, revision: Revision, caches: RevisionCaches,
                   jobs: int, on_parse_start: Progress | None, on_parsed: Progress | None,
                   timings: dict[str, float]) -> tuple[Checked, Callable[[], list[FileFacts]]]:
    """The checks stage's output for `revision`, and a loader of all its facts (for an
    index nobody asked for yet)."""
    env = env_key(config, revision.extension_modules)
    key = f"{env}:{revision.key}"
    store = caches.store
    options = config.extract_options()
    loaded: list[tuple[list[FileFacts], int, int]] = []

    def facts_of(blobs: dict[str, str], progress: bool = False
                 ) -> tuple[list[FileFacts], int, int]:
        return revision_facts(repo, blobs, options, caches, jobs,
                              on_parse_start if progress else None,
                              on_parsed if progress else None)

    def load() -> list[FileFacts]:
        if not loaded:
            t0 = time.perf_counter()
            loaded.append(facts_of(revision.blobs, progress=True))
            timings["parse"] = time.perf_counter() - t0
        return loaded[0][0]

    def done(checked: Checked) -> Checked:
        caches.last = LastRevision(env, dict(revision.blobs), checked.results,
                                   checked.referenced, checked.failed, checked.suppressions)
        caches.keep_only(revision.blobs)
        if checked.mode != "reused":
            store.put_results(key, {
                "families": {name: ([_encode_finding(f) for f in fs],
                                    [_encode_concept(c) for c in cs])
                             for name, (fs, cs) in checked.results.items()},
                "failed": sorted(checked.failed),
                "suppressions": checked.suppressions,
                "referenced": checked.referenced,
            })
        return checked

    res = store.results().get(key)
    if _well_formed(res):
        assert isinstance(res, dict)
        results = {name: ([_decode_finding(f) for f in fs], [_decode_concept(c) for c in cs])
                   for name, (fs, cs) in res["families"].items()}
        return done(Checked(results, frozenset(res["failed"]), dict(res["suppressions"]), None,
                            0, "reused", referenced=res["referenced"])), load

    prev = caches.last
    if isinstance(prev, LastRevision) and prev.env == env and \
            prev.blobs.keys() == revision.blobs.keys():
        edited = sorted(p for p, oid in revision.blobs.items() if prev.blobs[p] != oid)
        if edited and len(edited) <= max(MAX_EDITED, len(revision.files) // 50):
            return done(_recheck(config, revision, prev, edited, facts_of, load, timings)), load

    facts = load()
    t0 = time.perf_counter()
    index = ProjectIndex(config.root, facts, config.src, revision.extension_modules)
    timings["index"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    results = run_all(index, config)
    timings["checks"] = time.perf_counter() - t0
    files = index.files
    return done(Checked(results, frozenset(p for p, f in files.items() if f.error is not None),
                        {p: f.suppressions for p, f in files.items() if f.suppressions}, index,
                        loaded[0][1],
                        referenced=index_references(index))), load


def _recheck(config: Config, revision: Revision, prev: LastRevision, edited: list[str],
             facts_of: Callable[..., tuple[list[FileFacts], int, int]],
             load: Callable[[], list[FileFacts]], timings: dict[str, float]) -> Checked:
    t0 = time.perf_counter()
    new_list, parsed, _ = facts_of({p: revision.blobs[p] for p in edited}, progress=True)
    old = {f.path: f for f in facts_of({p: prev.blobs[p] for p in edited})[0]}
    new = {f.path: f for f in new_list}
    timings["parse"] = time.perf_counter() - t0
    full: list[ProjectIndex] = []

    def whole_index() -> ProjectIndex:
        if not full:
            full.append(ProjectIndex(config.root, load(), config.src,
                                     revision.extension_modules))
        return full[0]

    t0 = time.perf_counter()
    results, rerun, referenced = reuse_families(config, revision.files, prev.results, old, new,
                                                set(prev.referenced), whole_index,
                                                revision.extension_modules)
    timings["checks"] = time.perf_counter() - t0
    failed = frozenset(p for p in prev.failed if p not in new) | frozenset(
        p for p, f in new.items() if f.error is not None)
    suppressions = dict(prev.suppressions)
    for p, f in new.items():
        suppressions.pop(p, None)
        if f.suppressions:
            suppressions[p] = f.suppressions
    return Checked(results, failed, suppressions, full[0] if full else None, parsed,
                   "incremental", tuple(rerun),
                   referenced=index_references(full[0]) if full else frozenset(referenced))
